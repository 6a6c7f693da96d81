"""Background jobs of coordination: lateness and reminders every morning, the digest weekly.

Jobs only call services; each takes the day it runs for, so that a late worker still computes
for the right day.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from madina.coordination import programme_services, reminders


@db_periodic_task(crontab(hour="5", minute="40"))
def programme_reminders_daily() -> dict:
    """Mark late what passed its due date, then remind the leads."""
    late = programme_services.mark_late()
    sent = reminders.send_reminders()
    return {"late": len(late), "reminders": sent}


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="10"))
def programme_digest_weekly() -> dict:
    """Every Monday, the week's summary to each space's secretariat."""
    return {"digests": reminders.send_weekly_digest()}
