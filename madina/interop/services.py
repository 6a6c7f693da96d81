"""Imports of 3W sheets: upload → column mapping → background run (validate, then write).

The run is all-or-nothing. Every row is checked first (names matched through
``madina.core.text``, codes and labels in any language, dates, numbers, the right to import for
the lead organisation); one problem anywhere and nothing is written, and the report names the
row, the column and the reason in the language of the person importing. Only then are the rows
written, in one transaction.

Each row has a stable external identifier: the mapped "record identifier" column, else one
derived from the lead organisation, the title and the start date. A row whose initiative already
exists with the same values changes nothing and writes no audit event, so re-importing a file is
harmless.

Partners come from up to three columns, one per role of ``InitiativePartner`` (implementing,
technical, funding), as the registry form has one field per role; the funder column fills the
initiative's funder, as the form's funder field does. When a changed row is imported again, the
roles the sheet has a column for are replaced and the others are left as they are.

A worker killed in the middle (a restart, the out-of-memory killer) leaves nothing written: the
write transaction dies with its connection. The job, though, stays in "checking" or "saving"
with its file: ``import_jobs_interrupt_stale`` (a periodic job) marks such jobs interrupted once
they have shown no progress for ``MADINA_IMPORT_STALE_MINUTES``, and ``import_job_retry`` lets
the person who started the import queue it again. While it writes, a run holds a lock on its
job's row, so a job that is slow but alive is never taken for a dead one (on PostgreSQL), and a
run whose job was queued again behind its back stops before writing.

Writes go through ``madina.initiatives.services`` (``initiative_create`` and
``initiative_update``). Above ``SERVICE_WRITE_LIMIT`` new initiatives in one file, creations take
the bulk path of ``madina.interop.bulk`` instead: the same checks as the service (done row by row
above), then the initiatives, their communes, target groups and partners, and one audit event per
initiative written in bulk, in the same transaction. Changes to existing initiatives always go
through ``initiative_update``.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from madina.accounts.models import Membership
from madina.accounts.rules import is_coordinator
from madina.actors.models import Organisation, Sector
from madina.core.text import normalise
from madina.initiatives import services as registry
from madina.initiatives.models import ActivityType, Initiative, InitiativePartner, TargetGroup
from madina.interop import bulk, matching
from madina.interop.fields import FIELDS_BY_NAME, LIST_SEPARATORS, REQUIRED, propose_mapping
from madina.interop.models import ImportJob
from madina.interop.reading import ImportFileError, Sheet, cell_text, check_content, kind_of
from madina.territory.models import Area

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = getattr(settings, "INTEROP_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# Up to this many new initiatives, each one goes through ``initiative_create``; above, in bulk.
SERVICE_WRITE_LIMIT = getattr(settings, "INTEROP_SERVICE_WRITE_LIMIT", 500)
# At most this many problems are kept in a report; the count says how many there were.
MAX_ISSUES = 500
_EXTERNAL_ID_PREFIX = "import-"
_SPLIT = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")
_EDITOR_ROLES = (Membership.Role.ADMIN, Membership.Role.MEMBER)
# The columns of partners, each for one role of ``InitiativePartner``.
PARTNER_COLUMNS = {
    "implementing_partners": InitiativePartner.Role.IMPLEMENTING.value,
    "funding_partners": InitiativePartner.Role.FUNDING.value,
    "technical_partners": InitiativePartner.Role.TECHNICAL.value,
}


def importable_organisation_ids(user) -> set[int] | None:
    """The organisations ``user`` may import initiatives for (as lead); ``None`` means any."""
    if is_coordinator(user):
        return None
    return set(
        Membership.objects.active()
        .filter(user=user, role__in=_EDITOR_ROLES)
        .values_list("organisation_id", flat=True)
    )


# --- Upload and mapping ---------------------------------------------------------------------


def import_job_create(*, actor, upload, organisation: Organisation | None = None) -> ImportJob:
    """Receive a file, check it is the spreadsheet it claims to be, and propose a mapping.

    Refused (``ValidationError`` on ``file``, nothing kept) when the file is too large, has
    another extension, is not what its extension says, is empty or cannot be read.
    """
    if not actor.has_perm("initiatives.import_initiatives"):
        raise PermissionDenied
    allowed = importable_organisation_ids(actor)
    if organisation is not None and allowed is not None and organisation.pk not in allowed:
        raise PermissionDenied
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {
                    "size": round(upload.size / 1_048_576, 1),
                    "limit": MAX_UPLOAD_BYTES // 1_048_576,
                }
            }
        )
    try:
        kind = kind_of(upload.name)
    except ImportFileError as error:
        raise ValidationError({"file": error.message}) from None
    job = ImportJob(
        filename=Path(upload.name).name[:255],
        kind=kind,
        size=upload.size,
        created_by=actor,
        organisation=organisation,
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
    )
    job.file.save(f"import.{kind}", upload, save=False)
    path = Path(job.file.path)
    try:
        check_content(path, kind)
        sheet = Sheet(path, kind)
        shape = sheet.shape()
        total = sheet.estimate_rows()
    except ImportFileError as error:
        job.file.delete(save=False)
        raise ValidationError({"file": error.message}) from None
    job.headers = shape.headers
    job.hxl_tags = shape.hxl_tags
    job.preview = shape.preview
    job.mapping = propose_mapping(shape.headers, shape.hxl_tags)
    job.total_rows = max(total - 1, 1)
    job.save()
    return job


def _check_owner(actor, job: ImportJob) -> None:
    if job.created_by_id != actor.pk and not is_coordinator(actor):
        raise PermissionDenied


@transaction.atomic
def import_job_start(*, actor, job: ImportJob, mapping: dict[str, int]) -> ImportJob:
    """Save the column mapping and queue the run in the background."""
    _check_owner(actor, job)
    if not actor.has_perm("initiatives.import_initiatives"):
        raise PermissionDenied
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.UPLOADED:
        raise ValidationError(_("This import has already been started."))
    errors: list[str] = []
    clean: dict[str, int] = {}
    for name, index in mapping.items():
        if name not in FIELDS_BY_NAME or index is None:
            continue
        if not 0 <= int(index) < len(job.headers):
            errors.append(_("A column that does not exist was chosen."))
            continue
        clean[name] = int(index)
    used: dict[int, str] = {}
    for name, index in clean.items():
        if index in used:
            errors.append(
                _("The column “%(column)s” is chosen for both “%(first)s” and “%(second)s”.")
                % {
                    "column": job.headers[index] or get_column_letter(index + 1),
                    "first": FIELDS_BY_NAME[used[index]].label,
                    "second": FIELDS_BY_NAME[name].label,
                }
            )
        used[index] = name
    missing = [name for name in REQUIRED if name not in clean]
    if "lead_organisation" not in clean and job.organisation_id is None:
        missing.append("lead_organisation")
    for name in missing:
        errors.append(
            _("Choose the column that holds the %(field)s.") % {"field": FIELDS_BY_NAME[name].label}
        )
    if errors:
        raise ValidationError(errors)
    job.mapping = clean
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["mapping", "status", "updated_at"])

    from madina.interop.tasks import run_import

    transaction.on_commit(lambda: run_import(job.pk))
    return job


# --- Checking rows ----------------------------------------------------------------------------


@dataclass(slots=True)
class CleanRow:
    row: int
    external_id: str
    values: dict[str, Any]
    communes: tuple[int, ...]
    target_groups: tuple[int, ...] | None
    # {role: organisations} for each partner column of the sheet (an empty cell: no partners).
    partners: dict[str, tuple[int, ...]]


class _Issues:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.notes: list[dict] = []
        self.count = 0
        self._noted: set[tuple[str, str]] = set()

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ISSUES:
            self.items.append({"row": row, "column": column, "message": message})

    def note(self, column: str, raw: str, message: str) -> None:
        if (column, raw) not in self._noted and len(self.notes) < MAX_ISSUES:
            self._noted.add((column, raw))
            self.notes.append({"column": column, "message": message})


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(text[:10], pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(text)


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = cell_text(value).replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


class RowChecker:
    """Checks one row after another; keeps what the writer needs, compact."""

    def __init__(self, *, actor, job: ImportJob):
        self.actor = actor
        self.job = job
        self.mapping = job.mapping
        self.issues = _Issues()
        self.allowed = importable_organisation_ids(actor)
        self.organisations = matching.organisation_index()
        self.communes = matching.commune_index()
        self.provinces = matching.province_index()
        self.sectors = matching.taxonomy_index(Sector, parent__isnull=True)
        self.subsectors = matching.taxonomy_index(Sector, parent__isnull=False)
        self.subsector_parent = dict(
            Sector.objects.filter(parent__isnull=False).values_list("pk", "parent_id")
        )
        self.groups = matching.taxonomy_index(TargetGroup)
        self.activity_types = matching.taxonomy_index(ActivityType)
        self.statuses = matching.status_lookup()
        # Each distinct text of the status column is folded once: {text: status or None}.
        self.status_texts: dict[str, str | None] = {}
        self.languages = {code for code, _name in settings.LANGUAGES} | {"en"}
        self.seen: dict[str, int] = {}

    # -- helpers -----------------------------------------------------------------------------

    def column(self, name: str) -> str:
        index = self.mapping[name]
        header = self.job.headers[index] if index < len(self.job.headers) else ""
        letter = get_column_letter(index + 1)
        return f"{header} ({letter})" if header else letter

    def raw(self, values: list[Any], name: str) -> Any:
        index = self.mapping.get(name)
        if index is None or index >= len(values):
            return None
        value = values[index]
        if isinstance(value, str):
            value = value.strip()
        return None if value == "" else value

    def _found(self, found: matching.Found, row: int, name: str, raw: str, kind: str):
        if found.pk is not None:
            if found.variant:
                self.issues.note(
                    self.column(name),
                    raw,
                    _("“%(value)s” was read as “%(match)s” (another spelling).")
                    % {"value": raw, "match": self._label(kind, found.pk)},
                )
            return found.pk
        if found.candidates:
            self.issues.add(
                row,
                self.column(name),
                _("“%(value)s” fits several records: %(candidates)s. Write the name in full.")
                % {
                    "value": raw,
                    "candidates": ", ".join(self._label(kind, pk) for pk in found.candidates[:5]),
                },
            )
        elif found.suggestions:
            self.issues.add(
                row,
                self.column(name),
                _("“%(value)s” is unknown. Did you mean %(suggestions)s?")
                % {
                    "value": raw,
                    "suggestions": _(" or ").join(
                        _("“%(name)s”") % {"name": label} for label in found.suggestions
                    ),
                },
            )
        else:
            self.issues.add(
                row,
                self.column(name),
                {
                    "organisation": _(
                        "No organisation is registered under the name “%(value)s”. "
                        "Register it first, or correct the name."
                    ),
                    "commune": _("No commune is called “%(value)s”."),
                }.get(kind, _("“%(value)s” is not in the list."))
                % {"value": raw},
            )
        return None

    def _label(self, kind: str, pk: int) -> str:
        index = {
            "organisation": self.organisations,
            "commune": self.communes,
            "province": self.provinces,
            "sector": self.sectors,
            "subsector": self.subsectors,
            "group": self.groups,
            "activity_type": self.activity_types,
        }[kind]
        return index.labels.get(pk, str(pk))

    def _organisation(self, values, row, name) -> int | None:
        raw = self.raw(values, name)
        if raw is None:
            return None
        raw = cell_text(raw)
        return self._found(self.organisations.find(raw), row, name, raw, "organisation")

    def _taxonomy(self, values, row, name, index, kind) -> int | None:
        raw = self.raw(values, name)
        if raw is None:
            return None
        raw = cell_text(raw)
        return self._found(index.find(raw), row, name, raw, kind)

    def _split(self, values, name) -> list[str]:
        raw = self.raw(values, name)
        if raw is None:
            return []
        return [part.strip() for part in _SPLIT.split(cell_text(raw)) if part.strip()]

    # -- one row -------------------------------------------------------------------------------

    def check(self, row: int, values: list[Any]) -> CleanRow | None:  # noqa: C901
        before = self.issues.count
        mapped = self.mapping
        data: dict[str, Any] = {}

        title = cell_text(self.raw(values, "title"))
        if not title:
            self.issues.add(row, self.column("title"), _("A title is required."))
        elif len(title) > 300:
            self.issues.add(
                row, self.column("title"), _("The title is longer than 300 characters.")
            )
        data["title"] = title
        if "description" in mapped:
            data["description"] = cell_text(self.raw(values, "description"))

        lead_id = None
        if "lead_organisation" in mapped and self.raw(values, "lead_organisation") is not None:
            lead_id = self._organisation(values, row, "lead_organisation")
        elif self.job.organisation_id is not None:
            lead_id = self.job.organisation_id
        else:
            self.issues.add(
                row, self.column("lead_organisation"), _("The lead organisation is required.")
            )
        if lead_id is not None and self.allowed is not None and lead_id not in self.allowed:
            self.issues.add(
                row,
                self.column("lead_organisation") if "lead_organisation" in mapped else "",
                _(
                    "You may import only initiatives led by your own organisation; "
                    "“%(organisation)s” is not one of yours."
                )
                % {"organisation": self._label("organisation", lead_id)},
            )
        data["lead_organisation_id"] = lead_id

        if self.raw(values, "sector") is None:
            self.issues.add(row, self.column("sector"), _("A sector is required."))
            sector_id = None
        else:
            sector_id = self._taxonomy(values, row, "sector", self.sectors, "sector")
        data["sector_id"] = sector_id
        if "subsector" in mapped:
            subsector_id = self._taxonomy(values, row, "subsector", self.subsectors, "subsector")
            if (
                subsector_id is not None
                and sector_id is not None
                and self.subsector_parent.get(subsector_id) != sector_id
            ):
                self.issues.add(
                    row,
                    self.column("subsector"),
                    _("This sub-sector is not part of the sector of the row."),
                )
            data["subsector_id"] = subsector_id
        if "activity_type" in mapped:
            data["activity_type_id"] = self._taxonomy(
                values, row, "activity_type", self.activity_types, "activity_type"
            )

        province_id = None
        if "province" in mapped and self.raw(values, "province") is not None:
            raw = cell_text(self.raw(values, "province"))
            province_id = self._found(self.provinces.find(raw), row, "province", raw, "province")
        communes: list[int] = []
        names = self._split(values, "communes")
        if not names:
            self.issues.add(row, self.column("communes"), _("At least one commune is required."))
        for name in names:
            pk = self._found(
                self.communes.find(name, group=province_id), row, "communes", name, "commune"
            )
            if pk is not None and pk not in communes:
                communes.append(pk)

        target_groups = None
        if "target_groups" in mapped:
            target_groups = []
            for name in self._split(values, "target_groups"):
                raw_group = self.groups.find(name)
                pk = self._found(raw_group, row, "target_groups", name, "group")
                if pk is not None and pk not in target_groups:
                    target_groups.append(pk)

        partners: dict[str, tuple[int, ...]] = {}
        for name, role in PARTNER_COLUMNS.items():
            if name in mapped:
                partners[role] = self._partners(values, row, name, lead_id)
        if "funder" in mapped:
            data["funder_id"] = self._organisation(values, row, "funder")

        if "status" in mapped:
            raw = self.raw(values, "status")
            if raw is None:
                data["status"] = Initiative.Status.PLANNED
            else:
                text = cell_text(raw)
                if text not in self.status_texts:
                    self.status_texts[text] = self.statuses.get(normalise(text))
                status = self.status_texts[text]
                if status is None:
                    self.issues.add(
                        row,
                        self.column("status"),
                        _("“%(value)s” is not a status; use one of: %(choices)s.")
                        % {
                            "value": cell_text(raw),
                            "choices": ", ".join(
                                str(label) for _v, label in Initiative.Status.choices
                            ),
                        },
                    )
                data["status"] = status

        for name in ("start_date", "end_date"):
            if name not in mapped:
                continue
            raw = self.raw(values, name)
            if raw is None:
                data[name] = None
                continue
            try:
                data[name] = _parse_date(raw)
            except ValueError:
                data[name] = None
                self.issues.add(
                    row,
                    self.column(name),
                    _("“%(value)s” is not a date (write it as YYYY-MM-DD or DD/MM/YYYY).")
                    % {"value": cell_text(raw)},
                )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.issues.add(
                row, self.column("end_date"), _("The end date cannot be before the start date.")
            )

        self._numbers(values, row, data)

        if "currency" in mapped:
            currency = cell_text(self.raw(values, "currency")).upper() or "MAD"
            if not re.fullmatch("[A-Z]{3}", currency):
                self.issues.add(
                    row,
                    self.column("currency"),
                    _("“%(value)s” is not a currency code such as MAD or EUR.")
                    % {"value": currency},
                )
            data["currency"] = currency
        if "language" in mapped:
            language = cell_text(self.raw(values, "language")).lower()[:2]
            if language and language not in self.languages:
                self.issues.add(
                    row,
                    self.column("language"),
                    _("“%(value)s” is not a language code (ar, fr or en).") % {"value": language},
                )
            data["language"] = language

        external_id = cell_text(self.raw(values, "external_id"))
        if not external_id and lead_id is not None:
            key = f"{lead_id}|{normalise(title)}|{start.isoformat() if start else ''}"
            external_id = _EXTERNAL_ID_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:20]
        if len(external_id) > 120:
            self.issues.add(
                row,
                self.column("external_id"),
                _("The identifier is longer than 120 characters."),
            )
        elif external_id in self.seen:
            self.issues.add(
                row,
                self.column("external_id") if "external_id" in mapped else "",
                _("This row repeats the record of row %(row)s.") % {"row": self.seen[external_id]},
            )
        elif external_id:
            self.seen[external_id] = row

        if self.issues.count > before:
            return None
        data["external_id"] = external_id
        return CleanRow(
            row=row,
            external_id=external_id,
            values=data,
            communes=tuple(communes),
            target_groups=tuple(target_groups) if target_groups is not None else None,
            partners=partners,
        )

    def _partners(self, values, row, name, lead_id) -> tuple[int, ...]:
        """The organisations of one partner column, each once; the lead cannot be one."""
        found: list[int] = []
        for raw in self._split(values, name):
            pk = self._found(self.organisations.find(raw), row, name, raw, "organisation")
            if pk is not None and pk == lead_id:
                self.issues.add(
                    row,
                    self.column(name),
                    _("The lead organisation cannot also be its own partner."),
                )
            elif pk is not None and pk not in found:
                found.append(pk)
        return tuple(found)

    def _numbers(self, values, row, data) -> None:
        limits = {
            "budget": (Decimal(0), Decimal("999999999999.99"), 2),
            "latitude": (Decimal(-90), Decimal(90), 6),
            "longitude": (Decimal(-180), Decimal(180), 6),
        }
        for name, (low, high, places) in limits.items():
            if name not in self.mapping:
                continue
            raw = self.raw(values, name)
            if raw is None:
                data[name] = None
                continue
            try:
                number = _parse_decimal(raw)
            except (InvalidOperation, ValueError):
                self.issues.add(
                    row, self.column(name), _("“%(value)s” is not a number.") % {"value": raw}
                )
                continue
            if not low <= number <= high:
                self.issues.add(
                    row,
                    self.column(name),
                    _("%(value)s is outside the range %(low)s to %(high)s.")
                    % {"value": raw, "low": low, "high": high},
                )
                continue
            data[name] = number.quantize(Decimal(1).scaleb(-places))
        if ("latitude" in data) != ("longitude" in data) or (
            (data.get("latitude") is None) != (data.get("longitude") is None)
        ):
            column = "latitude" if "latitude" in self.mapping else "longitude"
            self.issues.add(
                row, self.column(column), _("Give both the latitude and the longitude, or neither.")
            )
        if "target_people" in self.mapping:
            raw = self.raw(values, "target_people")
            if raw is None:
                data["target_people"] = None
            else:
                try:
                    number = _parse_decimal(raw)
                    if number != number.to_integral_value() or number < 0:
                        raise ValueError
                    data["target_people"] = int(number)
                except (InvalidOperation, ValueError):
                    self.issues.add(
                        row,
                        self.column("target_people"),
                        _("“%(value)s” is not a whole number of people.") % {"value": raw},
                    )


# --- Comparing with what exists ------------------------------------------------------------


@dataclass(slots=True)
class Existing:
    pk: int
    lead_organisation_id: int
    values: dict[str, Any]
    communes: set[int]
    target_groups: set[int]
    # {role: organisations}, for the roles the sheet has a column for.
    partners: dict[str, set[int]]


def _existing(external_ids: list[str], fields: set[str], roles: list[str]) -> dict[str, Existing]:
    found: dict[str, Existing] = {}
    columns = sorted(fields | {"lead_organisation_id"})
    for start in range(0, len(external_ids), 5000):
        chunk = external_ids[start : start + 5000]
        rows = Initiative.objects.filter(external_id__in=chunk).values(
            "pk", "external_id", *columns
        )
        by_pk = {}
        for values in rows:
            item = Existing(
                pk=values.pop("pk"),
                lead_organisation_id=values["lead_organisation_id"],
                values=values,
                communes=set(),
                target_groups=set(),
                partners={role: set() for role in roles},
            )
            found[values.pop("external_id")] = item
            by_pk[item.pk] = item
        if not by_pk:
            continue
        pks = list(by_pk)
        for initiative_id, area_id in Initiative.communes.through.objects.filter(
            initiative_id__in=pks
        ).values_list("initiative_id", "area_id"):
            by_pk[initiative_id].communes.add(area_id)
        for initiative_id, group_id in Initiative.target_groups.through.objects.filter(
            initiative_id__in=pks
        ).values_list("initiative_id", "targetgroup_id"):
            by_pk[initiative_id].target_groups.add(group_id)
        for initiative_id, organisation_id, role in InitiativePartner.objects.filter(
            initiative_id__in=pks, role__in=roles
        ).values_list("initiative_id", "organisation_id", "role"):
            by_pk[initiative_id].partners[role].add(organisation_id)
    _by_record_id(external_ids, found, columns, roles)
    return found


def _by_record_id(
    external_ids: list[str], found: dict[str, Existing], columns: list[str], roles: list[str]
):
    """Rows of a Madina export carry "MADINA-<pk>" for initiatives without an external id."""
    from madina.interop.exports import IATI_PREFIX

    pattern = re.compile(rf"^{re.escape(IATI_PREFIX)}-(\d+)$")
    wanted = {}
    for external_id in external_ids:
        match = pattern.match(external_id)
        if match and external_id not in found:
            wanted[int(match.group(1))] = external_id
    if not wanted:
        return
    rows = Initiative.objects.filter(pk__in=list(wanted), external_id="").values("pk", *columns)
    for values in rows:
        pk = values.pop("pk")
        found[wanted[pk]] = Existing(
            pk=pk,
            lead_organisation_id=values["lead_organisation_id"],
            values=values,
            communes=set(
                Initiative.communes.through.objects.filter(initiative_id=pk).values_list(
                    "area_id", flat=True
                )
            ),
            target_groups=set(
                Initiative.target_groups.through.objects.filter(initiative_id=pk).values_list(
                    "targetgroup_id", flat=True
                )
            ),
            partners={role: set() for role in roles},
        )
        for organisation_id, role in InitiativePartner.objects.filter(
            initiative_id=pk, role__in=roles
        ).values_list("organisation_id", "role"):
            found[wanted[pk]].partners[role].add(organisation_id)


def _differs(clean: CleanRow, existing: Existing) -> bool:
    for name, value in clean.values.items():
        if name in existing.values and existing.values[name] != value:
            return True
    if set(clean.communes) != existing.communes:
        return True
    if clean.target_groups is not None and set(clean.target_groups) != existing.target_groups:
        return True
    return any(
        set(organisations) != existing.partners.get(role, set())
        for role, organisations in clean.partners.items()
    )


# --- Writing ----------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the write transaction to roll it back."""


