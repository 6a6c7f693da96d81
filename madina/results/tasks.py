"""Background jobs of the results framework."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from madina.results import compute
from madina.results.models import Edition


@db_task()
def compute_edition_job(edition_id: int) -> int:
    """Recompute one edition's values (the "recompute now" button)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    return compute.compute_edition(edition) if edition is not None else 0


@db_periodic_task(crontab(hour="4", minute="05"))
def compute_all_editions() -> int:
    """Nightly: every edition that is running or ended less than a year ago."""
    import datetime as dt

    from django.utils import timezone

    since = timezone.localdate() - dt.timedelta(days=365)
    return sum(
        compute.compute_edition(edition) for edition in Edition.objects.filter(ends_on__gte=since)
    )
