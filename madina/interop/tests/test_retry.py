"""An import whose worker died can be run again by the person who started it, and only then."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from madina.initiatives.models import Initiative
from madina.interop import services
from madina.interop.models import ImportJob
from madina.interop.services import (
    import_job_create,
    import_job_retry,
    import_jobs_interrupt_stale,
)
from madina.interop.tests.conftest import clean_rows, csv_bytes


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def dead_job(cast, reference):
    """A job left "saving" by a worker killed 20 minutes ago: its file is still there."""

    def _make(*, minutes_ago=20, status=ImportJob.Status.WRITING, actor=None, language="fr"):
        with translation.override(language):
            job = import_job_create(
                actor=actor or cast.member,
                upload=SimpleUploadedFile(
                    "3w.csv", csv_bytes(clean_rows("Association Rif Solidarité"))
                ),
            )
        ImportJob.objects.filter(pk=job.pk).update(
            status=status,
            progress=85,
            started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago + 1),
            updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        )
        job.refresh_from_db()
        return job

    return _make


def test_the_owner_runs_a_dead_job_again_and_it_completes(
    cast, dead_job, django_capture_on_commit_callbacks
):
    job = dead_job()
    assert services.import_job_can_retry(job)

    with django_capture_on_commit_callbacks(execute=True):
        import_job_retry(actor=cast.member, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 3
    assert Initiative.objects.count() == 3
    assert not job.file.name


def test_a_job_still_making_progress_is_refused(cast, dead_job, django_capture_on_commit_callbacks):
    job = dead_job(minutes_ago=2)

    with (
        pytest.raises(ValidationError, match="still running"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        import_job_retry(actor=cast.member, job=job)

    assert callbacks == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING
    assert Initiative.objects.count() == 0


def test_the_stale_delay_is_a_setting(cast, dead_job, settings):
    job = dead_job(minutes_ago=2)
    settings.MADINA_IMPORT_STALE_MINUTES = 1
    assert services.import_job_can_retry(job)


@pytest.mark.parametrize("name", ["admin", "coordinator", "outsider"])
def test_only_the_person_who_started_it_may_retry(cast, dead_job, name):
    job = dead_job()

    with pytest.raises(PermissionDenied):
        import_job_retry(actor=getattr(cast, name), job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING


def test_finished_jobs_and_jobs_without_their_file_are_refused(cast, dead_job):
    done = dead_job(status=ImportJob.Status.DONE)
    failed = dead_job(status=ImportJob.Status.FAILED)
    failed.file.storage.delete(failed.file.name)

    for job in (done, failed):
        assert not services.import_job_can_retry(job)
        with pytest.raises(ValidationError, match="cannot be run again"):
            import_job_retry(actor=cast.member, job=job)
    assert ImportJob.objects.filter(status=ImportJob.Status.QUEUED).count() == 0


def test_the_sweep_marks_dead_jobs_interrupted_in_the_owners_language(cast, dead_job):
    dead = dead_job(language="ar")
    alive = dead_job(minutes_ago=1, status=ImportJob.Status.VALIDATING)
    waiting = dead_job(status=ImportJob.Status.QUEUED)

    assert import_jobs_interrupt_stale() == 1

    dead.refresh_from_db()
    assert dead.status == ImportJob.Status.INTERRUPTED
    assert dead.is_finished
    assert dead.issues[0]["message"] == (
        "توقّف الاستيراد قبل أن يكتمل، ولم يُحفظ أي شيء. يمكنك تشغيله مرة أخرى."
    )
    assert services.import_job_can_retry(dead)
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert (alive.status, waiting.status) == (ImportJob.Status.VALIDATING, ImportJob.Status.QUEUED)


def test_a_run_whose_job_was_queued_again_writes_nothing(cast, dead_job):
    job = dead_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, started_at=None)

    with pytest.raises(services._Superseded):
        services._write(cast.member, job, [], [], None)


def test_the_page_offers_to_try_again_and_the_button_works(
    cast, dead_job, django_capture_on_commit_callbacks
):
    job = dead_job()
    import_jobs_interrupt_stale()
    client = cast.client_for("member")

    page = client.get(f"/fr{job.get_absolute_url()[3:]}")
    body = page.content.decode()
    assert "L’import a été interrompu avant la fin" in body
    assert "Réessayer" in body

    url = reverse("interop:import_retry", kwargs={"pk": job.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Initiative.objects.count() == 3
    assert "Réessayer" not in client.get(job.get_absolute_url()).content.decode()


def test_outsiders_get_404_and_the_coordinator_403(cast, dead_job):
    job = dead_job()
    url = reverse("interop:import_retry", kwargs={"pk": job.pk})

    assert cast.client_for("outsider").post(url).status_code == 404
    assert cast.client_for("coordinator").post(url).status_code == 403
    assert cast.client_for("member").get(url).status_code == 405
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING
