"""A file with a bad row: every problem named by line and column, and nothing written."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from madina.core.models import AuditEvent
from madina.core.tabular import CsvImportError
from madina.territory.models import Area
from madina.territory.services import areas_load_csv

HEADER = "level,code,parent_code,name_fr,name_ar,lat,lon,source\n"
GOOD = (
    "region,02,,Oriental,الشرق,,,x\n"
    "province,02.381,02,Nador,الناضور,,,x\n"
    "commune,02.381.01.05,02.381,Nador,الناضور,35.17,-2.93,x\n"
)


def load(rows: str, header: str = HEADER):
    return areas_load_csv(file=io.StringIO(header + GOOD + rows))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("village,02.381.09,02.381,Douar,دوار,35,-2,x", "level", "not one of"),
        ("commune,02.381.09,02.999,Douar,دوار,35,-2,x", "parent_code", "02.999"),
        ("commune,02.381.09,02,Douar,دوار,35,-2,x", "parent_code", "is not a province"),
        ("commune,02.381.09,,Douar,دوار,35,-2,x", "parent_code", "required"),
        ("region,03,02,Autre,أخرى,,,x", "parent_code", "no parent"),
        ("commune,02.381.09,02.381,Douar,,35,-2,x", "name_ar", "required"),
        ("commune,02.381.09,02.381,,دوار,35,-2,x", "name_fr", "required"),
        ("commune,02.381.09,02.381,Douar,دوار,north,-2,x", "lat", "not a number"),
        ("commune,02.381.09,02.381,Douar,دوار,35,west,x", "lon", "not a number"),
        ("commune,02.381.09,02.381,Douar,دوار,95,-2,x", "lat", "outside the range"),
        ("commune,02.381.09,02.381,Douar,دوار,NaN,-2,x", "lat", "not a number"),
        ("commune,02.381.09,02.381,Douar,دوار,,,x", "lat", "needs a latitude"),
        ("commune,02.381.09,02.381,Douar,دوار,35,,x", "lon", "both"),
        ("commune,02.381.01.05,02.381,Nador bis,الناضور,35,-2,x", "code", "line 4"),
        ("commune,,02.381,Douar,دوار,35,-2,x", "code", "required"),
        ("province,02.381.01.05,02,Nador,الناضور,,,x", "code", "already used"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_loaded(row, column, words):
    with pytest.raises(CsvImportError) as error:
        load(row + "\n")
    messages = [str(issue) for issue in error.value.issues]
    assert any(
        message.startswith(f"line 5, column {column}: ") and words in message
        for message in messages
    ), messages
    assert not Area.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_dates_must_be_iso_and_in_order():
    header = HEADER.replace("source\n", "source,valid_from,valid_to\n")
    rows = GOOD.replace(",x\n", ",x,,\n")
    text = header + rows + "commune,02.381.09,02.381,Douar,دوار,35,-2,x,01/02/2020,\n"
    text += "commune,02.381.11,02.381,Douar 2,دوار 2,35,-2,x,2020-02-01,2019-01-01\n"
    with pytest.raises(CsvImportError) as error:
        areas_load_csv(file=io.StringIO(text))
    messages = [str(issue) for issue in error.value.issues]
    assert any(m.startswith("line 5, column valid_from:") for m in messages), messages
    assert any(m.startswith("line 6, column valid_to:") for m in messages), messages
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_at_once():
    rows = "village,02.381.09,02.381,Douar,دوار,35,-2,x\ncommune,02.381.11,02.999,Douar,,abc,-2,x\n"
    with pytest.raises(CsvImportError) as error:
        load(rows)
    found = {(issue.line, issue.column) for issue in error.value.issues}
    assert {(5, "level"), (6, "parent_code"), (6, "name_ar"), (6, "lat")} <= found


@pytest.mark.django_db
def test_a_missing_column_is_reported_on_the_header_line():
    with pytest.raises(CsvImportError) as error:
        areas_load_csv(file=io.StringIO("level,code,name_fr\nregion,02,Oriental\n"))
    columns = {issue.column for issue in error.value.issues}
    assert {"parent_code", "name_ar", "lat", "lon"} <= columns
    assert all(issue.line == 1 for issue in error.value.issues)


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused():
    data = (HEADER + "region,02,,Médiouna,x,,,x\n").encode("latin-1")
    with pytest.raises(CsvImportError, match="UTF-8"):
        areas_load_csv(file=io.BytesIO(data))


@pytest.mark.django_db
def test_an_empty_file_is_refused():
    with pytest.raises(CsvImportError, match="no data rows"):
        areas_load_csv(file=io.StringIO(HEADER))


@pytest.mark.django_db
def test_a_bad_row_does_not_touch_areas_already_loaded():
    load("")
    changed = GOOD.replace("Nador,الناضور,35.17", "Nador renamed,الناضور,35.17")
    with pytest.raises(CsvImportError):
        areas_load_csv(file=io.StringIO(HEADER + changed + "village,9,,a,b,,,x\n"))
    assert Area.objects.get(code="02.381.01.05").name_fr == "Nador"


@pytest.mark.django_db
def test_a_level_cannot_change_under_an_existing_code():
    load("")
    with pytest.raises(CsvImportError, match="already exists as a commune"):
        areas_load_csv(
            file=io.StringIO(
                HEADER + "region,02,,Oriental,الشرق,,,x\n"
                "province,02.381.01.05,02,Nador,الناضور,,,x\n"
            )
        )


@pytest.mark.django_db
def test_the_command_prints_each_error_and_fails(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(HEADER + GOOD + "commune,02.381.09,02.381,Douar,,north,-2,x\n", "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_areas", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert "line 5, column name_ar: a value is required" in lines
    assert any(line.startswith("line 5, column lat: ") for line in lines)
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_the_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_areas", str(tmp_path / "nowhere.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "ligne 5, colonne name_ar : une valeur est obligatoire"),
        ("ar", "السطر 5، العمود name_ar: يجب إدخال قيمة"),
    ],
)
def test_errors_are_translated(language, expected):
    with translation.override(language):
        with pytest.raises(CsvImportError) as error:
            load("commune,02.381.09,02.381,Douar,,35,-2,x\n")
        assert str(error.value.issues[0]) == expected


@pytest.mark.django_db
def test_the_command_speaks_the_language_asked_for(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "level,code,parent_code,name_fr,name_ar,lat,lon,source\nregion,99,,Test,,,,x\n",
        encoding="utf-8",
    )
    for language, expected in [
        ("en", "line 2, column name_ar"),
        ("fr", "ligne 2, colonne name_ar"),
    ]:
        errors = StringIO()
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("load_areas", str(bad), language=language, stderr=errors)
        assert expected in errors.getvalue()
