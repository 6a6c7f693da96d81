"""The donor report is rendered by a background job whose page shows the progress, then the file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from madina.results import report_views
from madina.results.models import ReportRender
from madina.results.tasks import RENDER_STAGES
from madina.results.tests.report_fixtures import (  # noqa: F401 -- the fixture
    edition_world_fixture,
)

pytestmark = pytest.mark.django_db


def _ask(client, edition, capture):
    with capture(execute=False) as callbacks:
        response = client.post(reverse("results:report_pdf", args=[edition.pk]))
    return response, callbacks


def test_asking_queues_a_job_and_its_page_follows_it(
    cast, edition_world, django_capture_on_commit_callbacks
):
    client = cast.client_for("readonly")
    edition = edition_world["edition"]
    response, callbacks = _ask(client, edition, django_capture_on_commit_callbacks)
    job = ReportRender.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.progress, job.language) == ("queued", 0, "en")
    assert job.requested_by == cast.readonly
    # Before the job runs: a progress bar that the page polls, and no file to download.
    page = client.get(job.get_absolute_url())
    html = page.content.decode()
    assert '<progress id="report-progress"' in html and 'hx-trigger="every 1s"' in html
    assert reverse("results:report_render_file", args=[job.pk]) not in html
    assert client.get(reverse("results:report_render_file", args=[job.pk])).status_code == 404
    # The job runs once the request's transaction has committed.
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert job.size > 1000 and job.started_at <= job.finished_at
    # The htmx poll now answers the finished state, which stops polling and links the file.
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert reverse("results:report_render_file", args=[job.pk]) in fragment
    pdf = client.get(reverse("results:report_render_file", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) == job.size


def test_each_stage_is_recorded_in_order(cast, edition_world, monkeypatch):
    edition = edition_world["edition"]
    job = ReportRender.objects.create(edition=edition, language="fr")
    seen = []
    real = report_views.render_report_pdf

    def spy(edition, language, progress):
        def recording(stage):
            progress(stage)
            seen.append((stage, ReportRender.objects.get(pk=job.pk).progress))

        return real(edition, language, recording)

    monkeypatch.setattr(report_views, "render_report_pdf", spy)
    report_views.run_report_render(job.pk)
    assert seen == [
        (stage, RENDER_STAGES[stage]) for stage in ("figures", "charts", "layout", "write")
    ]
    assert ReportRender.objects.get(pk=job.pk).status == "done"


def test_a_failure_is_recorded_and_offers_to_try_again(cast, edition_world, monkeypatch):
    edition = edition_world["edition"]
    job = ReportRender.objects.create(edition=edition, language="fr")

    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(report_views, "render_report_pdf", broken)
    assert report_views.run_report_render(job.pk) == 0
    job.refresh_from_db()
    assert job.status == "failed" and not job.file and job.finished_at is not None
    html = cast.client_for("member").get(job.get_absolute_url()).content.decode()
    assert "could not be prepared" in html
    assert f'action="{reverse("results:report_pdf", args=[edition.pk])}"' in html
    # A finished job is not run again.
    assert report_views.run_report_render(job.pk) == 0


def test_signed_out_readers_see_neither_the_job_nor_its_file(client, cast, edition_world):
    job = ReportRender.objects.create(edition=edition_world["edition"], language="fr")
    for name in ("report_render", "report_render_file"):
        response = client.get(reverse(f"results:{name}", args=[job.pk]))
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("results:report_pdf", args=[job.edition_id])).status_code in (
        302,
        405,
    )
    assert (
        cast.client_for("member").get(reverse("results:report_render", args=[99999])).status_code
        == 404
    )


def test_old_renders_are_purged_with_their_files(cast, edition_world, tmp_path, settings):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from madina.results.tasks import purge_report_renders

    settings.MEDIA_ROOT = tmp_path
    old = ReportRender.objects.create(edition=edition_world["edition"], language="fr")
    old.file.save("old.pdf", ContentFile(b"%PDF-old"))
    path = old.file.path
    ReportRender.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    recent = ReportRender.objects.create(edition=edition_world["edition"], language="fr")
    purge_report_renders.call_local()
    assert list(ReportRender.objects.values_list("pk", flat=True)) == [recent.pk]
    import os

    assert not os.path.exists(path)
