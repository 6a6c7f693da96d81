from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import csv_bytes, xlsx_bytes

HXL_ROWS = [
    [
        "Code",
        "Porteur",
        "Intitulé du projet",
        "Domaine",
        "Localité",
        "Public",
        "Situation",
        "Du",
        "Au",
    ],
    [
        "#meta+id",
        "#org+prog+name",
        "#activity+name",
        "#sector+code",
        "#loc+name",
        "#beneficiary+name",
        "#status",
        "#date+start",
        "#date+end",
    ],
    [
        "H-1",
        "Association Rif Solidarité",
        "Permanence juridique",
        "SNIA-03",
        "Bni Ansar",
        "Women",
        "ongoing",
        "2026-01-01",
        "2026-12-31",
    ],
    [
        "H-2",
        "Association Rif Solidarité",
        "Soutien scolaire",
        "SNIA-01",
        "Nador",
        "",
        "completed",
        "2025-01-01",
        "2025-06-30",
    ],
]


def test_the_hashtag_row_is_detected_and_proposes_the_mapping(cast, reference, run_import):
    job = run_import(cast.member, "3w-hxl.csv", csv_bytes(HXL_ROWS))

    assert job.hxl_tags[:3] == ["#meta+id", "#org+name+prog", "#activity+name"]
    assert job.mapping == {
        "external_id": 0,
        "lead_organisation": 1,
        "title": 2,
        "sector": 3,
        "communes": 4,
        "target_groups": 5,
        "status": 6,
        "start_date": 7,
        "end_date": 8,
    }
    # The hashtag row is not read as data.
    assert job.preview[0][0] == "H-1"
    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 2
    assert Initiative.objects.get(external_id="H-2").status == "completed"


def test_an_hxl_tagged_workbook_is_read_the_same_way(cast, reference, run_import):
    job = run_import(cast.member, "3w-hxl.xlsx", xlsx_bytes(HXL_ROWS))

    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 2
