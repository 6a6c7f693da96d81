"""The donor report: its figures equal a hand count of the records, in the PDF (French and
Arabic, right to left) and the XLSX (issue 6, acceptance 1 and 3)."""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from madina.results import report
from madina.results.tests.report_fixtures import (  # noqa: F401 -- the fixture
    HAND_COMMUNES,
    HAND_COUNT,
    HAND_SEX,
    edition_world_fixture,
)

pytestmark = pytest.mark.django_db


def _url(name, pk, language="fr"):
    return f"/{language}" + reverse(f"results:{name}", args=[pk])[3:]


def _progress(value):
    return "" if value is None else f"{value:.0f} %"


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return unicodedata.normalize("NFKC", text).replace("\u202f", " ")


def _rows(world, language):
    return {row.code: row for row in report.edition_report(world["edition"], language).indicators}


def _number(value):
    return None if value is None else float(value)


def test_the_report_data_equal_the_hand_count(edition_world):
    data = report.edition_report(edition_world["edition"], "fr")
    rows = {row.code: row for row in data.indicators}
    assert list(rows) == list(HAND_COUNT)
    for code, (title, unit, target, quarters, total, progress) in HAND_COUNT.items():
        row = rows[code]
        assert (row.title, row.unit, row.target) == (title, unit, target), code
        assert row.values == [None if v is None else Decimal(v) for v in quarters], code
        assert row.total == (None if total is None else Decimal(total)), code
        assert row.progress == progress, code
    for code, counts in HAND_SEX.items():
        assert dict(rows[code].by_sex) == {"féminin": counts["female"], "masculin": counts["male"]}
    table = data.communes
    assert [row.code for row in table.indicators] == ["1.1.a", "1.1.b", "1.1.c"]
    assert {
        name: dict(zip(["1.1.a", "1.1.b", "1.1.c"], counts, strict=True))
        for name, counts in table.rows
    } == HAND_COMMUNES
    assert [kind for kind, *_rest in ((row.kind, row.code) for row in data.rows)] == [
        "outcome", "output", "indicator", "indicator", "indicator", "indicator",
        "outcome", "indicator", "output", "indicator", "indicator", "indicator",
    ]  # fmt: skip
    assert [section.title for section in data.sections] == ["Contexte", "Défis"]
    assert data.donors == ["Fondation Donatrice"]
    assert data.territory == ["Province de Nador"]
    assert len(data.periods) == 4


def test_a_changed_record_changes_the_report_after_recomputation(edition_world):
    from madina.results import compute

    session = edition_world["sessions"][2]
    session.girls += 10
    session.save()
    compute.compute_edition(edition_world["edition"])
    rows = {
        row.code: row for row in report.edition_report(edition_world["edition"], "fr").indicators
    }
    assert rows["1.1.b"].total == 73
    assert rows["1.1.b"].values[1] == 40


def test_the_progress_bar_grows_from_the_right_in_arabic(edition_world):
    rows = {
        row.code: row for row in report.edition_report(edition_world["edition"], "ar").indicators
    }
    bar = str(rows["1.1.a"].bar)  # 30 % of 200 units: 60 wide
    assert '<rect x="140.0" y="0" width="60.0"' in bar
    rows = {
        row.code: row for row in report.edition_report(edition_world["edition"], "fr").indicators
    }
    assert '<rect x="0" y="0" width="60.0"' in str(rows["1.1.a"].bar).replace('x="0.0"', 'x="0"')
    assert "<script" not in str(rows["1.1.a"].bar) and "<style" not in str(rows["1.1.a"].bar)


