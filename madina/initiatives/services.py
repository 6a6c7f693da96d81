"""Writes of the initiatives registry. Pages, the API, imports and the demo all go through here.

Every function is keyword-only and atomic: it checks the permission through the rules of
``madina.initiatives.rules`` (raising ``PermissionDenied``), validates (raising a translated
``ValidationError``, per field when it can), writes, and records an audit event whose
organisation is the initiative's lead. When it refuses, nothing is written.

Completed work is never deleted: there is no delete service; cancelling is a status.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from madina.accounts.rules import is_coordinator, is_org_editor
from madina.actors.models import Organisation
from madina.core.audit import record, snapshot
from madina.core.concurrency import check_version
from madina.core.models import AuditEvent
from madina.initiatives.models import (
    ActivityType,
    Initiative,
    InitiativePartner,
    ReachByGroup,
    ReachReport,
    ReportingPeriod,
    TargetGroup,
)
from madina.territory.models import Area

INITIATIVE_FIELDS = (
    "title",
    "description",
    "language",
    "translations",
    "lead_organisation",
    "sector",
    "subsector",
    "activity_type",
    "latitude",
    "longitude",
    "start_date",
    "end_date",
    "status",
    "budget",
    "currency",
    "funder",
    "target_people",
    "targets",
    "visibility",
    "external_id",
)
INITIATIVE_M2M = ("communes", "target_groups")
INITIATIVE_PARTNERS = "partners"
REACH_MONTHLY = ("women", "men", "girls", "boys")
REACH_CUMULATIVE = tuple(f"cumulative_{name}" for name in REACH_MONTHLY)
REACH_FIELDS = (*REACH_MONTHLY, *REACH_CUMULATIVE, "comment")
TAXONOMY_FIELDS = ("code", "name_ar", "name_fr", "name_en", "order", "is_active")
_NULLABLE = {
    "subsector",
    "activity_type",
    "latitude",
    "longitude",
    "start_date",
    "end_date",
    "budget",
    "funder",
    "target_people",
}


def _unknown_keys(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _add(errors: dict[str, list], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- Initiatives --------------------------------------------------------------------------------


def _split(data: Mapping[str, Any]):
    _unknown_keys(data, (*INITIATIVE_FIELDS, *INITIATIVE_M2M, INITIATIVE_PARTNERS))
    fields, m2m, partners = {}, {}, None
    for key, value in data.items():
        if key in INITIATIVE_M2M:
            m2m[key] = list(value or [])
        elif key == INITIATIVE_PARTNERS:
            partners = list(value or [])
        else:
            if isinstance(value, str):
                value = value.strip()
            if value is None and key not in _NULLABLE:
                value = {} if key == "translations" else ""
            fields[key] = value
    return fields, m2m, partners


def _check_lead(actor, lead: Organisation | None) -> None:
    """Outside coordination, one may only register for an organisation one edits for."""
    if lead is None or is_coordinator(actor):
        return
    if not is_org_editor(actor, lead):
        raise PermissionDenied


def _validate(initiative: Initiative, m2m: Mapping[str, list], partners, *, creating) -> None:
    errors: dict[str, list[str]] = {}
    if initiative.sector_id is not None and initiative.sector.parent_id is not None:
        _add(errors, "sector", _("Choose a programme of the national strategy, not a sub-sector."))
    if initiative.subsector_id is not None and initiative.subsector.parent_id not in {
        initiative.sector_id,
    }:
        _add(errors, "subsector", _("Choose a sub-sector of the chosen sector."))
    communes = m2m.get("communes")
    if communes is not None:
        if not communes:
            _add(errors, "communes", _("Choose at least one commune."))
        elif any(area.level != Area.Level.COMMUNE for area in communes):
            _add(errors, "communes", _("Choose communes only."))
    elif creating:
        _add(errors, "communes", _("Choose at least one commune."))
    if (
        initiative.start_date
        and initiative.end_date
        and initiative.end_date < initiative.start_date
    ):
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    if (initiative.latitude is None) != (initiative.longitude is None):
        _add(errors, "latitude", _("Give both the latitude and the longitude, or neither."))
    for organisation, role in partners or []:
        if role not in InitiativePartner.Role.values:
            _add(errors, "partners", _("Unknown partner role: %(role)s.") % {"role": role})
        elif organisation.pk == initiative.lead_organisation_id:
            _add(errors, "partners", _("The lead organisation cannot also be its own partner."))
    try:
        initiative.full_clean(exclude=["search_text", "created_by", *errors], validate_unique=True)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _partners_snapshot(initiative: Initiative) -> list[str]:
    return sorted(
        f"{organisation_id}:{role}"
        for organisation_id, role in initiative.partnerships.values_list("organisation_id", "role")
    )


def _initiative_snapshot(initiative: Initiative) -> dict[str, Any]:
    values = snapshot(initiative)
    values.pop("partners", None)
    values["partnerships"] = _partners_snapshot(initiative)
    return values


def _set_partners(initiative: Initiative, partners: list[tuple[Organisation, str]]) -> None:
    wanted = {(organisation.pk, role) for organisation, role in partners}
    current = set(initiative.partnerships.values_list("organisation_id", "role"))
    for organisation_id, role in current - wanted:
        initiative.partnerships.filter(organisation_id=organisation_id, role=role).delete()
    InitiativePartner.objects.bulk_create(
        [
            InitiativePartner(initiative=initiative, organisation_id=organisation_id, role=role)
            for organisation_id, role in sorted(wanted - current)
        ]
    )


@transaction.atomic
def initiative_create(*, actor, data: dict) -> Initiative:
    """Register an initiative.

    ``data`` holds model fields plus ``communes`` and ``target_groups`` (lists of instances) and
    ``partners`` (a list of ``(organisation, role)`` tuples). Coordinators register for any lead
    organisation; anyone else only for an organisation where they are admin or member.
    """
    if not actor.has_perm("initiatives.add_initiative"):
        raise PermissionDenied
    fields, m2m, partners = _split(data)
    _check_lead(actor, fields.get("lead_organisation"))
    initiative = Initiative(**fields, created_by=actor if actor.is_authenticated else None)
    _validate(initiative, m2m, partners, creating=True)
    initiative.save()
    for key, values in m2m.items():
        getattr(initiative, key).set(values)
    _set_partners(initiative, partners or [])
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=initiative,
        after=_initiative_snapshot(initiative),
        organisation_id=initiative.lead_organisation_id,
    )
    return initiative


@transaction.atomic
def initiative_update(
    *, actor, initiative: Initiative, data: dict, version: str | None = None
) -> Initiative:
    """Change an initiative; only the keys present in ``data`` change.

    The lead organisation's admins and members, and coordinators, may. Handing the lead to
    another organisation needs the right to edit for that one too. ``version`` is the one the
    editor loaded (``core.concurrency``): if someone saved since, nothing is written.
    """
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise PermissionDenied
    fields, m2m, partners = _split(data)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    check_version(initiative, version)
    new_lead = fields.get("lead_organisation")
    if new_lead is not None and new_lead.pk != initiative.lead_organisation_id:
        _check_lead(actor, new_lead)
    before = _initiative_snapshot(initiative)
    for key, value in fields.items():
        setattr(initiative, key, value)
    _validate(initiative, m2m, partners, creating=False)
    initiative.save()
    for key, values in m2m.items():
        getattr(initiative, key).set(values)
    if partners is not None:
        _set_partners(initiative, partners)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=initiative,
        before=before,
        after=_initiative_snapshot(initiative),
        organisation_id=initiative.lead_organisation_id,
    )
    return initiative


@transaction.atomic
def initiative_set_status(*, actor, initiative: Initiative, status: str) -> Initiative:
    """Move an initiative to planned, ongoing, completed or cancelled (nothing is ever deleted)."""
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise PermissionDenied
    if status not in Initiative.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = snapshot(initiative, ["status"])
    initiative.status = status
    initiative.save(update_fields=["status", "search_text", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=initiative,
        before=before,
        after=snapshot(initiative, ["status"]),
        organisation_id=initiative.lead_organisation_id,
    )
    return initiative


# --- Reach reports ------------------------------------------------------------------------------


def first_of_month(month: datetime.date) -> datetime.date:
    return month.replace(day=1)


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _check_not_locked(month: datetime.date) -> None:
    period = ReportingPeriod.objects.filter(month=month).first()
    if period is not None and period.is_locked:
        raise ValidationError(
            _("%(month)s is locked: its reports can no longer be changed. Ask a coordinator.")
            % {"month": month_label(month)},
            code="locked",
        )


def _clean_reach_values(values: Mapping[str, Any], errors: dict[str, list]) -> dict[str, Any]:
    _unknown_keys(values, REACH_FIELDS)
    cleaned: dict[str, Any] = {}
    for name in REACH_MONTHLY:
        value = values.get(name) or 0
        cleaned[name] = value
    for name in REACH_CUMULATIVE:
        cleaned[name] = values.get(name)
    for name in (*REACH_MONTHLY, *REACH_CUMULATIVE):
        value = cleaned[name]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            _add(errors, name, _("Give a whole number, 0 or more."))
    cleaned["comment"] = (values.get("comment") or "").strip()
    return cleaned


def _check_cumulative(
    *, initiative, commune, month, cleaned: dict[str, Any], errors: dict[str, list]
) -> None:
    """Distinct people reached since the start can only grow from one month to the next."""
    reports = ReachReport.objects.filter(initiative=initiative, commune=commune).select_related(
        "period"
    )
    previous = list(reports.filter(period__month__lt=month).order_by("-period__month"))
    following = list(reports.filter(period__month__gt=month).order_by("period__month"))
    for name, monthly in zip(REACH_CUMULATIVE, REACH_MONTHLY, strict=True):
        value = cleaned[name]
        if value is None or name in errors:
            continue
        if value < cleaned[monthly]:
            _add(
                errors,
                name,
                _("The total to date cannot be smaller than the figure of the month (%(n)s).")
                % {"n": cleaned[monthly]},
            )
            continue
        before = next((r for r in previous if getattr(r, name) is not None), None)
        if before is not None and value < getattr(before, name):
            _add(
                errors,
                name,
                _(
                    "The total to date cannot go down: it was %(n)s in %(month)s. "
                    "Totals to date count distinct people since the start."
                )
                % {"n": getattr(before, name), "month": month_label(before.period.month)},
            )
            continue
        after = next((r for r in following if getattr(r, name) is not None), None)
        if after is not None and value > getattr(after, name):
            _add(
                errors,
                name,
                _("The total to date cannot exceed the one reported later, %(n)s in %(month)s.")
                % {"n": getattr(after, name), "month": month_label(after.period.month)},
            )


def _reach_snapshot(report: ReachReport) -> dict[str, Any]:
    values = snapshot(report)
    values["by_group"] = sorted(
        f"{group_id}:{people}"
        for group_id, people in report.by_group.values_list("target_group_id", "people")
    )
    return values


@transaction.atomic
def reach_report_save(
    *,
    actor,
    initiative: Initiative,
    commune: Area,
    month: datetime.date,
    values: dict,
    by_group: dict | None = None,
) -> ReachReport:
    """Create or replace the report of one commune for one month.

    ``values`` holds ``women``, ``men``, ``girls``, ``boys`` (the month), ``cumulative_*``
    (distinct people since the start; optional) and ``comment``. ``by_group`` maps target groups
    to the part of the month's reach that belongs to them (optional; replaces what was there).
    Refused when the month is locked, when the commune is not one of the initiative's, or when a
    total to date would go down from one month to the next.
    """
    if not actor.has_perm("initiatives.report_reach", initiative):
        raise PermissionDenied
    month = first_of_month(month)
    _check_not_locked(month)
    errors: dict[str, list[str]] = {}
    if not initiative.communes.filter(pk=commune.pk).exists():
        _add(errors, "commune", _("Choose one of the initiative's communes."))
    if month > first_of_month(timezone.localdate()):
        _add(errors, "month", _("A month that has not started cannot be reported."))
    cleaned = _clean_reach_values(values, errors)
    groups: dict[TargetGroup, int] = {}
    for group, people in (by_group or {}).items():
        if people in (None, ""):
            continue
        if isinstance(people, bool) or not isinstance(people, int) or people < 0:
            _add(errors, "by_group", _("Give a whole number, 0 or more."))
        else:
            groups[group] = people
    if not errors:
        _check_cumulative(
            initiative=initiative, commune=commune, month=month, cleaned=cleaned, errors=errors
        )
    if errors:
        raise ValidationError(errors)

    period, _created = ReportingPeriod.objects.select_for_update().get_or_create(month=month)
    if period.is_locked:  # locked between the check above and now
        _check_not_locked(month)
    report = (
        ReachReport.objects.select_for_update()
        .filter(initiative=initiative, commune=commune, period=period)
        .first()
    )
    creating = report is None
    if creating:
        report = ReachReport(initiative=initiative, commune=commune, period=period)
        before = None
    else:
        before = _reach_snapshot(report)
    for name, value in cleaned.items():
        setattr(report, name, value)
    report.reported_by = actor if actor.is_authenticated else None
    report.save()
    if by_group is not None:
        report.by_group.all().delete()
        ReachByGroup.objects.bulk_create(
            [
                ReachByGroup(report=report, target_group=group, people=people)
                for group, people in groups.items()
            ]
        )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        instance=report,
        before=before,
        after=_reach_snapshot(report),
        organisation_id=initiative.lead_organisation_id,
    )
    return report


# --- Reporting periods --------------------------------------------------------------------------


def _set_lock(*, actor, month: datetime.date, lock: bool) -> ReportingPeriod:
    if not actor.has_perm("initiatives.lock_period"):
        raise PermissionDenied
    period, _created = ReportingPeriod.objects.select_for_update().get_or_create(
        month=first_of_month(month)
    )
    before = snapshot(period, ["locked_at", "locked_by"])
    if lock and not period.is_locked:
        period.locked_at = timezone.now()
        period.locked_by = actor
    elif not lock:
        period.locked_at = None
        period.locked_by = None
    period.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=period,
        before=before,
        after=snapshot(period, ["locked_at", "locked_by"]),
    )
    return period


@transaction.atomic
def period_lock(*, actor, month: datetime.date) -> ReportingPeriod:
    """Close a month: its reach reports can no longer be created or changed. Coordinators."""
    return _set_lock(actor=actor, month=month, lock=True)


@transaction.atomic
def period_unlock(*, actor, month: datetime.date) -> ReportingPeriod:
    """Reopen a month for corrections. Coordinators."""
    return _set_lock(actor=actor, month=month, lock=False)


# --- Taxonomies (target groups, activity types) ------------------------------------------------


def _save_term(term, data: Mapping[str, Any]) -> None:
    _unknown_keys(data, TAXONOMY_FIELDS)
    for key, value in data.items():
        setattr(term, key, value.strip() if isinstance(value, str) else value)
    term.full_clean()
    term.save()


def _term_create(*, actor, model, data):
    if not actor.has_perm("initiatives.change_taxonomy"):
        raise PermissionDenied
    term = model()
    _save_term(term, data)
    record(actor=actor, action=AuditEvent.Action.CREATE, instance=term, after=snapshot(term))
    return term


def _term_update(*, actor, term, data):
    if not actor.has_perm("initiatives.change_taxonomy"):
        raise PermissionDenied
    before = snapshot(term)
    _save_term(term, data)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=term,
        before=before,
        after=snapshot(term),
    )
    return term


@transaction.atomic
def target_group_create(*, actor, data: dict) -> TargetGroup:
    """Add a target group (coordinators)."""
    return _term_create(actor=actor, model=TargetGroup, data=data)


@transaction.atomic
def target_group_update(*, actor, target_group: TargetGroup, data: dict) -> TargetGroup:
    """Rename, reorder or retire a target group (coordinators); retired groups stay on records."""
    return _term_update(actor=actor, term=target_group, data=data)


@transaction.atomic
def activity_type_create(*, actor, data: dict) -> ActivityType:
    """Add an activity type (coordinators)."""
    return _term_create(actor=actor, model=ActivityType, data=data)


@transaction.atomic
def activity_type_update(*, actor, activity_type: ActivityType, data: dict) -> ActivityType:
    """Rename, reorder or retire an activity type (coordinators)."""
    return _term_update(actor=actor, term=activity_type, data=data)
