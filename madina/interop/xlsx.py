"""The first worksheet of an .xlsx workbook as rows of values, streamed from its XML.

openpyxl builds an object per cell and, for a sheet without a ``<dimension>`` element, reads the
whole sheet once more to size it; for 100,000 rows that was most of an import's time. Here the
sheet's XML is read straight from the zip with ``lxml.etree.iterparse``, one ``<row>`` at a time
(each row is dropped once read, so memory stays small whatever the size of the sheet):

- strings: shared (``t="s"``, from ``xl/sharedStrings.xml``), inline (``t="inlineStr"``) and
  formula results (``t="str"``); rich text runs are joined, phonetic runs left out, and Excel's
  ``_xHHHH_`` escapes decoded;
- numbers as ``int`` or ``float`` (as openpyxl casts them), booleans (``t="b"``), ISO dates
  (``t="d"``), error values (``t="e"``) as their text (``#N/A``);
- a number whose cell style has a date or time number format (``xl/styles.xml``, built-in or
  custom, detected with openpyxl's own rules) becomes a ``datetime`` (a ``time`` or a
  ``timedelta`` for time formats), in the workbook's 1900 or 1904 calendar;
- a formula gives the value saved with it; a formula saved without one (written by a program
  that does not compute formulas) raises :class:`FormulaWithoutValue` naming the cell.

Row numbers are the sheet's own, so a problem can be named "row N, column X". Errors are raised
untranslated (:class:`WorkbookError`, :class:`FormulaWithoutValue`); ``madina.interop.reading``
turns them into messages for the person importing.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

_MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # "Strict Open XML"
)
_RELATIONSHIP_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIGITS = "0123456789"
# What reading a damaged or unusual zip or XML part can raise (a corrupt deflate stream raises
# zlib.error, an encrypted member RuntimeError, an unknown compression NotImplementedError).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    etree.XMLSyntaxError,
    KeyError,
    EOFError,
    OSError,
    ValueError,
    IndexError,
    OverflowError,
    RuntimeError,
    NotImplementedError,
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")


class WorkbookError(Exception):
    """The file is a zip but not a workbook that can be read (missing or damaged parts)."""


class FormulaWithoutValue(Exception):
    """A formula saved without its value: ``row`` (1-based), ``column`` (letters), ``formula``."""

    def __init__(self, row: int, column: str, formula: str):
        self.row, self.column, self.formula = row, column, formula
        super().__init__(f"{column}{row}: {formula}")


def _parse(stream: IO[bytes], tag: str | None = None, events=("end",)):
    # Entities are never expanded and nothing is fetched: the file comes from a stranger.
    return etree.iterparse(  # noqa: S320 - entities off, network off
        stream, events=events, tag=tag, resolve_entities=False, no_network=True, huge_tree=False
    )


def _read_tree(archive: zipfile.ZipFile, name: str) -> etree._Element:
    with archive.open(name) as stream:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.parse(stream, parser).getroot()  # noqa: S320 - entities off, network off


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _unescape(text: str) -> str:
    """``_x000D_`` → carriage return (ST_Xstring); ``_x005F_`` escapes a literal underscore."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _rich_text(element: etree._Element, ns: str) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>``, or its runs' ``<t>``, no phonetics."""
    t_tag, r_tag = f"{{{ns}}}t", f"{{{ns}}}r"
    if len(element) == 1 and element[0].tag == t_tag:
        return _unescape(element[0].text or "")
    parts = []
    for child in element:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            for grandchild in child:
                if grandchild.tag == t_tag:
                    parts.append(grandchild.text or "")
    return _unescape("".join(parts))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter.upper()) - 64)
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Parts:
    """Where the first worksheet, the shared strings and the styles are, and the calendar."""

    def __init__(self, archive: zipfile.ZipFile):
        names = set(archive.namelist())
        workbook_name = "xl/workbook.xml"
        if workbook_name not in names:
            raise WorkbookError("no xl/workbook.xml")
        workbook = _read_tree(archive, workbook_name)
        ns = _namespace(workbook.tag)
        if ns not in _MAIN_NAMESPACES:
            raise WorkbookError(f"unknown workbook namespace {ns!r}")
        self.namespace = ns
        properties = workbook.find(f"{{{ns}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "") in {"1", "true"}
        self.epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH

        relationships = self._relationships(archive, names, workbook_name)
        self.sheet = None
        sheets = workbook.find(f"{{{ns}}}sheets")
        for sheet in sheets if sheets is not None else ():
            ids = (sheet.get(f"{{{namespace}}}id") for namespace in _RELATIONSHIP_NAMESPACES)
            target, kind = relationships.get(next((i for i in ids if i), None), (None, ""))
            # The first *worksheet*: chart sheets and dialog sheets hold no cells.
            if target in names and kind.endswith("/worksheet"):
                self.sheet = target
                break
        if self.sheet is None:
            raise WorkbookError("no worksheet")
        by_kind = {kind.rsplit("/", 1)[-1]: target for target, kind in relationships.values()}
        self.shared_strings = by_kind.get("sharedStrings")
        self.styles = by_kind.get("styles")
        if self.shared_strings not in names:
            self.shared_strings = None
        if self.styles not in names:
            self.styles = None

    @staticmethod
    def _relationships(archive, names, part: str) -> dict[str, tuple[str, str]]:
        folder, filename = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", filename + ".rels")
        if rels_name not in names:
            raise WorkbookError(f"no {rels_name}")
        found = {}
        tag = f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship"
        for relation in _read_tree(archive, rels_name).iter(tag):
            target = relation.get("Target", "")
            if relation.get("TargetMode") == "External" or not target:
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            found[relation.get("Id")] = (path, relation.get("Type", ""))
        return found


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> tuple[set[int], set[int]]:
    """Indexes of the cell formats (``<cellXfs>``) showing dates, and of those showing durations."""
    if name is None:
        return set(), set()
    root = _read_tree(archive, name)
    ns = _namespace(root.tag)
    custom = {
        int(item.get("numFmtId")): item.get("formatCode", "")
        for item in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
    }
    dates, durations = set(), set()
    for index, xf in enumerate(root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
        number_format = int(xf.get("numFmtId", 0))
        code = custom.get(number_format) or builtin_format_code(number_format)
        if is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return dates, durations


def _shared_strings(archive: zipfile.ZipFile, name: str | None, ns: str) -> list[str]:
    if name is None:
        return []
    strings = []
    with archive.open(name) as stream:
        for _event, item in _parse(stream, f"{{{ns}}}si"):
            strings.append(_rich_text(item, ns))
            item.clear()
            while item.getprevious() is not None:
                del item.getparent()[0]
    return strings


class Workbook:
    """One .xlsx file, opened for reading its first worksheet."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            with zipfile.ZipFile(self.path) as archive:
                self._parts = _Parts(archive)
        except _DAMAGED as error:
            raise WorkbookError(str(error)) from None

    def estimate_rows(self) -> int:
        """The number of the last row: from ``<dimension>`` when the sheet has one, else counted.

        Only a guess for the progress bar (empty rows count, trailing formatted rows too).
        """
        try:
            return self._count_rows()
        except _DAMAGED as error:
            raise WorkbookError(str(error)) from None

    def _count_rows(self) -> int:
        with zipfile.ZipFile(self.path) as archive, archive.open(self._parts.sheet) as stream:
            chunk = stream.read(64 * 1024)
            found = _DIMENSION.search(chunk)
            if found:
                return int(found.group(1))
            count, tail = 0, b""
            while chunk:
                block = tail + chunk
                # A tag cut between two chunks is counted once: with the chunk where it ends.
                count += sum(1 for match in _ROW_START.finditer(block) if match.end() > len(tail))
                tail = block[-8:]
                chunk = stream.read(1 << 20)
            return count

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number, values)`` for every row present in the sheet, in order.

        Values sit at their column's index (``None`` for a missing cell); trailing empty cells
        are not added. Rows the sheet does not hold (empty rows) are skipped.
        """
        try:
            yield from self._rows()
        except _DAMAGED as error:
            raise WorkbookError(str(error)) from None

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:  # noqa: C901 - one loop, kept flat
        parts = self._parts
        ns = parts.namespace
        with zipfile.ZipFile(self.path) as archive:
            strings = _shared_strings(archive, parts.shared_strings, ns)
            dates, durations = _date_styles(archive, parts.styles)
            epoch = parts.epoch
            row_tag, c_tag = f"{{{ns}}}row", f"{{{ns}}}c"
            v_tag, f_tag, is_tag = f"{{{ns}}}v", f"{{{ns}}}f", f"{{{ns}}}is"
            columns: dict[str, int] = {}
            shared_formulas: dict[str, tuple[str, str]] = {}
            number = 0
            with archive.open(parts.sheet) as stream:
                for _event, row in _parse(stream, row_tag):
                    reference = row.get("r")
                    number = int(reference) if reference else number + 1
                    values: list[Any] = []
                    column = -1
                    for cell in row:
                        if cell.tag != c_tag:
                            continue
                        reference = cell.get("r")
                        if reference:
                            letters = reference.rstrip(_DIGITS)
                            column = columns.get(letters)
                            if column is None:
                                column = columns[letters] = _column_index(letters)
                        else:
                            column += 1
                        kind = cell.get("t", "n")
                        text = formula = None
                        has_value = False
                        for child in cell:
                            tag = child.tag
                            if tag == v_tag:
                                text = child.text
                                has_value = True
                            elif tag == f_tag:
                                formula = child
                            elif tag == is_tag:
                                text = _rich_text(child, ns)
                        if formula is not None and not text and not (kind == "str" and has_value):
                            raise FormulaWithoutValue(
                                number,
                                _column_letters(column),
                                self._formula_text(formula, reference, shared_formulas),
                            )
                        if formula is not None and formula.get("t") == "shared" and formula.text:
                            shared_formulas[formula.get("si", "")] = (
                                "=" + formula.text,
                                reference or f"{_column_letters(column)}{number}",
                            )
                        if text is None:
                            value = "" if formula is not None else None
                        elif kind == "n":
                            if text == "":
                                value = None
                            else:
                                value = (
                                    float(text)
                                    if "." in text or "E" in text or "e" in text
                                    else int(text)
                                )
                                style = cell.get("s")
                                if style is not None and int(style) in dates:
                                    value = self._date(value, epoch, int(style) in durations)
                        elif kind == "s":
                            value = strings[int(text)]
                        elif kind == "inlineStr" or kind == "str":
                            value = _unescape(text) if kind == "str" else text
                        elif kind == "b":
                            value = text.strip() in {"1", "true"}
                        elif kind == "d":
                            value = from_ISO8601(text) if text else None
                        else:  # "e": an error value such as #N/A
                            value = text
                        if value is None:
                            continue
                        if column >= len(values):
                            values.extend([None] * (column - len(values) + 1))
                        values[column] = value
                    row.clear()
                    while row.getprevious() is not None:
                        del row.getparent()[0]
                    yield number, values

    @staticmethod
    def _date(value: float, epoch, duration: bool):
        try:
            return from_excel(value, epoch, timedelta=duration)
        except (OverflowError, ValueError):
            # Outside the calendar: the number itself, which the date check then refuses.
            return value

    @staticmethod
    def _formula_text(formula, reference, shared: dict[str, tuple[str, str]]) -> str:
        if formula.text:
            return "=" + formula.text
        master = shared.get(formula.get("si", "")) if formula.get("t") == "shared" else None
        if master is not None and reference:
            from openpyxl.formula.translate import Translator

            return Translator(master[0], master[1]).translate_formula(reference)
        return "="
