"""Indicator values: computed from the records per reporting period, or entered by hand with
evidence and approved by someone else (docs/decisions/0024)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.uploads import EVIDENCE_KINDS, MIB, CheckedUpload, check_upload
from madina.results.models import Edition, Indicator, IndicatorValue
from madina.results.sources import MANUAL, SOURCES
from madina.territory.models import Area

EVIDENCE_MAX_BYTES = 10 * MIB
_MONTHS = {
    Edition.Period.MONTH: 1,
    Edition.Period.QUARTER: 3,
    Edition.Period.SEMESTER: 6,
    Edition.Period.YEAR: 12,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def periods(edition: Edition) -> list[tuple[dt.date, dt.date]]:
    """The reporting periods of the edition, calendar-aligned and clipped to its dates."""
    step = _MONTHS[edition.reporting_period]
    first = dt.date(edition.starts_on.year, edition.starts_on.month, 1)
    # Align quarters, semesters and years on the calendar (Jan, Apr, Jul, Oct…).
    first = dt.date(first.year, ((first.month - 1) // step) * step + 1, 1)
    result = []
    start = first
    while start <= edition.ends_on:
        following = _add_months(start, step)
        result.append(
            (max(start, edition.starts_on), min(following - dt.timedelta(days=1), edition.ends_on))
        )
        start = following
    return result


def territory_communes(edition: Edition) -> list[int] | None:
    """The edition's communes (a province counts its communes); None when it names none."""
    areas = list(edition.areas.all())
    if not areas:
        return None
    communes = {area.pk for area in areas if area.level == Area.Level.COMMUNE}
    provinces = [area.pk for area in areas if area.level != Area.Level.COMMUNE]
    if provinces:
        communes |= set(
            Area.objects.filter(level=Area.Level.COMMUNE)
            .filter(parent_id__in=provinces)
            .values_list("pk", flat=True)
        )
        communes |= set(
            Area.objects.filter(
                level=Area.Level.COMMUNE, parent__parent_id__in=provinces
            ).values_list("pk", flat=True)
        )
    return sorted(communes)


def _store(indicator: Indicator, start: dt.date, end: dt.date, *, is_total: bool, outcome):
    IndicatorValue.objects.update_or_create(
        indicator=indicator,
        period_start=start,
        period_end=end,
        defaults={
            "is_total": is_total,
            "value": outcome.value,
            "breakdown": outcome.breakdown,
            "records": {"model": outcome.model, "ids": outcome.ids} if outcome.model else {},
            "state": IndicatorValue.State.COMPUTED,
        },
    )


@transaction.atomic
def compute_indicator(indicator: Indicator, *, communes=None, edition_periods=None) -> int:
    """Recompute every period and the total of a computed indicator; return values written."""
    if indicator.is_manual:
        return 0
    source = SOURCES.get(indicator.source)
    if source is None:
        raise ValueError(f"Unknown source {indicator.source!r}")
    edition = indicator.result.edition
    if communes is None:
        communes = territory_communes(edition)
    edition_periods = edition_periods or periods(edition)
    keep = []
    for start, end in edition_periods:
        _store(indicator, start, end, is_total=False, outcome=source.compute(communes, start, end))
        keep.append((start, end))
    total = source.compute(communes, edition.starts_on, edition.ends_on)
    _store(indicator, edition.starts_on, edition.ends_on, is_total=True, outcome=total)
    keep.append((edition.starts_on, edition.ends_on))
    # Periods that no longer exist (the edition's dates or period changed) go.
    stale = indicator.values.exclude(
        pk__in=[
            value.pk
            for value in indicator.values.all()
            if (value.period_start, value.period_end) in keep
        ]
    )
    stale.delete()
    return len(keep)


def compute_edition(edition: Edition) -> int:
    """Recompute every computed indicator of the edition (the job, and the "recompute" button)."""
    communes = territory_communes(edition)
    edition_periods = periods(edition)
    written = 0
    for indicator in Indicator.objects.filter(result__edition=edition).exclude(source=MANUAL):
        written += compute_indicator(indicator, communes=communes, edition_periods=edition_periods)
    Edition.objects.filter(pk=edition.pk).update(computed_at=timezone.now())
    return written


