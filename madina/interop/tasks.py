"""Background jobs of imports and exports. Jobs only call services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_import(job_id: int) -> None:
    """Check and write one import (``madina.interop.services.import_job_run``)."""
    from madina.interop.services import import_job_run

    import_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))
def interrupt_stale_imports() -> int:
    """Mark interrupted the imports whose worker died (``import_jobs_interrupt_stale``)."""
    from madina.interop.services import import_jobs_interrupt_stale

    return import_jobs_interrupt_stale()
