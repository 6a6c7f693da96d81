"""Writes of projects, editions, results frameworks, indicators and report sections (issue 6).

Keyword-only and atomic, like the other apps' services: check the permission
(``PermissionDenied``: ``results.change_edition`` on the project's organisation), validate
(``ValidationError`` per field, translated), write, record the audit event. A refusal writes
nothing. Views and the demo loader both come through here. Manual values are entered and
decided in ``compute`` (``manual_value_submit``, ``manual_value_decide``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.validation import error_collector, full_clean_collecting, split_fields
from madina.results import compute
from madina.results.models import (
    Edition,
    Indicator,
    IndicatorValue,
    NarrativeSection,
    Project,
    Result,
)
from madina.results.sources import BREAKDOWNS, MANUAL, SOURCES
from madina.territory.models import Area

CHANGE = "results.change_edition"

PROJECT_FIELDS = ("name_ar", "name_fr", "name_en")
PROJECT_M2M = ("donors",)
EDITION_FIELDS = ("name_ar", "name_fr", "name_en", "starts_on", "ends_on", "reporting_period")
EDITION_M2M = ("areas",)
RESULT_FIELDS = ("level", "parent", "code", "title_ar", "title_fr", "title_en")
INDICATOR_FIELDS = (
    "code",
    "title_ar",
    "title_fr",
    "title_en",
    "unit",
    "baseline",
    "target",
    "source",
    "sector",
    "disaggregation",
)
SECTION_FIELDS = ("order", "title_ar", "title_fr", "title_en", "body_ar", "body_fr", "body_en")
DISAGGREGATIONS = tuple(key for key, _label in BREAKDOWNS)

_STRIPPED = {
    "name_ar",
    "name_fr",
    "name_en",
    "title_ar",
    "title_fr",
    "title_en",
    "body_ar",
    "body_fr",
    "body_en",
    "code",
}


_errors = error_collector
_full_clean = full_clean_collecting


def _split(
    data: Mapping[str, Any], allowed: Iterable[str], m2m_allowed: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, list]]:
    return split_fields(data, allowed, m2m_allowed, stripped=_STRIPPED)


def _check(actor, organisation) -> None:
    if not actor.has_perm(CHANGE, organisation):
        raise PermissionDenied


def _any(instance, field: str) -> bool:
    return any(getattr(instance, f"{field}_{code}") for code in ("ar", "fr", "en"))


def _set_m2m(instance, m2m: Mapping[str, list]) -> None:
    for key, values in m2m.items():
        getattr(instance, key).set(values)


# --- Projects ------------------------------------------------------------------------------------


def _validate_project(project: Project, m2m: Mapping[str, list]) -> None:
    errors, add = _errors()
    if not _any(project, "name"):
        add("name_ar", _("Give the name of the project in at least one language."))
    donors = m2m.get("donors")
    if donors is not None and any(donor.pk == project.organisation_id for donor in donors):
        add("donors", _("The lead organisation is not one of the project's donors."))
    _full_clean(project, errors, exclude=["organisation"])


@transaction.atomic
def project_create(*, actor, organisation, data: Mapping[str, Any]) -> Project:
    """Add a project led by ``organisation``: its admins and members, and coordinators."""
    _check(actor, organisation)
    fields, m2m = _split(data, PROJECT_FIELDS, PROJECT_M2M)
    project = Project(organisation=organisation, **fields)
    _validate_project(project, m2m)
    project.save()
    _set_m2m(project, m2m)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=project,
        after=snapshot(project),
        organisation_id=organisation.pk,
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, data: Mapping[str, Any]) -> Project:
    """Change a project's names and donors; its lead organisation stays."""
    _check(actor, project.organisation)
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project)
    fields, m2m = _split(data, PROJECT_FIELDS, PROJECT_M2M)
    for key, value in fields.items():
        setattr(project, key, value)
    _validate_project(project, m2m)
    project.save()
    _set_m2m(project, m2m)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=project,
        before=before,
        after=snapshot(project),
        organisation_id=project.organisation_id,
    )
    return project


# --- Editions ------------------------------------------------------------------------------------


def _validate_edition(edition: Edition, m2m: Mapping[str, list]) -> None:
    errors, add = _errors()
    if not _any(edition, "name"):
        add("name_ar", _("Give the name of the edition in at least one language."))
    if edition.starts_on and edition.ends_on and edition.ends_on < edition.starts_on:
        add("ends_on", _("The edition cannot end before it starts."))
    areas = m2m.get("areas")
    if areas is not None and any(
        area.level not in (Area.Level.COMMUNE, Area.Level.PROVINCE) for area in areas
    ):
        add("areas", _("Choose communes, provinces or prefectures."))
    _full_clean(edition, errors, exclude=["project", "computed_at"])


