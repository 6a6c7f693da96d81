"""Background jobs of the cases app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from madina.cases import services


@db_periodic_task(crontab(hour="2", minute="35"))
def anonymise_closed_cases() -> int:
    """Nightly: anonymise the cases closed longer ago than MADINA_CASE_RETENTION_DAYS."""
    return services.anonymise_due()
