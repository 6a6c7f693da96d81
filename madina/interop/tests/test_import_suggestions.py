from django.utils import translation

from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import clean_rows, csv_bytes


def test_a_misspelt_commune_gets_a_suggestion(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[1][4] = "Bni Amsar"

    with translation.override("ar"):
        job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    [issue] = job.issues
    assert issue["row"] == 2
    assert "هل تقصد «Bni Ansar»" in issue["message"]  # in the language asked, Arabic quotes


def test_a_misspelt_organisation_gets_a_suggestion(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarite")
    rows[1][1] = "Association Rif Solidarnosc"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    [issue] = job.issues
    assert issue["row"] == 2
    assert "Association Rif Solidarité" in issue["message"]


def test_spelling_variants_are_accepted_and_noted(cast, reference, run_import):
    rows = clean_rows("ASSOCIATION RIF SOLIDARITE")
    rows[1][4] = "Beni Ansar"  # same consonant skeleton as "Bni Ansar"
    rows[2][4] = "NADOR ; بني أنصار"  # Arabic with a hamza the official name does not have

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    assert Initiative.objects.get(external_id="R-1").communes.get() == reference["bni_ansar"]
    assert Initiative.objects.get(external_id="R-2").communes.count() == 2
    assert any("Beni Ansar" in note["message"] for note in job.notes)


def test_the_letters_written_for_one_another_find_the_commune(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[3][4] = "الناظور"  # ظ where the official name has ض (الناضور)

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    assert Initiative.objects.get(external_id="R-3").communes.get() == reference["nador"]
    assert any("الناظور" in note["message"] for note in job.notes)


def test_sectors_groups_and_statuses_match_by_code_or_name_in_any_language(
    cast, reference, run_import
):
    rows = clean_rows("Association Rif Solidarité")
    rows[1][3], rows[1][5], rows[1][6] = "health", "unaccompanied_children", "Terminée"
    rows[2][3], rows[2][5], rows[2][6] = "التربية و الثقافة", "FEMMES", "ملغاة"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    first = Initiative.objects.get(external_id="R-1")
    assert (first.sector, first.status) == (reference["health"], "completed")
    assert list(first.target_groups.all()) == [reference["children"]]
    second = Initiative.objects.get(external_id="R-2")
    assert (second.sector, second.status) == (reference["education"], "cancelled")
