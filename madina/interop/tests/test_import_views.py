from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import clean_rows, csv_bytes


def test_upload_then_mapping_then_progress_page(
    cast, reference, django_capture_on_commit_callbacks
):
    client = cast.client_for("member")
    page = client.get(reverse("interop:import_upload"))
    assert page.status_code == 200
    assert b'name="file"' in page.content

    upload = SimpleUploadedFile("3w.csv", csv_bytes(clean_rows("Association Rif Solidarité")))
    response = client.post(reverse("interop:import_upload"), {"file": upload, "organisation": ""})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interop:import_mapping", kwargs={"pk": job.pk})

    mapping_page = client.get(response["Location"])
    assert mapping_page.status_code == 200
    # The preview shows the first rows; the proposals are selected.
    assert "Accompagnement médical des migrants" in mapping_page.content.decode()
    assert mapping_page.context["form"]["title"].value() == 2

    data = {name: "" if value is None else value for name, value in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], data)
    assert response.status_code == 302
    assert Initiative.objects.count() == 3

    status = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert status.status_code == 200
    content = status.content.decode()
    assert "hx-trigger" not in content  # finished: the page stops polling
    assert 'id="import-status"' in content and "<html" not in content


def test_a_running_import_polls_every_second(cast, reference):
    job = ImportJob.objects.create(
        filename="3w.csv", kind="csv", created_by=cast.member, status="validating", progress=40
    )

    content = cast.client_for("member").get(job.get_absolute_url()).content.decode()

    assert 'hx-trigger="every 1s"' in content
    assert '<progress id="import-progress"' in content and 'value="40"' in content


def test_the_upload_page_shows_a_clear_error_for_junk(cast, reference):
    import os

    upload = SimpleUploadedFile("3w.xlsx", os.urandom(1024 * 1024))

    response = cast.client_for("member").post(reverse("interop:import_upload"), {"file": upload})

    assert response.status_code == 200
    assert "Excel" in response.context["form"].errors["file"][0]
    assert ImportJob.objects.count() == 0


def test_a_mapping_without_the_required_columns_is_refused(cast, reference):
    client = cast.client_for("member")
    upload = SimpleUploadedFile("3w.csv", csv_bytes(clean_rows("ARS")))
    client.post(reverse("interop:import_upload"), {"file": upload})
    job = ImportJob.objects.get()

    response = client.post(reverse("interop:import_mapping", kwargs={"pk": job.pk}), {"title": 2})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    assert Initiative.objects.count() == 0
