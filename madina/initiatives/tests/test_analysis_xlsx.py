"""The pivot and gap downloads open with openpyxl, with a header row, numbers and direction."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from madina.initiatives.tests.test_analysis_world import build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content)).active


def _rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_gap_workbook_has_a_header_and_numbers(cast, world):
    sheet = _sheet(cast.client_for("coordinator").get("/en/initiatives/gaps/xlsx/"))
    rows = _rows(sheet)
    assert rows[0] == (
        "Province or prefecture",
        "Commune",
        "Health: initiatives",
        "Health: people reached",
        "Education: initiatives",
        "Education: people reached",
        "Sectors covered",
    )
    assert rows[1:] == [
        ("Nador", "Beni Ansar", 1, 0, 0, 0, 1),
        ("Nador", "Nador ville", 1, 40, 1, 0, 2),
        ("Oujda-Angad", "Oujda ville", 1, 100, 0, 0, 1),
    ]
    assert sheet.cell(row=3, column=4).data_type == "n"
    assert sheet.sheet_view.rightToLeft is not True


def test_gap_workbook_leaves_out_partners_only_figures(cast, world):
    rows = _rows(_sheet(cast.client_for("member").get("/en/initiatives/gaps/xlsx/")))
    assert rows[-1] == ("Oujda-Angad", "Oujda ville", 0, 0, 0, 0, 0)


def test_workbooks_are_right_to_left_in_arabic(cast, world):
    client = cast.client_for("coordinator")
    for page in ("gaps/xlsx/", "pivot/xlsx/"):
        sheet = _sheet(client.get(f"/ar/initiatives/{page}"))
        assert sheet.sheet_view.rightToLeft is True
    assert _rows(sheet)[1][0] in {"الصحة", "التعليم"}


def test_pivot_workbook_has_totals(cast, world):
    sheet = _sheet(
        cast.client_for("coordinator").get(
            "/en/initiatives/pivot/xlsx/",
            {"rows": "province", "columns": "sector", "measure": "initiatives"},
        )
    )
    assert _rows(sheet) == [
        ("Province or prefecture", "Education", "Health", "Total"),
        ("Nador", 1, 1, 2),
        ("Oujda-Angad", 1, 1, 2),
        ("Total", 2, 2, 4),
    ]


def test_pivot_workbook_of_distinct_people_never_adds_cumulative_months(cast, world):
    rows = _rows(
        _sheet(
            cast.client_for("member").get(
                "/en/initiatives/pivot/xlsx/", {"rows": "sector", "measure": "distinct"}
            )
        )
    )
    assert rows == [("Sector", "Total"), ("Health", 15), ("Total", 15)]


def test_text_that_looks_like_a_formula_stays_text(cast, world):
    cast.organisation.name_fr = cast.organisation.name_en = '=HYPERLINK("http://x","y")'
    cast.organisation.save()
    sheet = _sheet(
        cast.client_for("coordinator").get("/en/initiatives/pivot/xlsx/", {"rows": "organisation"})
    )
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    formula = [cell for cell in cells if str(cell.value).startswith("=")]
    assert formula and all(cell.data_type == "s" for cell in formula)
