"""Background jobs of imports and exports. Jobs only call services."""

from huey.contrib.djhuey import db_task


@db_task()
def run_import(job_id: int) -> None:
    """Check and write one import (``madina.interop.services.import_job_run``)."""
    from madina.interop.services import import_job_run

    import_job_run(job_id=job_id)
