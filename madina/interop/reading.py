"""Reading an uploaded 3W sheet (CSV or XLSX), whatever its columns.

The file is checked twice before anyone trusts it: by its extension and by its content (an
``.xlsx`` must be a zip holding a workbook, a ``.csv`` must be UTF-8 text). Rows come out as lists
of values with their spreadsheet row number, so that every problem can be named "row N,
column X". A row of HXL hashtags right under the headers is recognised and kept apart.

XLSX files are streamed from their XML by ``madina.interop.xlsx`` (first worksheet, low memory):
a formula gives the value the spreadsheet saved with it. A formula saved without a value (a file
written by a program that does not compute formulas) is an error naming the cell.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from madina.interop import xlsx

# A hashtag with optional attributes: "#org+prog+name" (HXL 1.1 tagging conventions).
HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*$", re.IGNORECASE)
_SNIFF_BYTES = 64 * 1024
PREVIEW_ROWS = 5
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}


def _unreadable_workbook() -> str:
    return _("This Excel workbook cannot be read. Open it and save it again as .xlsx.")


def _not_utf8() -> str:
    return _("This file is not a CSV text file saved as UTF-8. Save it again as “CSV UTF-8”.")


class ImportFileError(Exception):
    """A file that cannot be read at all; the message is translated and says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class SheetShape:
    """What the mapping step needs: the headers, the HXL tags if any, the first rows."""

    headers: list[str]
    hxl_tags: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)


def kind_of(filename: str) -> str:
    """``csv`` or ``xlsx`` from the file name; anything else is refused."""
    kind = EXTENSIONS.get(Path(filename).suffix.lower())
    if kind is None:
        raise ImportFileError(_("Choose a spreadsheet saved as .xlsx or .csv."))
    return kind


def check_content(path: Path, kind: str) -> None:
    """Refuse a file whose content does not match its extension (junk, renamed files…)."""
    with open(path, "rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    if kind == "xlsx":
        if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
            raise ImportFileError(
                _("This file is not an Excel workbook (.xlsx), although its name says so.")
            )
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError(
                    _("This file is not an Excel workbook (.xlsx), although its name says so.")
                )
        return
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        raise ImportFileError(_not_utf8()) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if "\x00" in text or controls > len(text) // 100:
        raise ImportFileError(_not_utf8())


def _cell_text(value: Any) -> str:
    """How a cell is shown in the preview and compared as text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_hxl_row(values: list[Any]) -> bool:
    texts = [_cell_text(value) for value in values]
    filled = [text for text in texts if text]
    return bool(filled) and all(HXL_TAG.match(text) for text in filled)


def normalise_tag(tag: str) -> str:
    """``#Org +Prog+name`` → ``#org+name+prog``: lower case, no spaces, attributes sorted."""
    parts = [part.strip().lower() for part in tag.split("+")]
    return "+".join([parts[0], *sorted(part for part in parts[1:] if part)])


class Sheet:
    """The rows of an uploaded file: ``shape()`` for the mapping step, ``rows()`` for the run."""

    def __init__(self, path: Path | str, kind: str):
        self.path = Path(path)
        self.kind = kind

    # -- raw rows (row number, values) ------------------------------------------------------

    def _raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self.kind == "csv":
            yield from self._csv_rows()
        else:
            yield from self._xlsx_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        with open(self.path, encoding="utf-8-sig", newline="") as stream:
            sample = stream.read(_SNIFF_BYTES)
            stream.seek(0)
            first_line = sample.splitlines()[0] if sample else ""
            delimiter = max([",", ";", "\t"], key=first_line.count)
            reader = csv.reader(stream, delimiter=delimiter)
            try:
                yield from enumerate(reader, start=1)
            except csv.Error as error:
                raise ImportFileError(
                    _("Row %(row)s: the file is not valid CSV (%(reason)s).")
                    % {"row": reader.line_num, "reason": error}
                ) from None
            except UnicodeDecodeError:
                raise ImportFileError(_not_utf8()) from None

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from xlsx.Workbook(self.path).rows()
        except xlsx.WorkbookError:
            raise ImportFileError(_unreadable_workbook()) from None
        except xlsx.FormulaWithoutValue as error:
            raise ImportFileError(
                _(
                    "Row %(row)s, column %(column)s: this cell holds a formula "
                    "(%(formula)s) saved without its value. Open the file in a "
                    "spreadsheet program and save it again, or type the value."
                )
                % {"row": error.row, "column": error.column, "formula": error.formula}
            ) from None

    def estimate_rows(self) -> int:
        """How many rows the file has, headers included: a guess for the progress bar."""
        if self.kind == "csv":
            with open(self.path, "rb") as stream:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
        try:
            return xlsx.Workbook(self.path).estimate_rows()
        except xlsx.WorkbookError:
            raise ImportFileError(_unreadable_workbook()) from None

    # -- structure ------------------------------------------------------------------------------

    def _header_and_data(self) -> tuple[list[str], list[str], int, Iterator]:
        """Headers, HXL tags, the row number of the first data row and the remaining rows."""
        rows = self._raw_rows()
        headers: list[str] | None = None
        header_number = 0
        for number, values in rows:
            if any(_cell_text(value) for value in values):
                headers = [_cell_text(value) for value in values]
                header_number = number
                break
        if headers is None:
            raise ImportFileError(_("The sheet is empty: it has no header row and no data."))
        tags: list[str] = []
        if is_hxl_row(headers):
            # Hashtags only, no human headers: the tags are the headers.
            tags = [normalise_tag(text) if text else "" for text in headers]
            return headers, tags, 0, rows
        pending = next(rows, None)
        # Hashtags count only right under the headers (a workbook skips its empty rows).
        if pending is not None and pending[0] == header_number + 1 and is_hxl_row(pending[1]):
            tags = [
                normalise_tag(text) if text else ""
                for text in (_cell_text(value) for value in pending[1])
            ]
            tags += [""] * (len(headers) - len(tags))
            return headers, tags[: max(len(headers), len(tags))], 0, rows

        def _with_pending():
            if pending is not None:
                yield pending
            yield from rows

        return headers, tags, 0, _with_pending()

    def shape(self) -> SheetShape:
        headers, tags, _start, rows = self._header_and_data()
        preview: list[list[str]] = []
        for _number, values in rows:
            if not any(_cell_text(value) for value in values):
                continue
            preview.append([_cell_text(value) for value in values][: len(headers)])
            if len(preview) >= PREVIEW_ROWS:
                break
        if not preview:
            raise ImportFileError(_("The sheet has headers but no data rows."))
        # Trailing columns without a header and without a tag are dropped.
        width = len(headers)
        while width and not headers[width - 1] and not (tags[width - 1 : width] or [""])[0]:
            width -= 1
        # Every preview row as wide as the headers, so that the table's columns line up.
        preview = [(row + [""] * width)[:width] for row in preview]
        return SheetShape(headers=headers[:width], hxl_tags=tags[:width], preview=preview)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The data rows (row number, values), empty rows skipped."""
        _headers, _tags, _start, rows = self._header_and_data()
        for number, values in rows:
            if any(value is not None and value != "" for value in values):
                yield number, list(values)


def preview_text(values: list[Any]) -> list[str]:
    return [_cell_text(value) for value in values]


def cell_text(value: Any) -> str:
    return _cell_text(value)
