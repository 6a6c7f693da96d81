"""Reads of projects, editions and their results frameworks: fetch-and-authorise helpers, the
framework table, an indicator's values with their breakdowns, and the drill-down to the records
a value counted.

Every signed-in user reads them (decision 24): they hold counts, never personal data. 404 only
for what does not exist; 403 for someone who sees a record but may not change it. The drill-down
lists only the records the reader may see elsewhere (meetings and recommendations of spaces they
belong to, initiatives shared with them), never the names of people trained, and never cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from madina.actors.models import Organisation
from madina.core.permissions import require
from madina.directory import selectors as directory_selectors
from madina.results import compute
from madina.results.models import (
    Edition,
    Indicator,
    IndicatorValue,
    NarrativeSection,
    Project,
    Result,
)
from madina.results.sources import MANUAL, SOURCES, source_choices
from madina.territory.models import Area

VIEW = "results.view_edition"
CHANGE = "results.change_edition"
APPROVE = "results.approve_value"


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """The organisations whose projects ``user`` may add: the same as for services (admin or
    member of the organisation; every organisation for coordinators)."""
    return directory_selectors.organisations_editable_by(user)


# --- Fetch and authorise -------------------------------------------------------------------------


def project_get_for_user(user, pk: int, *, perm: str = VIEW) -> Project:
    require(user, VIEW, visible=False)
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    require(user, perm, project.organisation)
    return project


def edition_get_for_user(user, pk: int, *, perm: str = VIEW) -> Edition:
    require(user, VIEW, visible=False)
    edition = get_object_or_404(Edition.objects.select_related("project__organisation"), pk=pk)
    require(user, perm, edition.project.organisation)
    return edition


def result_get_for_user(user, pk: int, *, perm: str = VIEW) -> Result:
    require(user, VIEW, visible=False)
    result = get_object_or_404(
        Result.objects.select_related("edition__project__organisation", "parent"), pk=pk
    )
    require(user, perm, result.edition.project.organisation)
    return result


def indicator_get_for_user(user, pk: int, *, perm: str = VIEW) -> Indicator:
    require(user, VIEW, visible=False)
    indicator = get_object_or_404(
        Indicator.objects.select_related(
            "result__edition__project__organisation", "result__parent", "sector"
        ),
        pk=pk,
    )
    require(user, perm, indicator.result.edition.project.organisation)
    return indicator


def value_get_for_user(user, pk: int, *, perm: str = VIEW) -> IndicatorValue:
    require(user, VIEW, visible=False)
    value = get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__result__edition__project__organisation", "entered_by", "decided_by"
        ),
        pk=pk,
    )
    require(user, perm, value.indicator.result.edition.project.organisation)
    return value


def section_get_for_user(user, pk: int, *, perm: str = VIEW) -> NarrativeSection:
    require(user, VIEW, visible=False)
    section = get_object_or_404(
        NarrativeSection.objects.select_related("edition__project__organisation"), pk=pk
    )
    require(user, perm, section.edition.project.organisation)
    return section


# --- Lists ---------------------------------------------------------------------------------------


def project_list(*, user) -> QuerySet[Project]:
    """Every project with its editions, latest first, and its donors."""
    require(user, VIEW, visible=False)
    return Project.objects.select_related("organisation").prefetch_related(
        "donors", Prefetch("editions", queryset=Edition.objects.order_by("-starts_on", "-id"))
    )


def section_list(edition: Edition) -> QuerySet[NarrativeSection]:
    return edition.sections.all()


# --- The framework -------------------------------------------------------------------------------


def _shown(indicator: Indicator, value: IndicatorValue | None) -> IndicatorValue | None:
    """What ``compute.reported_value`` returns, from a value already fetched: a computed value,
    or a manual value once approved."""
    if value is None:
        return None
    if indicator.is_manual and value.state != IndicatorValue.State.APPROVED:
        return None
    return value


def progress(indicator: Indicator, value: IndicatorValue | None) -> int | None:
    """Progress toward the target, in percent: (value − baseline) / (target − baseline)."""
    if value is None or indicator.target == indicator.baseline:
        return None
    share = (value.value - indicator.baseline) * 100 / (indicator.target - indicator.baseline)
    return int(share.quantize(Decimal(1)))


@dataclass
class IndicatorRow:
    indicator: Indicator
    total: IndicatorValue | None
    progress: int | None
    periods: list[IndicatorValue | None]
    source_label: str = ""

    @property
    def progress_bar(self) -> int:
        return max(0, min(100, self.progress or 0))


@dataclass
class ResultBlock:
    result: Result
    rows: list[IndicatorRow] = field(default_factory=list)
    outputs: list[ResultBlock] = field(default_factory=list)


@dataclass
class Framework:
    edition: Edition
    periods: list[tuple[dt.date, dt.date]]
    outcomes: list[ResultBlock]
    orphans: list[ResultBlock]

    @property
    def indicator_count(self) -> int:
        blocks = [*self.outcomes, *self.orphans]
        return sum(
            len(block.rows) + sum(len(output.rows) for output in block.outputs) for block in blocks
        )


def _source_labels() -> dict[str, str]:
    return dict(source_choices())


def framework(edition: Edition) -> Framework:
    """Outcomes → outputs → indicators, each with its total over the edition, its progress and
    its value per reporting period (three queries, whatever the size of the framework)."""
    edition_periods = compute.periods(edition)
    results = list(edition.results.all())
    indicators = list(Indicator.objects.filter(result__edition=edition).select_related("sector"))
    values = {
        (value.indicator_id, value.period_start, value.period_end): value
        for value in IndicatorValue.objects.filter(indicator__result__edition=edition)
    }
    labels = _source_labels()
    rows: dict[int, list[IndicatorRow]] = defaultdict(list)
    for indicator in indicators:
        total = _shown(indicator, values.get((indicator.pk, edition.starts_on, edition.ends_on)))
        rows[indicator.result_id].append(
            IndicatorRow(
                indicator=indicator,
                total=total,
                progress=progress(indicator, total),
                periods=[
                    _shown(indicator, values.get((indicator.pk, start, end)))
                    for start, end in edition_periods
                ],
                source_label=labels.get(indicator.source, indicator.source),
            )
        )
    blocks = {result.pk: ResultBlock(result, rows.get(result.pk, [])) for result in results}
    outcomes, orphans = [], []
    for result in results:
        block = blocks[result.pk]
        if result.parent_id is None:
            outcomes.append(block)
        elif result.parent_id in blocks:
            blocks[result.parent_id].outputs.append(block)
        else:  # pragma: no cover - the constraint keeps outputs under an outcome
            orphans.append(block)
    return Framework(edition, edition_periods, outcomes, orphans)


# --- An indicator's values -----------------------------------------------------------------------

SEX_LABELS = {
    "female": pgettext_lazy("sex of a person", "female"),
    "male": pgettext_lazy("sex of a person", "male"),
    "other": pgettext_lazy("sex of a person", "other or not said"),
}
DIMENSION_LABELS = {
    "sex": pgettext_lazy("of a person", "sex"),
    "age_band": _("age band"),
    "commune": _("commune"),
    "group": _("population group"),
}


@dataclass
class Cell:
    label: str
    count: int | None  # None: a small cell, shown as "<5"


@dataclass
class Breakdown:
    label: str
    cells: list[Cell]


@dataclass
class PeriodRow:
    start: dt.date
    end: dt.date
    is_total: bool
    value: IndicatorValue | None
    breakdowns: list[Breakdown]
    suppressed: bool = False


def _age_labels() -> dict[str, str]:
    from madina.cases.models import AgeBand

    return {str(key): label for key, label in AgeBand.choices}


def _group_labels() -> dict[str, str]:
    from madina.outreach.models import PopulationGroup

    labels = {str(key): label for key, label in PopulationGroup.choices}
    labels[PopulationGroup.NOT_SAID] = _("not said or not counted")
    return labels


def _breakdowns(value: IndicatorValue, communes: dict[int, Area]) -> list[Breakdown]:
    result = []
    ages = None
    for dimension in ("sex", "age_band", "commune", "group"):
        cells = value.breakdown.get(dimension)
        if not cells:
            continue
        if dimension == "commune":
            named = {
                key: (communes[int(key)].name if key.isdigit() and int(key) in communes else key)
                for key in cells
            }
        elif dimension == "sex":
            named = {key: str(SEX_LABELS.get(key, key)) for key in cells}
        elif dimension == "age_band":
            ages = ages or _age_labels()
            named = {key: str(ages.get(key, key)) for key in cells}
        else:
            groups = _group_labels()
            named = {key: str(groups.get(key, key)) for key in cells}
        result.append(
            Breakdown(
                str(DIMENSION_LABELS[dimension]),
                sorted(
                    (Cell(named[key], count) for key, count in cells.items()),
                    key=lambda cell: cell.label,
                ),
            )
        )
    return result


def indicator_periods(indicator: Indicator) -> list[PeriodRow]:
    """The indicator's value per reporting period and over the whole edition, with breakdowns
    (commune names fetched in one query). Manual values only once approved."""
    edition = indicator.result.edition
    wanted = [*compute.periods(edition), (edition.starts_on, edition.ends_on)]
    values = {(value.period_start, value.period_end): value for value in indicator.values.all()}
    commune_ids = {
        int(key)
        for value in values.values()
        for key in value.breakdown.get("commune", {}) or {}
        if str(key).isdigit()
    }
    communes = Area.objects.in_bulk(commune_ids) if commune_ids else {}
    rows = []
    for index, (start, end) in enumerate(wanted):
        value = _shown(indicator, values.get((start, end)))
        rows.append(
            PeriodRow(
                start=start,
                end=end,
                is_total=index == len(wanted) - 1,
                value=value,
                breakdowns=_breakdowns(value, communes) if value is not None else [],
                suppressed=bool(value is not None and value.breakdown.get("suppressed")),
            )
        )
    return rows


def manual_values(indicator: Indicator) -> QuerySet[IndicatorValue]:
    """Every value typed by hand, whatever its state, for the indicator's page."""
    if not indicator.is_manual:
        return IndicatorValue.objects.none()
    return indicator.values.select_related("entered_by", "decided_by").order_by(
        "period_start", "period_end"
    )


