"""Reference data of the registry: the target groups and activity types, loaded from CSV files.

All or nothing, with the shared CSV checks of ``madina.core.tabular`` (translated "line N,
column X" messages). A reload updates names by code and adds new codes; it never deletes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from madina.core import audit
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.tabular import CsvTable, LoadReport, apply_changes
from madina.initiatives.models import ActivityType, TargetGroup

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_TARGET_GROUPS_FILE = DATA_DIR / "target_groups.csv"
DEFAULT_ACTIVITY_TYPES_FILE = DATA_DIR / "activity_types.csv"
REQUIRED_COLUMNS = ["code", "name_fr", "name_ar"]


def _order(table: CsvTable, row) -> int | None:
    value = row.get("order")
    if not value:
        return 0
    if not value.isdigit() or int(value) > 32767:
        table.error(
            row.line,
            "order",
            _("“%(value)s” is not a whole number between 0 and 32767") % {"value": value},
        )
        return None
    return int(value)


def _validate(table: CsvTable, model) -> list[tuple[str, dict[str, Any]]]:
    by_code = table.unique_codes()
    code_length = model._meta.get_field("code").max_length
    valid = []
    for row in table.rows:
        issues_before = len(table.issues)
        code = row.get("code")
        if code:
            table.text(row, "code", required=True, max_length=code_length)
        values = {
            "name_fr": table.text(row, "name_fr", required=True, max_length=200),
            "name_ar": table.text(row, "name_ar", required=True, max_length=200),
            "name_en": table.text(row, "name_en", required=False, max_length=200),
            "order": _order(table, row),
        }
        if table.has("is_active"):
            values["is_active"] = table.boolean(row, "is_active")
        if len(table.issues) == issues_before and by_code.get(code) is row:
            valid.append((code, values))
    return valid


def _load(model, *, file: Any, actor=None) -> LoadReport:
    if actor is not None:
        require(actor, "initiatives.change_taxonomy")
    table = CsvTable(file, required=REQUIRED_COLUMNS)
    table.raise_if_issues()
    rows = _validate(table, model)
    table.raise_if_issues()
    report = LoadReport()
    with transaction.atomic():
        stored = {term.code: term for term in model.objects.all()}
        for code, values in rows:
            term = stored.get(code)
            if term is None:
                term = model.objects.create(code=code, **values)
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    instance=term,
                    after=audit.snapshot(term),
                )
                report.created.append(code)
                continue
            before = audit.snapshot(term)
            if apply_changes(term, values):
                term.save()
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    instance=term,
                    before=before,
                    after=audit.snapshot(term),
                )
                report.updated.append(code)
            else:
                report.unchanged.append(code)
    return report


def target_groups_load_csv(*, file: Any = DEFAULT_TARGET_GROUPS_FILE, actor=None) -> LoadReport:
    """Create or update target groups by code; nothing is written if any row is wrong."""
    return _load(TargetGroup, file=file, actor=actor)


def activity_types_load_csv(*, file: Any = DEFAULT_ACTIVITY_TYPES_FILE, actor=None) -> LoadReport:
    """Create or update activity types by code; nothing is written if any row is wrong."""
    return _load(ActivityType, file=file, actor=actor)
