import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative
from madina.interop.models import ImportJob
from madina.interop.services import import_job_create
from madina.interop.tests.conftest import HEADERS, clean_rows, csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def _french():
    """Every message below is checked in French: the refusals are translated."""
    with translation.override("fr"):
        yield


def test_one_bad_row_imports_nothing_and_names_the_row(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[2][4] = "Atlantis"  # row 3 of the sheet: an unknown commune

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    assert Initiative.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert job.report["count"] == 1
    [issue] = job.issues
    assert issue["row"] == 3
    assert issue["column"] == "Commune (E)"
    assert "Atlantis" in issue["message"]


def test_the_report_is_in_the_language_of_the_person_importing(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[1][7] = "demain"
    with translation.override("fr"):
        job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.language == "fr"
    [issue] = job.issues
    assert issue["row"] == 2
    assert issue["column"] == "Date de début (H)"
    assert "demain" in issue["message"]


def test_several_problems_are_all_reported(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[1][3] = "Astronomie"
    rows[2][8] = "2020-01-01"  # before its start date
    rows[3][6] = "peut-être"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    assert [(issue["row"], issue["column"][:6]) for issue in job.issues] == [
        (2, "Secteu"),
        (3, "Date d"),
        (4, "Statut"),
    ]
    assert Initiative.objects.count() == 0


def test_a_repeated_record_is_refused(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows[3][0] = "R-1"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    assert job.issues[0]["row"] == 4
    assert "2" in job.issues[0]["message"]


def test_reimporting_the_same_file_changes_nothing(cast, reference, run_import):
    content = xlsx_bytes(clean_rows("Association Rif Solidarité"))
    first = run_import(cast.member, "3w.xlsx", content)
    snapshot = list(Initiative.objects.order_by("pk").values())
    events = AuditEvent.objects.count()

    again = run_import(cast.member, "3w.xlsx", content)

    assert again.status == ImportJob.Status.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert again.total_rows == first.total_rows == 3
    assert list(Initiative.objects.order_by("pk").values()) == snapshot
    assert AuditEvent.objects.count() == events


def test_a_changed_row_updates_its_initiative_through_the_service(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    run_import(cast.member, "3w.csv", csv_bytes(rows))
    rows[1][6] = "terminé"
    rows[1][8] = "2026-06-30"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    initiative = Initiative.objects.get(external_id="R-1")
    assert initiative.status == "completed"
    event = AuditEvent.objects.filter(action="update").get()
    assert event.object_id == str(initiative.pk)
    assert event.changes["status"] == ["ongoing", "completed"]


def _formula_workbook(cached: bool) -> bytes:
    rows = clean_rows("Association Rif Solidarité")
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet["J2"] = "=200*2"
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if not cached:
        return content
    # openpyxl does not compute formulas: write the cached value as a spreadsheet program does.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>200*2</f><v></v>", b"<f>200*2</f><v>400</v>")
                data = data.replace(b"<f>200*2</f><v />", b"<f>200*2</f><v>400</v>")
                if b"<v>400</v>" not in data:
                    data = data.replace(b"<f>200*2</f>", b"<f>200*2</f><v>400</v>")
            target.writestr(item, data)
    return output.getvalue()


def test_a_formula_is_read_through_its_saved_value(cast, reference, run_import):
    job = run_import(cast.member, "3w.xlsx", _formula_workbook(cached=True))

    assert job.status == ImportJob.Status.DONE, job.report
    assert Initiative.objects.get(external_id="R-1").target_people == 400


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(cast, reference):
    message = _upload_error(cast.member, "3w.xlsx", _formula_workbook(cached=False))

    assert "Ligne 2, colonne J" in message and "=200*2" in message


def test_a_formula_further_down_is_reported_by_the_run(cast, reference, run_import):
    rows = clean_rows("Association Rif Solidarité")
    rows = [rows[0]] + [list(row) for _copy in range(3) for row in rows[1:]]
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"R-{number}"
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet["J9"] = "=SUM(J2:J3)"
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)

    job = run_import(cast.member, "3w.xlsx", buffer.getvalue())

    assert job.status == ImportJob.Status.FAILED
    assert Initiative.objects.count() == 0
    assert ["Ligne 9, colonne J" in issue["message"] for issue in job.issues] == [True]


def _upload_error(actor, name, content) -> str:
    with pytest.raises(ValidationError) as error:
        import_job_create(actor=actor, upload=SimpleUploadedFile(name, content))
    assert ImportJob.objects.count() == 0
    return " ".join(error.value.message_dict["file"])


def test_an_empty_sheet_is_refused_with_a_clear_error(cast, reference):
    empty = xlsx_bytes([])
    assert "La feuille est vide" in _upload_error(cast.member, "3w.xlsx", empty)
    headers_only = xlsx_bytes([HEADERS])
    assert "aucune ligne de données" in _upload_error(cast.member, "3w.xlsx", headers_only)
    assert "Le fichier est vide" in _upload_error(cast.member, "3w.csv", b"")


@pytest.mark.parametrize("name", ["3w.csv", "3w.xlsx"])
def test_ten_megabytes_of_junk_bytes_get_a_clear_error(cast, reference, name):
    junk = os.urandom(10 * 1024 * 1024)

    message = _upload_error(cast.member, name, junk)

    expected = "n’est pas un fichier texte CSV" if name.endswith(".csv") else "classeur Excel"
    assert expected in message


def test_another_kind_of_file_is_refused(cast, reference):
    assert "en .xlsx ou en .csv" in _upload_error(cast.member, "3w.pdf", b"%PDF-1.4")


def test_a_file_over_the_size_limit_is_refused(cast, reference, settings, monkeypatch):
    monkeypatch.setattr("madina.interop.services.MAX_UPLOAD_BYTES", 1_048_576)
    message = _upload_error(cast.member, "3w.csv", b"a,b\n" * 600_000)
    assert message == "Le fichier est trop volumineux (2.3 Mo) ; la limite est de 1 Mo."