def source_of(indicator: Indicator):
    return SOURCES.get(indicator.source)


def source_label(indicator: Indicator) -> str:
    return str(_source_labels().get(indicator.source, indicator.source))


def is_confidential(indicator: Indicator) -> bool:
    source = SOURCES.get(indicator.source)
    return bool(source and source.confidential)


# --- The drill-down ------------------------------------------------------------------------------


@dataclass
class RecordLine:
    label: str
    url: str = ""
    detail: str = ""


@dataclass
class RecordList:
    heading: str
    lines: list[RecordLine]
    hidden: int = 0  # counted, but in a place the reader may not see
    note: str = ""


def _sessions(user, ids):
    from madina.outreach.models import AwarenessSession

    sessions = AwarenessSession.objects.filter(pk__in=ids).select_related("school", "organisation")
    return [
        RecordLine(
            f"{session.school.name} — {session.held_on.isoformat()}",
            session.get_absolute_url(),
            str(session.organisation.name),
        )
        for session in sessions.order_by("held_on", "pk")
    ], 0


def _schools(user, ids):
    from madina.outreach.models import School

    schools = School.objects.filter(pk__in=ids).select_related("commune")
    return [
        RecordLine(
            school.name,
            reverse("outreach:school_detail", args=[school.pk]),
            school.commune.name if school.commune_id else "",
        )
        for school in sorted(schools, key=lambda school: school.name)
    ], 0