class _Superseded(Exception):
    """This run's job was queued again (its worker was taken for dead): stop, write nothing."""


_FOREIGN_KEYS = {
    "lead_organisation_id": Organisation,
    "funder_id": Organisation,
    "sector_id": Sector,
    "subsector_id": Sector,
    "activity_type_id": ActivityType,
}


def _service_data(clean: CleanRow, cache: dict, existing: Existing | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in clean.values.items():
        model = _FOREIGN_KEYS.get(name)
        if model is not None:
            data[name[:-3]] = None if value is None else cache[model][value]
        else:
            data[name] = value
    data["communes"] = [cache[Area][pk] for pk in clean.communes]
    if clean.target_groups is not None:
        data["target_groups"] = [cache[TargetGroup][pk] for pk in clean.target_groups]
    if clean.partners:
        # The roles the sheet has a column for are replaced; the others are kept as they are.
        partners = [
            (cache[Organisation][pk], role)
            for role, organisations in clean.partners.items()
            for pk in organisations
        ]
        if existing is not None:
            kept = InitiativePartner.objects.filter(initiative_id=existing.pk).exclude(
                role__in=list(clean.partners)
            )
            partners += [
                (item.organisation, item.role) for item in kept.select_related("organisation")
            ]
        data["partners"] = partners
    return data


def _instances(rows: list[CleanRow]) -> dict:
    ids: dict[type, set[int]] = {Organisation: set(), Sector: set(), ActivityType: set()}
    ids[Area] = set()
    ids[TargetGroup] = set()
    for clean in rows:
        for name in ("lead_organisation_id", "funder_id"):
            if clean.values.get(name):
                ids[Organisation].add(clean.values[name])
        for name in ("sector_id", "subsector_id"):
            if clean.values.get(name):
                ids[Sector].add(clean.values[name])
        if clean.values.get("activity_type_id"):
            ids[ActivityType].add(clean.values["activity_type_id"])
        ids[Area].update(clean.communes)
        ids[TargetGroup].update(clean.target_groups or ())
        for organisations in clean.partners.values():
            ids[Organisation].update(organisations)
    return {model: model.objects.in_bulk(list(pks)) for model, pks in ids.items()}


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _write(
    actor, job: ImportJob, creates: list[CleanRow], updates: list[tuple[CleanRow, Existing]], issues
):
    cache = _instances(creates + [clean for clean, _existing in updates])
    with transaction.atomic():
        # The job's row stays locked until the commit: the stale-job sweep skips it, and a
        # retry cannot queue it again while this run writes.
        current = (
            ImportJob.objects.select_for_update()
            .filter(pk=job.pk)
            .values_list("status", "started_at")
            .first()
        )
        if current != (ImportJob.Status.WRITING, job.started_at):
            raise _Superseded
        if len(creates) > SERVICE_WRITE_LIMIT:
            bulk.initiatives_insert(actor=actor, rows=creates)
        else:
            for clean in creates:
                try:
                    registry.initiative_create(actor=actor, data=_service_data(clean, cache, None))
                except ValidationError as error:
                    issues.add(clean.row, "", _error_text(error))
                except PermissionDenied:
                    issues.add(clean.row, "", _("You may not register this initiative."))
        initiatives = Initiative.objects.in_bulk([existing.pk for _clean, existing in updates])
        for clean, existing in updates:
            try:
                registry.initiative_update(
                    actor=actor,
                    initiative=initiatives[existing.pk],
                    data=_service_data(clean, cache, existing),
                )
            except ValidationError as error:
                issues.add(clean.row, "", _error_text(error))
            except PermissionDenied:
                issues.add(clean.row, "", _("You may not change this initiative."))
        if issues.count:
            raise _Refused


# --- The run -------------------------------------------------------------------------------------


def _save_progress(job: ImportJob, **values) -> None:
    for key, value in values.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**values, updated_at=timezone.now())


