"""The streaming XLSX reader (``madina.interop.xlsx``) on workbooks written cell by cell.

Each workbook here is a zip assembled by hand, so that every kind of cell a spreadsheet program
writes is tested as it is stored: shared and inline strings, numbers, booleans, dates by number
format, formulas with and without their saved value. A property test compares the reader with
openpyxl on workbooks openpyxl writes.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from madina.interop import xlsx
from madina.interop.reading import ImportFileError, Sheet, check_content

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
# Cell formats (cellXfs): 0 general, 1 built-in date (14), 2 custom "dd/mm/yyyy", 3 custom "0.00",
# 4 built-in time (20, h:mm), 5 custom duration "[h]:mm:ss", 6 date and time (22).
STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>
<numFmt numFmtId="165" formatCode="0.00"/><numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>
<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>
<xf numFmtId="20"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs>
</styleSheet>"""


def naive(*parts: int) -> datetime.datetime:
    """A date and time as a spreadsheet holds it: without a time zone."""
    return datetime.datetime(*parts)  # noqa: DTZ001 - spreadsheets know no time zone


def workbook(
    rows: str,
    *,
    shared: list[str] | None = None,
    date1904: bool = False,
    styles: bool = True,
) -> bytes:
    """An .xlsx holding one worksheet whose ``<sheetData>`` is ``rows`` (raw XML)."""
    properties = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f"{properties}"
        '<sheets><sheet name="3W" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{rows}'
        "</sheetData></worksheet>",
    }
    relationships = [
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    ]
    if styles:
        parts["xl/styles.xml"] = STYLES
        relationships.append(f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>')
    if shared is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{MAIN}">' + "".join(f"<si>{item}</si>" for item in shared) + "</sst>"
        )
        relationships.append(
            f'<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PACKAGE}">' + "".join(relationships) + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def rows_of(tmp_path, content: bytes) -> list[tuple[int, list]]:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(content)
    return list(xlsx.Workbook(path).rows())


def sheet_of(tmp_path, content: bytes) -> Sheet:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(content)
    return Sheet(path, "xlsx")


def test_shared_strings_with_rich_text_runs_and_escapes(tmp_path):
    shared = [
        "<t>Titre</t>",
        "<r><t>Bni </t></r><r><rPr><b/></rPr><t>Ansar</t></r>",
        # Phonetic guides (rPh) are not part of the text.
        '<t>الناظور</t><rPh sb="0" eb="1"><t>xx</t></rPh>',
        "<t>ligne_x000D_suivante</t>",
    ]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    rows += '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'

    assert rows_of(tmp_path, workbook(rows, shared=shared)) == [
        (1, ["Titre", "Bni Ansar"]),
        (2, ["الناظور", "ligne\rsuivante"]),
    ]


def test_inline_strings_and_cells_without_a_reference(tmp_path):
    rows = (
        '<row r="1"><c t="inlineStr"><is><t>ID</t></is></c>'
        '<c t="inlineStr"><is><r><t>Com</t></r><r><t>mune</t></r></is></c></row>'
        # Row 2 is not in the sheet; row 3 starts in column C.
        '<row r="3"><c r="C3" t="inlineStr"><is><t xml:space="preserve"> Oujda </t></is></c></row>'
    )

    assert rows_of(tmp_path, workbook(rows)) == [
        (1, ["ID", "Commune"]),
        (3, [None, None, " Oujda "]),
    ]


def test_numbers_and_booleans(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><v>400</v></c><c r="B1"><v>12.5</v></c><c r="C1"><v>1E3</v></c>'
        '<c r="D1" s="3"><v>150000</v></c><c r="E1" t="b"><v>1</v></c>'
        '<c r="F1" t="b"><v>0</v></c><c r="G1" t="e"><v>#N/A</v></c></row>'
    )

    [(number, values)] = rows_of(tmp_path, workbook(rows))

    assert values == [400, 12.5, 1000.0, 150000, True, False, "#N/A"]
    assert [type(value) for value in values[:3]] == [int, float, float]


def test_dates_come_from_the_number_format_of_the_cell(tmp_path):
    rows = (
        '<row r="1"><c r="A1" s="1"><v>46023</v></c><c r="B1" s="2"><v>46082</v></c>'
        '<c r="C1" s="6"><v>46023.5</v></c><c r="D1" s="4"><v>0.75</v></c>'
        '<c r="E1" s="5"><v>1.5</v></c><c r="F1" s="3"><v>46023</v></c>'
        '<c r="G1" t="d"><v>2026-03-01T00:00:00</v></c></row>'
    )

    [(_number, values)] = rows_of(tmp_path, workbook(rows))

    assert values == [
        naive(2026, 1, 1),
        naive(2026, 3, 1),
        naive(2026, 1, 1, 12),
        datetime.time(18),
        datetime.timedelta(days=1, hours=12),
        46023,  # "0.00" is a number format, not a date
        naive(2026, 3, 1),
    ]


def test_the_1904_calendar_is_followed(tmp_path):
    rows = '<row r="1"><c r="A1" s="1"><v>44561</v></c></row>'

    assert rows_of(tmp_path, workbook(rows, date1904=True)) == [(1, [naive(2026, 1, 1)])]


def test_a_formula_gives_its_saved_value(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><f>200*2</f><v>400</v></c>'
        '<c r="B1" t="str"><f>CONCAT("Bni ","Ansar")</f><v>Bni Ansar</v></c>'
        # A formula whose value is an empty text was computed: it is an empty cell.
        '<c r="C1" t="str"><f>IF(1,"","x")</f><v></v></c></row>'
    )

    assert rows_of(tmp_path, workbook(rows)) == [(1, [400, "Bni Ansar", ""])]


def test_a_formula_without_its_value_names_the_cell(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="J2"><f>200*2</f><v></v></c></row>'
    )

    with pytest.raises(xlsx.FormulaWithoutValue) as error:
        rows_of(tmp_path, workbook(rows))

    assert (error.value.row, error.value.column, error.value.formula) == (2, "J", "=200*2")


def test_a_shared_formula_without_its_value_is_named_in_full(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f><v>4</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" si="0"/></c></row>'
    )

    with pytest.raises(xlsx.FormulaWithoutValue) as error:
        rows_of(tmp_path, workbook(rows))

    assert (error.value.row, error.value.column, error.value.formula) == (2, "A", "=B2*2")


def test_the_formula_error_is_translated_for_the_person_importing(tmp_path):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Titre</t></is></c></row>'
    rows += '<row r="2"><c r="A2"><f>SUM(B2:C2)</f></c></row>'
    sheet = sheet_of(tmp_path, workbook(rows))

    with translation.override("fr"), pytest.raises(ImportFileError) as error:
        sheet.shape()

    assert "Ligne 2, colonne A" in error.value.message and "=SUM(B2:C2)" in error.value.message


def test_an_empty_sheet_is_refused(tmp_path):
    sheet = sheet_of(tmp_path, workbook(""))

    with translation.override("fr"), pytest.raises(ImportFileError) as error:
        sheet.shape()

    assert "La feuille est vide" in error.value.message
    assert rows_of(tmp_path, workbook("", styles=False)) == []


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    path = tmp_path / "3w.xlsx"
    path.write_bytes(buffer.getvalue())

    with translation.override("fr"), pytest.raises(ImportFileError) as error:
        check_content(path, "xlsx")

    assert "classeur Excel" in error.value.message


def test_a_damaged_workbook_is_refused_with_a_clear_error(tmp_path):
    broken_xml = workbook('<row r="1"><c r="A1"><v>1</v></c>')
    missing_string = workbook('<row r="1"><c r="A1" t="s"><v>7</v></c></row>', shared=[])
    without_sheet = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook(""))) as source,
        zipfile.ZipFile(without_sheet, "w") as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))

    corrupt_stream = bytearray(workbook('<row r="1"><c r="A1"><v>1</v></c></row>' * 50))
    with zipfile.ZipFile(io.BytesIO(bytes(corrupt_stream))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
    corrupt_stream[start : start + 4] = b"\xff\xff\xff\xff"  # an invalid deflate block

    for broken in (broken_xml, missing_string, without_sheet.getvalue(), bytes(corrupt_stream)):
        sheet = sheet_of(tmp_path, broken)
        with translation.override("fr"), pytest.raises(ImportFileError) as error:
            list(sheet.rows())
        assert "Ce classeur Excel est illisible" in error.value.message


def test_junk_bytes_are_refused(tmp_path):
    path = tmp_path / "3w.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 64)

    with translation.override("fr"), pytest.raises(ImportFileError) as error:
        check_content(path, "xlsx")

    assert "classeur Excel" in error.value.message


def test_the_row_count_is_estimated_with_or_without_a_dimension(tmp_path):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 8))
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(workbook(rows))
    assert xlsx.Workbook(path).estimate_rows() == 7

    written = OpenpyxlWorkbook()
    for n in range(12):
        written.active.append([n, "x"])
    written.save(path)
    assert xlsx.Workbook(path).estimate_rows() == 12


CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e15),
    st.booleans(),
    st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2100, 12, 31)),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
        ),
        max_size=20,
    ).filter(lambda text: not text.startswith("=")),  # openpyxl would write it as a formula
    st.datetimes(min_value=naive(1901, 1, 1), max_value=naive(2100, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6), st.booleans())
def test_the_reader_agrees_with_openpyxl(tmp_path, table, write_only):
    written = OpenpyxlWorkbook(write_only=write_only)
    sheet = written.create_sheet("3W") if write_only else written.active
    for row in table:
        sheet.append(row)
    path = tmp_path / "property.xlsx"
    written.save(path)

    expected = {}
    book = load_workbook(path, read_only=True, data_only=True)
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        if values:
            expected[number] = values
    book.close()
    found = {number: values for number, values in xlsx.Workbook(path).rows() if values}

    assert found == expected
