"""Background jobs of the initiatives app. Jobs only call services or finders."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from madina.initiatives import matching


@db_task()
def rescan_overlaps(threshold: float = matching.DEFAULT_THRESHOLD) -> dict:
    """Recompute every pair of likely duplicate initiatives (reviews are kept)."""
    return vars(matching.rescan(threshold=threshold))


@db_periodic_task(crontab(hour="3", minute="17"))
def rescan_overlaps_nightly() -> dict:
    """Every night, so that the coordinators' list follows the registry's changes."""
    return vars(matching.rescan(threshold=matching.DEFAULT_THRESHOLD))