def _capsules(user, ids):
    from madina.outreach.models import Capsule

    capsules = Capsule.objects.filter(pk__in=ids).select_related("organisation")
    return [
        RecordLine(
            capsule.title,
            capsule.get_absolute_url(),
            capsule.validated_on.isoformat() if capsule.validated_on else "",
        )
        for capsule in sorted(capsules, key=lambda capsule: capsule.title)
    ], 0


def _trainings(user, ids):
    from madina.outreach.models import Training

    trainings = Training.objects.filter(pk__in=ids).order_by("starts_on", "pk")
    return [
        RecordLine(training.title, training.get_absolute_url(), training.starts_on.isoformat())
        for training in trainings
    ], 0


def _participants(user, ids):
    """People trained are counted per training: their names stay on the training's page, for
    those who may see them."""
    from django.db.models import Count

    from madina.outreach.models import Participant, Training

    counts = (
        Participant.objects.filter(pk__in=ids)
        .values("training")
        .annotate(people=Count("pk"))
        .order_by()
    )
    per_training = {row["training"]: row["people"] for row in counts}
    trainings = Training.objects.filter(pk__in=per_training).order_by("starts_on", "pk")
    lines = []
    for training in trainings:
        people = per_training[training.pk]
        lines.append(
            RecordLine(
                training.title,
                training.get_absolute_url(),
                ngettext("%(count)s person counted", "%(count)s people counted", people)
                % {"count": people},
            )
        )
    return lines, 0