def import_job_run(*, job_id: int) -> ImportJob:
    """Check every row, then write all of them or none, then delete the uploaded file.

    Run by the background job (``madina.interop.tasks.run_import``).
    """
    # Claim the job: a job queued twice (a retried task) runs once.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    keep_file = False
    with translation.override(job.language):
        try:
            _run(job)
        except _Superseded:
            # Another run owns the job and its file now.
            logger.warning("Import %s was queued again while it ran; this run stopped", job.pk)
            keep_file = True
        except Exception:
            logger.exception("Import %s failed", job.pk)
            _save_progress(
                job,
                status=ImportJob.Status.FAILED,
                finished_at=timezone.now(),
                report={
                    "issues": [
                        {
                            "row": None,
                            "column": "",
                            "message": _(
                                "The import stopped on an unexpected error; nothing "
                                "was imported. The administrators have been told."
                            ),
                        }
                    ],
                    "notes": [],
                    "count": 1,
                },
            )
        finally:
            # The sheet is not kept once read: the report says what was in it that mattered.
            if job.file.name and not keep_file:
                job.file.storage.delete(job.file.name)
                ImportJob.objects.filter(pk=job.pk).update(file="")
    return job


def _run(job: ImportJob) -> None:
    actor = job.created_by
    _save_progress(job, status=ImportJob.Status.VALIDATING, started_at=timezone.now(), progress=1)
    checker = RowChecker(actor=actor, job=job)
    issues = checker.issues
    rows: list[CleanRow] = []
    seen_rows = 0
    estimate = max(job.total_rows, 1)
    try:
        for number, values in Sheet(Path(job.file.path), job.kind).rows():
            seen_rows += 1
            clean = checker.check(number, values)
            if clean is not None:
                rows.append(clean)
            if seen_rows % 5000 == 0:
                _save_progress(job, progress=min(80, 1 + seen_rows * 80 // estimate))
    except ImportFileError as error:
        issues.add(None, "", error.message)
    if not seen_rows and not issues.count:
        issues.add(None, "", _("The sheet has headers but no data rows."))

    fields = set()
    for clean in rows[:1]:
        fields = {name for name in clean.values if name != "external_id"}
    roles = [role for name, role in PARTNER_COLUMNS.items() if name in job.mapping]
    existing = _existing([clean.external_id for clean in rows], fields, roles) if rows else {}
    creates: list[CleanRow] = []
    updates: list[tuple[CleanRow, Existing]] = []
    unchanged = 0
    change_ok: dict[int, bool] = {}
    for clean in rows:
        current = existing.get(clean.external_id)
        if current is None:
            creates.append(clean)
            continue
        lead = current.lead_organisation_id
        if lead not in change_ok:
            change_ok[lead] = actor.has_perm(
                "initiatives.change_initiative", Initiative(lead_organisation_id=lead)
            )
        if not change_ok[lead]:
            issues.add(
                clean.row,
                checker.column("external_id") if "external_id" in job.mapping else "",
                _(
                    "This record identifier belongs to an initiative of another organisation, "
                    "which you may not change."
                ),
            )
        elif _differs(clean, current):
            updates.append((clean, current))
        else:
            unchanged += 1
    _save_progress(job, total_rows=seen_rows, progress=85)
    if not issues.count:
        _save_progress(job, status=ImportJob.Status.WRITING)
        try:
            _write(actor, job, creates, updates, issues)
        except _Refused:
            pass
    report = {"issues": issues.items, "notes": issues.notes, "count": issues.count}
    if issues.count:
        _save_progress(
            job,
            status=ImportJob.Status.FAILED,
            progress=100,
            report=report,
            finished_at=timezone.now(),
        )
        return
    _save_progress(
        job,
        status=ImportJob.Status.DONE,
        progress=100,
        report=report,
        created_count=len(creates),
        updated_count=len(updates),
        unchanged_count=unchanged,
        finished_at=timezone.now(),
    )


# --- Interrupted runs ---------------------------------------------------------------------------


def _stale_before() -> datetime.datetime:
    minutes = settings.MADINA_IMPORT_STALE_MINUTES
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _file_kept(job: ImportJob) -> bool:
    return bool(job.file.name) and job.file.storage.exists(job.file.name)


def import_job_can_retry(job: ImportJob) -> bool:
    """A run whose worker died (no progress for a while), or an interrupted or failed run whose
    file is still there, may be run again."""
    if job.is_running:
        return job.updated_at < _stale_before()
    if job.status in {ImportJob.Status.INTERRUPTED, ImportJob.Status.FAILED}:
        return _file_kept(job)
    return False


def _interrupted_report() -> dict:
    return {
        "issues": [
            {
                "row": None,
                "column": "",
                "message": _(
                    "The import was interrupted before it finished: nothing was written. "
                    "You can run it again."
                ),
            }
        ],
        "notes": [],
        "count": 1,
    }


def import_jobs_interrupt_stale() -> int:
    """Mark interrupted the running jobs that have shown no progress for a while.

    Run by a periodic job (``madina.interop.tasks.interrupt_stale_imports``). A job whose run is
    writing holds its row locked and is skipped, however long the write takes.
    """
    interrupted = 0
    with transaction.atomic():
        jobs = ImportJob.objects.select_for_update(skip_locked=True).filter(
            status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
            updated_at__lt=_stale_before(),
        )
        now = timezone.now()
        for job in jobs:
            with translation.override(job.language):
                report = _interrupted_report()
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.INTERRUPTED,
                report=report,
                finished_at=now,
                updated_at=now,
            )
            logger.warning("Import %s interrupted: no progress since %s", job.pk, job.updated_at)
            interrupted += 1
    return interrupted


@transaction.atomic
def import_job_retry(*, actor, job: ImportJob) -> ImportJob:
    """Queue again an import whose run was interrupted, for the person who started it.

    Refused (``PermissionDenied``) to anyone else, and (``ValidationError``) while the job is
    still running or has nothing left to run.
    """
    if job.created_by_id != actor.pk or not actor.has_perm("initiatives.import_initiatives"):
        raise PermissionDenied
    locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
    if locked is None or (locked.is_running and not import_job_can_retry(locked)):
        raise ValidationError(_("This import is still running; wait for it to finish."))
    if not import_job_can_retry(locked):
        raise ValidationError(_("This import cannot be run again; upload the file again."))
    locked.status = ImportJob.Status.QUEUED
    locked.progress = 0
    locked.report = {}
    locked.started_at = None
    locked.finished_at = None
    locked.created_count = locked.updated_count = locked.unchanged_count = 0
    locked.save(
        update_fields=[
            "status",
            "progress",
            "report",
            "started_at",
            "finished_at",
            "created_count",
            "updated_count",
            "unchanged_count",
            "updated_at",
        ]
    )
    logger.info("Import %s queued again", locked.pk)

    from madina.interop.tasks import run_import

    transaction.on_commit(lambda: run_import(locked.pk))
    return locked
