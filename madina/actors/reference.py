"""Reference data of the actors registry: loading the sector taxonomy from a CSV file.

All or nothing, like the area loader, whose CSV checks (and their translated messages) it shares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from madina.actors.models import Sector
from madina.core import audit
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.tabular import CsvTable, LoadReport, apply_changes

DEFAULT_SECTORS_FILE = Path(__file__).resolve().parent / "data" / "snia_programmes.csv"
SECTOR_REQUIRED_COLUMNS = ["code", "kind", "name_fr", "name_ar"]


def _validate(table: CsvTable) -> list[tuple[str, str, dict[str, Any]]]:
    by_code = table.unique_codes()
    stored_codes = set(Sector.objects.values_list("code", flat=True))
    valid = []
    for row in table.rows:
        issues_before = len(table.issues)
        code = row.get("code")
        if code:
            table.text(
                row, "code", required=True, max_length=Sector._meta.get_field("code").max_length
            )
        parent_code = row.get("parent_code")
        if parent_code and parent_code not in by_code and parent_code not in stored_codes:
            table.unknown_reference(row, "parent_code", parent_code)
        values = {
            "kind": table.choice(row, "kind", Sector.Kind.values),
            "name_fr": table.text(row, "name_fr", required=True, max_length=200),
            "name_ar": table.text(row, "name_ar", required=True, max_length=200),
            "name_en": table.text(row, "name_en", required=False, max_length=200),
            "verified": table.boolean(row, "verified"),
        }
        if parent_code and _in_cycle(code, by_code):
            table.circular_reference(row, "parent_code")
        if len(table.issues) == issues_before and by_code.get(code) is row:
            valid.append((code, parent_code, values))
    depth = {code: _depth(code, by_code) for code, _parent, _values in valid}
    valid.sort(key=lambda item: depth[item[0]])
    return valid


def _in_cycle(code: str, by_code) -> bool:
    seen = {code}
    parent = by_code[code].get("parent_code") if code in by_code else ""
    while parent and parent in by_code:
        if parent in seen:
            return True
        seen.add(parent)
        parent = by_code[parent].get("parent_code")
    return False


def _depth(code: str, by_code) -> int:
    """How many ancestors of ``code`` are in the file: parents are written before children."""
    depth, parent = 0, by_code[code].get("parent_code")
    while parent and parent in by_code:
        depth += 1
        parent = by_code[parent].get("parent_code")
    return depth


def sectors_load_csv(*, file: Any, actor=None) -> LoadReport:
    """Create or update sectors by code from a CSV file; nothing is written if any row is wrong.

    Columns: code, kind, name_fr, name_ar, and optionally name_en, verified (yes/no) and
    parent_code. ``actor`` is the user who asked (None for the command line).
    """
    if actor is not None:
        require(actor, "actors.change_sector")
    table = CsvTable(file, required=SECTOR_REQUIRED_COLUMNS)
    table.raise_if_issues()
    rows = _validate(table)
    table.raise_if_issues()

    report = LoadReport()
    with transaction.atomic():
        stored = {sector.code: sector for sector in Sector.objects.all()}
        for code, parent_code, values in rows:
            values = {**values, "parent": stored.get(parent_code) if parent_code else None}
            sector = stored.get(code)
            if sector is None:
                sector = Sector.objects.create(code=code, **values)
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    instance=sector,
                    after=audit.snapshot(sector),
                )
                report.created.append(code)
                stored[code] = sector
                continue
            before = audit.snapshot(sector)
            if apply_changes(sector, values):
                sector.save()
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    instance=sector,
                    before=before,
                    after=audit.snapshot(sector),
                )
                report.updated.append(code)
            else:
                report.unchanged.append(code)
    return report