def _advocacy(user, ids):
    from madina.outreach.models import AdvocacyAction

    actions = AdvocacyAction.objects.filter(pk__in=ids).order_by("held_on", "pk")
    return [
        RecordLine(str(action), action.get_absolute_url(), action.get_kind_display())
        for action in actions
    ], 0


def _initiatives(user, ids):
    from madina.initiatives.selectors import visible_initiatives

    initiatives = list(
        visible_initiatives(user).filter(pk__in=ids).order_by("title", "pk").distinct()
    )
    return [
        RecordLine(initiative.title, initiative.get_absolute_url()) for initiative in initiatives
    ], len(set(ids)) - len(initiatives)


def _meetings(user, ids):
    from madina.meetings.selectors import visible_meetings

    meetings = list(visible_meetings(user).filter(pk__in=ids).order_by("starts_at", "pk"))
    return [
        RecordLine(meeting.title, meeting.get_absolute_url(), meeting.starts_at.date().isoformat())
        for meeting in meetings
    ], len(set(ids)) - len(meetings)


def _recommendations(user, ids):
    from madina.meetings.selectors import visible_recommendations

    recommendations = list(
        visible_recommendations(user).filter(pk__in=ids).order_by("code", "pk").distinct()
    )
    return [
        RecordLine(str(recommendation), recommendation.get_absolute_url())
        for recommendation in recommendations
    ], len(set(ids)) - len(recommendations)


RECORD_LISTS = {
    "outreach.awarenesssession": (_("Awareness sessions counted"), _sessions),
    "outreach.school": (_("Schools counted"), _schools),
    "outreach.capsule": (_("Awareness capsules counted"), _capsules),
    "outreach.training": (_("Trainings counted"), _trainings),
    "outreach.participant": (_("People trained, counted per training"), _participants),
    "outreach.advocacyaction": (_("Advocacy and mobilisation actions counted"), _advocacy),
    "initiatives.initiative": (_("Initiatives counted"), _initiatives),
    "meetings.meeting": (_("Meetings counted"), _meetings),
    "meetings.recommendation": (_("Recommendations counted"), _recommendations),
}


def value_records(user, value: IndicatorValue) -> RecordList | None:
    """The records a value counted, each with a link to its page where there is one (one query
    per kind of record). None for a value with no records to list."""
    model = (value.records or {}).get("model", "")
    ids = [int(pk) for pk in (value.records or {}).get("ids", [])]
    if model not in RECORD_LISTS:
        return None
    heading, fetch = RECORD_LISTS[model]
    lines, hidden = fetch(user, ids) if ids else ([], 0)
    return RecordList(str(heading), lines, hidden)


def is_manual(indicator: Indicator) -> bool:
    return indicator.source == MANUAL
