import pytest
from django.core.exceptions import ValidationError

from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.services import import_job_run, import_job_start
from madina.interop.tests.conftest import clean_rows, csv_bytes


def test_a_job_runs_once_and_cannot_be_started_again(cast, reference, run_import):
    job = run_import(cast.member, "3w.csv", csv_bytes(clean_rows("ARS")))
    assert job.status == ImportJob.Status.DONE

    with pytest.raises(ValidationError):
        import_job_start(actor=cast.member, job=job, mapping=job.mapping)
    again = import_job_run(job_id=job.pk)

    assert again.status == ImportJob.Status.DONE
    assert again.created_count == 3
    assert Initiative.objects.count() == 3


def test_the_job_records_counts_progress_and_times(cast, reference, run_import):
    job = run_import(cast.member, "3w.csv", csv_bytes(clean_rows("ARS")))

    assert job.progress == 100
    assert job.total_rows == 3
    assert job.started_at <= job.finished_at
    assert job.report == {"issues": [], "notes": [], "count": 0}


def test_someone_else_cannot_start_an_uploaded_job(cast, reference, run_import):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    from madina.interop.services import import_job_create

    job = import_job_create(
        actor=cast.member, upload=SimpleUploadedFile("3w.csv", csv_bytes(clean_rows("ARS")))
    )

    with pytest.raises(PermissionDenied):
        import_job_start(actor=cast.admin, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