@transaction.atomic
def edition_create(*, actor, project: Project, data: Mapping[str, Any]) -> Edition:
    """Add an edition (a phase with its dates and territory) to a project."""
    _check(actor, project.organisation)
    fields, m2m = _split(data, EDITION_FIELDS, EDITION_M2M)
    edition = Edition(project=project, **fields)
    _validate_edition(edition, m2m)
    edition.save()
    _set_m2m(edition, m2m)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=edition,
        after=snapshot(edition, [*EDITION_FIELDS, *EDITION_M2M]),
        organisation_id=project.organisation_id,
    )
    return edition


@transaction.atomic
def edition_update(*, actor, edition: Edition, data: Mapping[str, Any]) -> Edition:
    """Change an edition; only the keys present in ``data`` change. Values are recomputed by
    the job or the "recompute now" button, which also drops periods that no longer exist."""
    _check(actor, edition.project.organisation)
    edition = Edition.objects.select_for_update().select_related("project").get(pk=edition.pk)
    audited = [*EDITION_FIELDS, *EDITION_M2M]
    before = snapshot(edition, audited)
    fields, m2m = _split(data, EDITION_FIELDS, EDITION_M2M)
    for key, value in fields.items():
        setattr(edition, key, value)
    _validate_edition(edition, m2m)
    edition.save()
    _set_m2m(edition, m2m)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=edition,
        before=before,
        after=snapshot(edition, audited),
        organisation_id=edition.project.organisation_id,
    )
    return edition


# --- Results (outcomes and outputs) ---------------------------------------------------------------


def _validate_result(result: Result) -> None:
    errors, add = _errors()
    if not _any(result, "title"):
        add("title_ar", _("Give the title of the result in at least one language."))
    if result.level == Result.Level.OUTCOME:
        if result.parent_id is not None:
            add("parent", _("An outcome is at the top of the framework: it has no outcome above."))
    elif result.level == Result.Level.OUTPUT:
        parent = result.parent
        if parent is None:
            add("parent", _("Choose the outcome this output contributes to."))
        elif (
            parent.edition_id != result.edition_id
            or parent.level != Result.Level.OUTCOME
            or parent.pk == result.pk
        ):
            add("parent", _("Choose an outcome of the same edition."))
        if result.pk is not None and result.outputs.exists():
            add("level", _("This outcome has outputs: it cannot become an output."))
    if result.code:
        taken = Result.objects.filter(edition_id=result.edition_id, code__iexact=result.code)
        if result.pk is not None:
            taken = taken.exclude(pk=result.pk)
        if taken.exists():
            add("code", _("Another result of this edition has this code."))
    _full_clean(result, errors, exclude=["edition"])


@transaction.atomic
def result_create(*, actor, edition: Edition, data: Mapping[str, Any]) -> Result:
    """Add an outcome, or an output under one of the edition's outcomes."""
    _check(actor, edition.project.organisation)
    fields, _m2m = _split(data, RESULT_FIELDS)
    result = Result(edition=edition, **fields)
    _validate_result(result)
    result.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=result,
        after=snapshot(result),
        organisation_id=edition.project.organisation_id,
    )
    return result


@transaction.atomic
def result_update(*, actor, result: Result, data: Mapping[str, Any]) -> Result:
    organisation = result.edition.project.organisation
    _check(actor, organisation)
    result = Result.objects.select_for_update().get(pk=result.pk)
    before = snapshot(result)
    fields, _m2m = _split(data, RESULT_FIELDS)
    for key, value in fields.items():
        setattr(result, key, value)
    _validate_result(result)
    result.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=result,
        before=before,
        after=snapshot(result),
        organisation_id=organisation.pk,
    )
    return result


# --- Indicators ----------------------------------------------------------------------------------


def _indicator_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    fields, _m2m = _split(data, INDICATOR_FIELDS)
    for key in ("baseline", "target"):
        if key in fields:
            value = fields[key]
            if value in ("", None):
                fields[key] = Decimal(0) if key == "baseline" else None
                continue
            try:
                fields[key] = Decimal(str(value))
            except (InvalidOperation, ValueError):
                raise ValidationError({key: _("Give a number.")}) from None
    if "disaggregation" in fields:
        wanted = list(fields["disaggregation"] or [])
        if set(wanted) - set(DISAGGREGATIONS):
            raise ValidationError({"disaggregation": _("Choose breakdowns from the list.")})
        fields["disaggregation"] = [key for key in DISAGGREGATIONS if key in wanted]
    if "source" in fields:
        fields["source"] = (fields["source"] or "").strip()
    return fields


