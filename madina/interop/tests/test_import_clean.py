from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import clean_rows, csv_bytes, xlsx_bytes


def test_a_clean_csv_file_creates_every_initiative(cast, reference, run_import, settings):
    job = run_import(cast.member, "3w.csv", csv_bytes(clean_rows("Association Rif Solidarité")))

    assert job.status == ImportJob.Status.DONE, job.report
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    first = Initiative.objects.get(external_id="R-1")
    assert first.lead_organisation == cast.organisation
    assert first.sector == reference["health"]
    assert first.status == "ongoing"
    assert list(first.communes.all()) == [reference["bni_ansar"]]
    assert list(first.target_groups.all()) == [reference["women"]]
    assert first.target_people == 400
    second = Initiative.objects.get(external_id="R-2")
    assert set(second.communes.all()) == {reference["nador"], reference["bni_ansar"]}
    assert set(second.target_groups.all()) == {reference["women"], reference["children"]}
    assert second.start_date.isoformat() == "2026-03-01"
    assert second.end_date is None
    third = Initiative.objects.get(external_id="R-3")
    assert third.sector == reference["health"]
    assert third.status == "ongoing"
    assert AuditEvent.objects.filter(object_type="initiatives.initiative").count() == 3
    # The uploaded sheet is not kept once read.
    assert job.file.name == ""
    assert not any((settings.MEDIA_ROOT / "imports").rglob("*.csv"))


def test_a_clean_xlsx_file_gives_the_same_result(cast, reference, run_import):
    rows = clean_rows("ARS")  # the acronym designates the organisation too
    job = run_import(cast.member, "3w.xlsx", xlsx_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 3
    assert Initiative.objects.filter(lead_organisation=cast.organisation).count() == 3


def test_a_semicolon_separated_csv_is_read(cast, reference, run_import):
    job = run_import(
        cast.member, "3w.csv", csv_bytes(clean_rows("Association Rif Solidarité"), ";")
    )

    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 3


def test_without_an_id_column_the_identifier_is_derived_and_stable(cast, reference, run_import):
    rows = [row[1:] for row in clean_rows("Association Rif Solidarité")]
    first = run_import(cast.member, "3w.csv", csv_bytes(rows))
    again = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert first.status == again.status == ImportJob.Status.DONE
    assert first.created_count == 3
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert all(
        external_id.startswith("import-")
        for external_id in Initiative.objects.values_list("external_id", flat=True)
    )


def test_the_lead_organisation_can_come_from_the_upload_form(cast, reference, run_import):
    rows = [[value for index, value in enumerate(row) if index != 1] for row in clean_rows("x")]
    job = run_import(cast.member, "3w.csv", csv_bytes(rows), organisation=cast.organisation)

    assert job.status == ImportJob.Status.DONE, job.report
    assert Initiative.objects.filter(lead_organisation=cast.organisation).count() == 3
