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


# Share of the work done when each stage of the donor report starts (the page shows it).
RENDER_STAGES = {"figures": 10, "charts": 35, "layout": 55, "write": 85}


@db_task()
def render_report_job(render_id: int) -> int:
    """Render a donor report (the "prepare the report" button); the page follows the progress."""
    from madina.results import report_views

    return report_views.run_report_render(render_id)


@db_periodic_task(crontab(hour="4", minute="35"))
def purge_report_renders() -> int:
    """Daily: reports rendered more than a week ago, their files with them."""
    import datetime as dt

    from django.utils import timezone

    from madina.results.models import ReportRender

    old = ReportRender.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=7))
    count = 0
    for render in old:
        if render.file:
            render.file.delete(save=False)
        render.delete()
        count += 1
    return count
