"""Writes of the territory: loading administrative areas from a CSV file.

The loader is all-or-nothing: every row is validated before anything is written, and the whole
load runs in one transaction. The same function serves the ``load_areas`` command and any future
import page.

The generic CSV checks (``CsvTable``, ``CsvIssue``, ``CsvImportError``) are in
``madina.core.tabular``, shared by every loader.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madina.core import audit
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.tabular import CsvTable, LoadReport, apply_changes
from madina.core.text import normalise
from madina.territory.models import Area

logger = logging.getLogger(__name__)

DEFAULT_AREAS_FILE = Path(__file__).resolve().parent / "data" / "oriental_admin.csv"

# ---------------------------------------------------------------------------------------------
# Administrative areas
# ---------------------------------------------------------------------------------------------

AREA_REQUIRED_COLUMNS = ["level", "code", "parent_code", "name_fr", "name_ar", "lat", "lon"]
_PARENT_LEVEL = {
    Area.Level.REGION: None,
    Area.Level.PROVINCE: Area.Level.REGION,
    Area.Level.COMMUNE: Area.Level.PROVINCE,
}
_LEVEL_ORDER = [Area.Level.REGION, Area.Level.PROVINCE, Area.Level.COMMUNE]
_LEVEL_LABEL = {
    Area.Level.REGION: gettext_lazy("a region"),
    Area.Level.PROVINCE: gettext_lazy("a province or prefecture"),
    Area.Level.COMMUNE: gettext_lazy("a commune"),
}
_ISO_TYPES = {
    Area.Level.REGION: {"region"},
    Area.Level.PROVINCE: {"province", "prefecture"},
}
_ARTICLES = ("l ", "la ", "le ", "les ", "el ", "al ")


def _fold_place(name: str) -> str:
    folded = normalise(name)
    for article in _ARTICLES:
        if folded.startswith(article):
            return folded[len(article) :]
    return folded


def iso_code_for(*, country: str, level: str, names: Iterable[str], parent_iso: str = "") -> str:
    """The ISO 3166-2 code of a region or province, matched by folded name; "" if none or many."""
    types = _ISO_TYPES.get(level)
    if not types or not country:
        return ""
    wanted = {_fold_place(name) for name in names if name}
    matches = set()
    for subdivision in pycountry.subdivisions.get(country_code=country.upper()) or []:
        if subdivision.type.casefold() not in types:
            continue
        if parent_iso and subdivision.parent_code and subdivision.parent_code != parent_iso:
            continue
        if _fold_place(subdivision.name) in wanted:
            matches.add(subdivision.code)
    return matches.pop() if len(matches) == 1 else ""


@dataclass
class _AreaRow:
    line: int
    code: str
    level: str
    parent_code: str
    values: dict[str, Any]


def _validate_area_rows(table: CsvTable) -> list[_AreaRow]:
    by_code = table.unique_codes()
    existing = {
        code: level
        for code, level in Area.objects.filter(code__in=list(by_code)).values_list("code", "level")
    }
    parent_codes = {row.get("parent_code") for row in table.rows} - set(by_code) - {""}
    stored_parents = dict(Area.objects.filter(code__in=parent_codes).values_list("code", "level"))
    file_levels = {code: row.get("level") for code, row in by_code.items()}
    valid: list[_AreaRow] = []
    for row in table.rows:
        issues_before = len(table.issues)
        code = row.get("code")
        level = table.choice(row, "level", Area.Level.values)
        if len(code) > Area._meta.get_field("code").max_length:
            table.error(
                row.line,
                "code",
                _("the value is longer than %(limit)s characters")
                % {"limit": Area._meta.get_field("code").max_length},
            )
        if level and code in existing and existing[code] != level:
            table.error(
                row.line,
                "level",
                _("the area “%(code)s” already exists as %(level)s")
                % {"code": code, "level": _LEVEL_LABEL[Area.Level(existing[code])]},
            )
        parent_code = row.get("parent_code")
        if level:
            _check_parent(table, row, level, parent_code, file_levels, stored_parents)
        values: dict[str, Any] = {
            "name_fr": table.text(row, "name_fr", required=True, max_length=200),
            "name_ar": table.text(row, "name_ar", required=True, max_length=200),
            "name_en": table.text(row, "name_en", required=False, max_length=200),
            "iso_code": table.text(row, "iso_code", required=False, max_length=16),
            "source": table.text(row, "source", required=False, max_length=300),
            "alt_names": [name.strip() for name in row.get("alt_names").split(";") if name.strip()],
            "valid_from": table.date(row, "valid_from"),
            "valid_to": table.date(row, "valid_to"),
        }
        if (
            values["valid_from"]
            and values["valid_to"]
            and values["valid_from"] > values["valid_to"]
        ):
            table.error(row.line, "valid_to", _("the end of validity is before its start"))
        values["latitude"], values["longitude"] = _check_centroid(table, row, level)
        if len(table.issues) == issues_before and level:
            valid.append(_AreaRow(row.line, code, level, parent_code, values))
    return valid


def _check_parent(table, row, level, parent_code, file_levels, stored_parents) -> None:
    expected = _PARENT_LEVEL[Area.Level(level)]
    if expected is None:
        if parent_code:
            table.error(row.line, "parent_code", _("a region has no parent; leave it empty"))
        return
    if not parent_code:
        table.error(
            row.line,
            "parent_code",
            _("a value is required: the code of %(parent)s") % {"parent": _LEVEL_LABEL[expected]},
        )
        return
    parent_level = file_levels.get(parent_code) or stored_parents.get(parent_code)
    if parent_level is None:
        table.error(
            row.line,
            "parent_code",
            _("no area has the code “%(code)s”, in this file or already loaded")
            % {"code": parent_code},
        )
    elif parent_level != expected:
        table.error(
            row.line,
            "parent_code",
            _("“%(code)s” is not %(parent)s")
            % {"code": parent_code, "parent": _LEVEL_LABEL[expected]},
        )


def _check_centroid(table, row, level) -> tuple[Decimal | None, Decimal | None]:
    raw_lat, raw_lon = row.get("lat"), row.get("lon")
    if not raw_lat and not raw_lon:
        if level == Area.Level.COMMUNE:
            table.error(row.line, "lat", _("a commune needs a latitude and a longitude"))
        return None, None
    if not raw_lat or not raw_lon:
        column = "lat" if not raw_lat else "lon"
        table.error(row.line, column, _("give both latitude and longitude, or neither"))
        return None, None
    latitude = table.decimal(row, "lat", minimum=-90, maximum=90, places=6)
    longitude = table.decimal(row, "lon", minimum=-180, maximum=180, places=6)
    return latitude, longitude


def areas_load_csv(*, file: Any, actor=None, country: str = "MA") -> LoadReport:
    """Create or update the areas of a CSV file, by code; nothing is written if any row is wrong.

    ``file`` is a path or an open file. ``actor`` is the user who asked (None for the command
    line); a user must be allowed to change areas. ISO 3166-2 codes missing from the file are
    looked up in ``country``'s subdivisions by name.
    """
    if actor is not None:
        require(actor, "territory.change_area")
    table = CsvTable(file, required=AREA_REQUIRED_COLUMNS)
    table.raise_if_issues()
    rows = _validate_area_rows(table)
    table.raise_if_issues()

    report = LoadReport()
    rows.sort(key=lambda row: _LEVEL_ORDER.index(Area.Level(row.level)))
    with transaction.atomic():
        stored = {area.code: area for area in Area.objects.filter(code__in=[r.code for r in rows])}
        parents = {
            area.code: area
            for area in Area.objects.filter(code__in={r.parent_code for r in rows} - {""})
        }
        for row in rows:
            parent = parents.get(row.parent_code) if row.parent_code else None
            values = dict(row.values)
            values["name_en"] = values["name_en"] or values["name_fr"]
            area = stored.get(row.code)
            if not values["iso_code"]:
                values["iso_code"] = iso_code_for(
                    country=country,
                    level=row.level,
                    names=[values["name_fr"], values["name_en"], *values["alt_names"]],
                    parent_iso=parent.iso_code if parent else "",
                ) or (area.iso_code if area else "")
                if not values["iso_code"] and row.level in _ISO_TYPES:
                    report.notes.append(
                        f"No ISO 3166-2 code found for {row.code} ({values['name_fr']})."
                    )
                    logger.info("No ISO 3166-2 code found for area %s", row.code)
            values.update(level=row.level, parent=parent)
            if area is None:
                area = Area(code=row.code, **values)
                area.save()
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    instance=area,
                    after=audit.snapshot(area),
                )
                report.created.append(row.code)
            else:
                before = audit.snapshot(area)
                if apply_changes(area, values):
                    area.save()
                    audit.record(
                        actor=actor,
                        action=AuditEvent.Action.UPDATE,
                        instance=area,
                        before=before,
                        after=audit.snapshot(area),
                    )
                    report.updated.append(row.code)
                else:
                    report.unchanged.append(row.code)
            parents[row.code] = area
    return report
