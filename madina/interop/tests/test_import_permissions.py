import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory
from madina.interop.models import ImportJob
from madina.interop.services import import_job_create
from madina.interop.tests.conftest import clean_rows, csv_bytes


def test_a_read_only_member_gets_403_on_the_import_page(cast, reference):
    response = cast.client_for("readonly").get(reverse("interop:import_upload"))

    assert response.status_code == 403


def test_a_read_only_member_cannot_upload_through_the_service(cast, reference):
    with pytest.raises(PermissionDenied):
        import_job_create(
            actor=cast.readonly,
            upload=SimpleUploadedFile("3w.csv", csv_bytes(clean_rows("ARS"))),
        )
    assert ImportJob.objects.count() == 0


def test_an_outsider_cannot_import_for_another_organisation(cast, reference, run_import):
    # The outsider administers "Association Oujda Accueil", not "Association Rif Solidarité".
    job = run_import(cast.outsider, "3w.csv", csv_bytes(clean_rows("Association Rif Solidarité")))

    assert job.status == ImportJob.Status.FAILED
    assert Initiative.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert [issue["row"] for issue in job.issues] == [2, 3, 4]
    assert "Association Rif Solidarité" in job.issues[0]["message"]


def test_an_outsider_cannot_choose_another_organisation_as_default_lead(cast, reference):
    with pytest.raises(PermissionDenied):
        import_job_create(
            actor=cast.outsider,
            upload=SimpleUploadedFile("3w.csv", csv_bytes(clean_rows("ARS"))),
            organisation=cast.organisation,
        )


def test_an_outsider_cannot_overwrite_an_initiative_through_its_identifier(
    cast, reference, run_import
):
    InitiativeFactory(external_id="R-1", lead_organisation=cast.organisation, title="Original")
    rows = clean_rows("Association Oujda Accueil")

    job = run_import(cast.outsider, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    assert [issue["row"] for issue in job.issues] == [2]
    assert Initiative.objects.get(external_id="R-1").title == "Original"
    assert Initiative.objects.count() == 1


def test_a_coordinator_imports_for_any_organisation(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[2][1] = "Association Oujda Accueil"

    job = run_import(cast.coordinator, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    assert Initiative.objects.filter(lead_organisation=cast.other_organisation).count() == 1


def test_someone_else_cannot_see_an_import(cast, reference, run_import):
    job = run_import(cast.member, "3w.csv", csv_bytes(clean_rows("ARS")))

    assert cast.client_for("outsider").get(job.get_absolute_url()).status_code == 404
    assert cast.client_for("admin").get(job.get_absolute_url()).status_code == 404
    assert cast.client_for("coordinator").get(job.get_absolute_url()).status_code == 200
