"""Reading and checking a CSV file of reference data, shared by every loader of the project.

A loader validates every row before it writes anything, and reports each problem as
"line N, column X: message" in the user's language (``CsvIssue``, ``CsvImportError``).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CsvIssue:
    """One problem in a file: where (line and column) and what."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class CsvImportError(Exception):
    """A file that cannot be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: list[CsvIssue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


class CsvTable:
    """The rows of a CSV file and the issues found while checking them."""

    def __init__(self, file: Any, *, required: Iterable[str]):
        self.issues: list[CsvIssue] = []
        self.rows: list[CsvRow] = []
        self.columns: list[str] = []
        text = _read_text(file, self.issues)
        if text is None:
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            self.columns = [name.strip() for name in (reader.fieldnames or [])]
            reader.fieldnames = self.columns
            missing = [column for column in required if column not in self.columns]
            for column in missing:
                self.error(1, column, _("this column is required but missing from the header"))
            if missing:
                return
            for record in reader:
                extra = record.pop(None, None)
                row = CsvRow(line=reader.line_num, values=record)
                if extra:
                    self.error(row.line, "", _("this row has more values than the header"))
                    continue
                if not any((value or "").strip() for value in record.values()):
                    continue
                self.rows.append(row)
        except csv.Error as exc:
            self.error(
                reader.line_num or 1,
                "",
                _("the file is not valid CSV (%(reason)s)") % {"reason": exc},
            )
            return
        if not self.rows and not self.issues:
            self.error(1, "", _("the file has no data rows"))

    def error(self, line: int, column: str, message: str) -> None:
        self.issues.append(CsvIssue(line=line, column=column, message=message))

    def has(self, column: str) -> bool:
        return column in self.columns

    def raise_if_issues(self) -> None:
        if self.issues:
            raise CsvImportError(self.issues)

    # Checks: each returns the cleaned value, or None after recording an issue.

    def text(self, row: CsvRow, column: str, *, required: bool, max_length: int) -> str | None:
        value = row.get(column)
        if required and not value:
            self.error(row.line, column, _("a value is required"))
            return None
        if len(value) > max_length:
            self.error(
                row.line,
                column,
                _("the value is longer than %(limit)s characters") % {"limit": max_length},
            )
            return None
        return value

    def choice(self, row: CsvRow, column: str, choices: Iterable[str]) -> str | None:
        value = row.get(column)
        allowed = list(choices)
        if value not in allowed:
            self.error(
                row.line,
                column,
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": value, "choices": ", ".join(allowed)},
            )
            return None
        return value

    def decimal(
        self, row: CsvRow, column: str, *, minimum: float, maximum: float, places: int
    ) -> Decimal | None:
        value = row.get(column)
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(row.line, column, _("“%(value)s” is not a number") % {"value": value})
            return None
        if not number.is_finite() or not math.isfinite(float(number)):
            self.error(row.line, column, _("“%(value)s” is not a number") % {"value": value})
            return None
        if not minimum <= number <= maximum:
            self.error(
                row.line,
                column,
                _("%(value)s is outside the range %(minimum)s to %(maximum)s")
                % {"value": value, "minimum": minimum, "maximum": maximum},
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, row: CsvRow, column: str) -> datetime.date | None:
        value = row.get(column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(
                row.line,
                column,
                _("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": value},
            )
            return None

    def boolean(self, row: CsvRow, column: str) -> bool | None:
        value = row.get(column).casefold()
        if value in {"yes", "true", "1", "oui", "y"}:
            return True
        if value in {"no", "false", "0", "non", "n", ""}:
            return False
        self.error(row.line, column, _("“%(value)s” is not yes or no") % {"value": row.get(column)})
        return None

    def unknown_reference(self, row: CsvRow, column: str, code: str) -> None:
        self.error(
            row.line,
            column,
            _("nothing has the code “%(code)s”, in this file or already loaded") % {"code": code},
        )

    def circular_reference(self, row: CsvRow, column: str) -> None:
        self.error(row.line, column, _("a record cannot be part of itself, even indirectly"))

    def unique_codes(self, column: str = "code") -> dict[str, CsvRow]:
        """Rows by code; a missing or repeated code is an issue."""
        seen: dict[str, CsvRow] = {}
        for row in self.rows:
            code = row.get(column)
            if not code:
                self.error(row.line, column, _("a value is required"))
            elif code in seen:
                self.error(
                    row.line,
                    column,
                    _("the code “%(code)s” is already used on line %(first)s")
                    % {"code": code, "first": seen[code].line},
                )
            else:
                seen[code] = row
        return seen


def _read_text(file: Any, issues: list[CsvIssue]) -> str | None:
    """The text of a path or an open file (text or binary, UTF-8 with or without BOM)."""
    if isinstance(file, str | Path):
        data: str | bytes = Path(file).read_bytes()
    else:
        data = file.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            issues.append(CsvIssue(1, "", _("the file is not UTF-8 text")))
            return None
    return data.removeprefix("\ufeff")


def apply_changes(instance, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``instance``; whether anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


@dataclass
class LoadReport:
    """What a load did: codes created, updated and left unchanged, and notes for the operator."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)