def _validate_indicator(indicator: Indicator) -> None:
    errors, add = _errors()
    if not _any(indicator, "title"):
        add("title_ar", _("Give the title of the indicator in at least one language."))
    if not indicator.code:
        add("code", _("Give the indicator a code."))
    else:
        taken = Indicator.objects.filter(
            result__edition_id=indicator.result.edition_id, code__iexact=indicator.code
        )
        if indicator.pk is not None:
            taken = taken.exclude(pk=indicator.pk)
        if taken.exists():
            add("code", _("Another indicator of this edition has this code."))
    if indicator.baseline is not None and indicator.baseline < 0:
        add("baseline", _("The baseline cannot be negative."))
    if indicator.target is None:
        add("target", _("Give the target."))
    elif indicator.target <= 0:
        add("target", _("The target must be greater than zero."))
    if indicator.source not in SOURCES and indicator.source != MANUAL:
        add("source", _("Choose a source from the list."))
    elif indicator.disaggregation:
        labels = dict(BREAKDOWNS)
        if indicator.source == MANUAL:
            add(
                "disaggregation",
                _("A value entered by hand is one figure: it cannot be broken down."),
            )
        else:
            source = SOURCES[indicator.source]
            missing = [key for key in indicator.disaggregation if key not in source.breakdowns]
            if missing:
                add(
                    "disaggregation",
                    _("The records of “%(source)s” do not say: %(breakdowns)s.")
                    % {
                        "source": source.label,
                        "breakdowns": ", ".join(str(labels[key]) for key in missing),
                    },
                )
    sector = indicator.sector
    if sector is not None and (sector.parent_id is not None or not sector.is_active):
        add("sector", _("Choose a programme of the national strategy."))
    _full_clean(indicator, errors, exclude=["result"])


def _refresh(indicator: Indicator) -> None:
    """Compute the values of a computed indicator at once, so that the framework shows them."""
    if not indicator.is_manual:
        compute.compute_indicator(indicator)


@transaction.atomic
def indicator_create(*, actor, result: Result, data: Mapping[str, Any]) -> Indicator:
    """Add an indicator to an outcome or output; a computed one gets its values at once."""
    _check(actor, result.edition.project.organisation)
    indicator = Indicator(result=result, **_indicator_fields(data))
    _validate_indicator(indicator)
    indicator.save()
    _refresh(indicator)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=indicator,
        after=snapshot(indicator),
        organisation_id=result.edition.project.organisation_id,
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    """Change an indicator. Another source drops the values computed from the old one; an
    indicator with values typed by hand keeps its source."""
    organisation = indicator.result.edition.project.organisation
    _check(actor, organisation)
    indicator = Indicator.objects.select_for_update().select_related("result").get(pk=indicator.pk)
    before = snapshot(indicator)
    old_source = indicator.source
    for key, value in _indicator_fields(data).items():
        setattr(indicator, key, value)
    if (
        indicator.source != old_source
        and indicator.values.exclude(state=IndicatorValue.State.COMPUTED).exists()
    ):
        raise ValidationError(
            {"source": _("Values have been entered by hand: the source cannot change.")}
        )
    _validate_indicator(indicator)
    indicator.save()
    if indicator.source != old_source:
        indicator.values.filter(state=IndicatorValue.State.COMPUTED).delete()
    _refresh(indicator)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=indicator,
        before=before,
        after=snapshot(indicator),
        organisation_id=organisation.pk,
    )
    return indicator


# --- Report sections -----------------------------------------------------------------------------


def _section_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    fields, _m2m = _split(data, SECTION_FIELDS)
    if "order" in fields and fields["order"] in ("", None):
        fields["order"] = 0
    return fields


def _validate_section(section: NarrativeSection) -> None:
    errors, add = _errors()
    if not _any(section, "title"):
        add("title_ar", _("Give the title of the section in at least one language."))
    _full_clean(section, errors, exclude=["edition"])


@transaction.atomic
def section_create(*, actor, edition: Edition, data: Mapping[str, Any]) -> NarrativeSection:
    """Add a section of the donor report (context, highlights, challenges…)."""
    _check(actor, edition.project.organisation)
    section = NarrativeSection(edition=edition, **_section_fields(data))
    _validate_section(section)
    section.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=section,
        after=snapshot(section),
        organisation_id=edition.project.organisation_id,
    )
    return section


@transaction.atomic
def section_update(
    *, actor, section: NarrativeSection, data: Mapping[str, Any]
) -> NarrativeSection:
    organisation = section.edition.project.organisation
    _check(actor, organisation)
    section = NarrativeSection.objects.select_for_update().get(pk=section.pk)
    before = snapshot(section)
    for key, value in _section_fields(data).items():
        setattr(section, key, value)
    _validate_section(section)
    section.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=section,
        before=before,
        after=snapshot(section),
        organisation_id=organisation.pk,
    )
    return section