# -- manual values ----------------------------------------------------------------------------


def _may_enter(actor, indicator: Indicator) -> bool:
    return actor.has_perm("results.change_edition", indicator.result.edition.project.organisation)


@transaction.atomic
def manual_value_submit(
    *,
    actor,
    indicator: Indicator,
    period_start: dt.date,
    period_end: dt.date,
    value,
    evidence,
    note: str = "",
) -> IndicatorValue:
    """Enter a value where no record holds it: evidence required, approval by someone else."""
    if not _may_enter(actor, indicator):
        raise PermissionDenied
    edition = indicator.result.edition
    errors: dict[str, str] = {}
    if not indicator.is_manual:
        errors["value"] = _("This indicator is computed from the records; it cannot be typed.")
    try:
        value = Decimal(str(value))
        if value < 0:
            errors["value"] = _("The value cannot be negative.")
    except (InvalidOperation, ValueError):
        errors["value"] = _("Give a number.")
    if period_end < period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if period_start < edition.starts_on or period_end > edition.ends_on:
        errors["period_start"] = _(
            "The period must fall within the edition (%(start)s–%(end)s)."
        ) % {
            "start": edition.starts_on.isoformat(),
            "end": edition.ends_on.isoformat(),
        }
    if evidence is None:
        errors["evidence"] = _("Attach the evidence: a value typed by hand needs it.")
    if errors:
        raise ValidationError(errors)
    # A form's EvidenceFileField has already checked it (and kept the name it came with).
    checked = (
        evidence
        if isinstance(evidence, CheckedUpload)
        else check_upload(evidence, kinds=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES)
    )
    existing = IndicatorValue.objects.filter(
        indicator=indicator, period_start=period_start, period_end=period_end
    ).first()
    if existing is not None and existing.state == IndicatorValue.State.APPROVED:
        raise ValidationError(_("This value has been approved; it cannot be replaced."))
    item = existing or IndicatorValue(
        indicator=indicator, period_start=period_start, period_end=period_end
    )
    item.is_total = (period_start, period_end) == (edition.starts_on, edition.ends_on)
    item.value = value
    item.note = note.strip()
    item.state = IndicatorValue.State.SUBMITTED
    item.entered_by = actor
    item.decided_by, item.decided_at = None, None
    item.evidence_name = checked.original_name
    item.evidence_content_type = checked.content_type
    item.evidence.save(checked.name, checked, save=False)
    item.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if existing else AuditEvent.Action.CREATE,
        instance=item,
        after=snapshot(item, ["value", "period_start", "period_end", "state", "note"]),
        organisation_id=edition.project.organisation_id,
    )
    return item


@transaction.atomic
def manual_value_decide(
    *, actor, value: IndicatorValue, approve: bool, note: str = ""
) -> IndicatorValue:
    """Approve or send back a value typed by hand: by someone else than who entered it."""
    value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
    edition = value.indicator.result.edition
    if not actor.has_perm("results.approve_value", edition.project.organisation):
        raise PermissionDenied
    if value.entered_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must approve a value you entered."))
    if value.state != IndicatorValue.State.SUBMITTED:
        raise ValidationError(_("This value is not waiting for approval."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why it is sent back.")})
    before = snapshot(value, ["state", "note"])
    value.state = IndicatorValue.State.APPROVED if approve else IndicatorValue.State.REJECTED
    value.decided_by = actor
    value.decided_at = timezone.now()
    if note.strip():
        value.note = f"{value.note}\n{note.strip()}".strip()
    value.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=value,
        before=before,
        after=snapshot(value, ["state", "note"]),
        organisation_id=edition.project.organisation_id,
    )
    return value


def reported_value(indicator: Indicator, start: dt.date, end: dt.date) -> IndicatorValue | None:
    """The value a report shows: computed, or a manual value once approved."""
    value = indicator.values.filter(period_start=start, period_end=end).first()
    if value is None:
        return None
    if indicator.is_manual and value.state != IndicatorValue.State.APPROVED:
        return None
    return value