def test_the_pdf_report_holds_every_figure(cast, edition_world, fetch_report):
    edition = edition_world["edition"]
    response = fetch_report(cast.client_for("readonly"), _url("report_pdf", edition.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(_pdf_text(response.content).split())
    assert "Al-Madina — 2e édition" in text
    assert "Fondation Donatrice" in text and cast.organisation.name in text
    assert "La deuxième édition a touché les écoles de Nador." in text
    for code, (title, unit, target, quarters, total, progress) in HAND_COUNT.items():
        figures = [
            report.figure(0, unit),
            report.figure(target, unit),
            *[report.figure(value, unit) for value in quarters],
            report.figure(total, unit),
        ]
        line = " ".join(figures) + (f" {_progress(progress)}" if progress is not None else "")
        assert f"{code} {title}" in text, code
        assert line in text, (code, line)
    # By commune and by sex.
    assert "Beni Ansar 1 23 1" in text and "Nador 2 40 1" in text
    assert "Élèves sensibilisés féminin 31" in text
    assert "Élèves sensibilisés masculin 32" in text
    assert "Personnes formées féminin 3" in text
    # No personal data.
    assert "Amina" not in text


def test_the_arabic_pdf_is_shaped_and_right_to_left(cast, edition_world, fetch_report):
    edition = edition_world["edition"]
    response = fetch_report(cast.client_for("member"), _url("report_pdf", edition.pk, "ar"))
    assert response.status_code == 200
    document = pypdfium2.PdfDocument(response.content)
    page = document[0]
    textpage = page.get_textpage()
    text = unicodedata.normalize("NFKC", textpage.get_text_range())
    # Shaped and in logical order: the words read back as typed, not reversed.
    for words in ("مشروع المدينة", "النسخة الثانية", "السياق العام", "عدد التلاميذ المستفيدين"):
        assert words in text, words
        assert words[::-1] not in text
    # The heading starts on the right: its first letter lies on the right half of the page.
    start, _count = textpage.search("السياق").get_next()
    left, _bottom, right, _top = textpage.get_charbox(start)
    assert left > page.get_width() / 2
    # A French section heading in the same document keeps its own order.
    assert "Défis" in _pdf_text(response.content)


def test_the_xlsx_holds_the_same_figures(cast, edition_world):
    edition = edition_world["edition"]
    response = cast.client_for("coordinator").get(_url("report_xlsx", edition.pk, "en"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Framework", "By commune", "Narrative"]
    sheet = workbook["Framework"]
    header = [cell.value for cell in sheet[1]]
    assert len(header) == 6 + 4 + 2
    assert header[6] == "01/01/2025 – 03/31/2025"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["1"][1:3] == ("outcome", "Les enfants vivent ensemble à l'école")
    assert rows["2.1"][1] == "output"
    for code, (title, _unit, target, quarters, total, progress) in HAND_COUNT.items():
        row = rows[code]
        assert row[2] == title
        assert row[4:6] == (0, target)
        assert [_number(value) for value in row[6:10]] == [_number(value) for value in quarters]
        assert _number(row[10]) == _number(total)
        assert _number(row[11]) == _number(progress)
    communes = {row[0]: row[1:4] for row in workbook["By commune"].iter_rows(values_only=True)}
    for name, counts in HAND_COMMUNES.items():
        assert communes[name] == tuple(counts.values())
    narrative = list(workbook["Narrative"].iter_rows(min_row=2, values_only=True))
    # No English text: the French one stands in.
    assert narrative[0] == ("Contexte", "La deuxième édition a touché les écoles de Nador.")
    assert not sheet.sheet_view.rightToLeft


def test_the_arabic_xlsx_reads_right_to_left(cast, edition_world):
    edition = edition_world["edition"]
    response = cast.client_for("coordinator").get(_url("report_xlsx", edition.pk, "ar"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    framework = workbook.worksheets[0]
    rows = {row[0]: row for row in framework.iter_rows(min_row=2, values_only=True)}
    assert rows["1.1.b"][2] == "عدد التلاميذ المستفيدين"
    assert rows["1.1.b"][10] == 63


@pytest.mark.parametrize(("name", "method"), [("report_pdf", "post"), ("report_xlsx", "get")])
def test_signed_out_readers_are_sent_to_sign_in(client, edition_world, name, method):
    response = getattr(client, method)(_url(name, edition_world["edition"].pk))
    assert response.status_code == 302
    assert "login" in response["Location"]
