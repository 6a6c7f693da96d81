"""What an indicator can be computed from: one function per source, over the records.

Each source takes the edition's territory (commune ids, or None for everywhere) and a period,
and returns the value, its breakdown (by sex, commune… where the records say it) and the ids of
the records counted, so that every figure drills down to its records. Confidential records
(cases' incidents) are counted only from consented statistics, small cells suppressed, and
never listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SMALL_CELL = 5

# What an indicator may be broken down by, when its source's records say it.
BREAKDOWNS = [
    ("sex", pgettext_lazy("of a person", "sex")),
    ("age_band", _("age band")),
    ("commune", _("commune")),
    ("group", _("population group")),
]


@dataclass
class Outcome:
    value: Decimal
    breakdown: dict = field(default_factory=dict)
    # "app_label.model" and the primary keys counted; empty for confidential sources.
    model: str = ""
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    unit: str  # "number" or "percent"
    compute: Callable[[list[int] | None, dt.date, dt.date], Outcome]
    confidential: bool = False
    # The breakdowns its records hold ("sex", "age_band", "commune", "group"): an indicator may
    # ask only for these (the records say nothing of the others).
    breakdowns: tuple[str, ...] = ()


def _by(counter: Counter) -> dict:
    return {str(key): value for key, value in counter.items() if key is not None}


def _sessions(communes, start, end):
    from madina.outreach.models import AwarenessSession

    sessions = AwarenessSession.objects.filter(held_on__range=(start, end))
    if communes is not None:
        sessions = sessions.filter(school__commune_id__in=communes)
    return sessions


def sessions_held(communes, start, end) -> Outcome:
    rows = list(_sessions(communes, start, end).values_list("pk", "school__commune_id"))
    return Outcome(
        Decimal(len(rows)),
        {"commune": _by(Counter(commune for _pk, commune in rows))},
        "outreach.awarenesssession",
        [pk for pk, _commune in rows],
    )


def pupils_reached(communes, start, end) -> Outcome:
    """Pupils by sex and commune (the sessions' totals), by age band of their grade and by
    population group (children of migrants where the school counted them) from the audience
    rows; pupils no row places are "unknown" / "not said", so every breakdown adds up."""
    from madina.outreach.models import GRADE_AGE_BANDS, Audience

    sessions = _sessions(communes, start, end)
    rows = list(sessions.values_list("pk", "school__commune_id", "girls", "boys"))
    by_commune: Counter = Counter()
    for _pk, commune, girls, boys in rows:
        by_commune[commune] += girls + boys
    girls = sum(row[2] for row in rows)
    boys = sum(row[3] for row in rows)
    total = girls + boys
    by_age: Counter = Counter()
    by_group: Counter = Counter()
    pupils = F("girls") + F("boys")
    by_grade = (
        Audience.objects.filter(session__in=sessions)
        .values("grade")
        .annotate(
            pupils_total=Sum(pupils),
            of_migrants=Sum("migrants"),
            counted=Sum(pupils, filter=Q(migrants__isnull=False)),
        )
        .order_by()
    )
    for row in by_grade:
        by_age[GRADE_AGE_BANDS.get(row["grade"], "unknown")] += row["pupils_total"] or 0
        by_group["migrant"] += row["of_migrants"] or 0
        by_group["host"] += (row["counted"] or 0) - (row["of_migrants"] or 0)
    by_age["unknown"] += total - sum(by_age.values())
    by_group["not_said"] += total - sum(by_group.values())
    return Outcome(
        Decimal(total),
        {
            "sex": {"female": girls, "male": boys},
            "age_band": _by(+by_age),
            "commune": _by(by_commune),
            # Whether a child's family migrated is sensitive: small groups stay hidden.
            "group": _suppressed(+by_group),
        },
        "outreach.awarenesssession",
        [row[0] for row in rows],
    )


def schools_reached(communes, start, end) -> Outcome:
    rows = set(_sessions(communes, start, end).values_list("school_id", "school__commune_id"))
    return Outcome(
        Decimal(len(rows)),
        {"commune": _by(Counter(commune for _school, commune in rows))},
        "outreach.school",
        sorted(school for school, _commune in rows),
    )


def capsules_produced(communes, start, end) -> Outcome:
    from madina.outreach.models import Capsule

    ids = list(
        Capsule.objects.filter(validated_on__range=(start, end)).values_list("pk", flat=True)
    )
    return Outcome(Decimal(len(ids)), {}, "outreach.capsule", ids)


def _trainings(communes, start, end):
    from madina.outreach.models import Training

    trainings = Training.objects.filter(starts_on__range=(start, end))
    if communes is not None:
        trainings = trainings.filter(Q(commune_id__in=communes) | Q(commune__isnull=True))
    return trainings


def trainings_held(communes, start, end) -> Outcome:
    ids = list(_trainings(communes, start, end).values_list("pk", flat=True))
    return Outcome(Decimal(len(ids)), {}, "outreach.training", ids)


def people_trained(communes, start, end) -> Outcome:
    from madina.outreach.models import Participant

    rows = list(
        Participant.objects.filter(training__in=_trainings(communes, start, end)).values_list(
            "pk", "sex", "population_group"
        )
    )
    return Outcome(
        Decimal(len(rows)),
        {
            "sex": _by(Counter(row[1] for row in rows)),
            # Said by named people: small groups stay hidden.
            "group": _suppressed(Counter(row[2] for row in rows)),
        },
        "outreach.participant",
        [row[0] for row in rows],
    )


def learning_gain(communes, start, end) -> Outcome:
    """Average gain from pre- to post-test, as a percentage of each training's top score."""
    from madina.outreach.models import Participant

    rows = list(
        Participant.objects.filter(
            training__in=_trainings(communes, start, end),
            pre_score__isnull=False,
            post_score__isnull=False,
        ).values_list("pk", "pre_score", "post_score", "training__max_score")
    )
    if not rows:
        return Outcome(Decimal(0), {}, "outreach.participant", [])
    gains = [(post - pre) * 100 / top for _pk, pre, post, top in rows]
    average = sum(gains, Decimal(0)) / len(gains)
    return Outcome(
        average.quantize(Decimal("0.01")), {}, "outreach.participant", [row[0] for row in rows]
    )


def _actions(kind):
    def compute(communes, start, end) -> Outcome:
        from madina.outreach.models import AdvocacyAction

        actions = AdvocacyAction.objects.filter(kind=kind, held_on__range=(start, end))
        if communes is not None:
            actions = actions.filter(Q(commune_id__in=communes) | Q(commune__isnull=True))
        ids = list(actions.values_list("pk", flat=True))
        return Outcome(Decimal(len(ids)), {}, "outreach.advocacyaction", ids)

    return compute


def people_mobilised(communes, start, end) -> Outcome:
    from madina.outreach.models import AdvocacyAction

    actions = AdvocacyAction.objects.filter(held_on__range=(start, end))
    if communes is not None:
        actions = actions.filter(Q(commune_id__in=communes) | Q(commune__isnull=True))
    total = actions.aggregate(total=Sum("people_reached"))["total"] or 0
    ids = list(actions.filter(people_reached__gt=0).values_list("pk", flat=True))
    return Outcome(Decimal(total), {}, "outreach.advocacyaction", ids)


def _suppressed(counter: Counter) -> dict:
    return {str(k): (v if v >= SMALL_CELL else None) for k, v in counter.items() if k is not None}


def incidents_consented(communes, start, end) -> Outcome:
    """Incidents recorded in cases, from consented statistics only; cells under 5 hidden."""
    from madina.cases.selectors import consented_incidents

    incidents = consented_incidents().filter(occurred_on__range=(start, end))
    if communes is not None:
        incidents = incidents.filter(commune_id__in=communes)
    rows = list(incidents.values_list("sex", "age_band", "commune_id"))
    total = len(rows)
    breakdown = {
        "sex": _suppressed(Counter(row[0] for row in rows)),
        "age_band": _suppressed(Counter(row[1] for row in rows)),
        "commune": _suppressed(Counter(row[2] for row in rows)),
    }
    # A total under 5 is itself a small cell: shown as 0 with the breakdown hidden.
    if total < SMALL_CELL:
        return Outcome(Decimal(0), {"suppressed": True})
    return Outcome(Decimal(total), breakdown)


def initiatives_running(communes, start, end) -> Outcome:
    from madina.initiatives.models import Initiative

    initiatives = Initiative.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end),
        Q(end_date__isnull=True) | Q(end_date__gte=start),
    )
    if communes is not None:
        initiatives = initiatives.filter(communes__in=communes)
    ids = sorted(set(initiatives.values_list("pk", flat=True)))
    return Outcome(Decimal(len(ids)), {}, "initiatives.initiative", ids)


def meetings_held(communes, start, end) -> Outcome:
    from madina.meetings.models import Meeting

    meetings = Meeting.objects.filter(starts_at__date__range=(start, end))
    if communes is not None:
        meetings = meetings.filter(Q(commune_id__in=communes) | Q(commune__isnull=True))
    ids = list(meetings.values_list("pk", flat=True))
    return Outcome(Decimal(len(ids)), {}, "meetings.meeting", ids)


def recommendations_implemented(communes, start, end) -> Outcome:
    """Recommendations whose update marking them implemented is dated in the period."""
    from madina.meetings.models import Recommendation, RecommendationUpdate

    updates = RecommendationUpdate.objects.filter(
        on__range=(start, end), state_after=Recommendation.State.IMPLEMENTED
    )
    if communes is not None:
        updates = updates.filter(
            Q(recommendation__meeting__commune_id__in=communes)
            | Q(recommendation__meeting__commune__isnull=True)
        )
    ids = sorted(set(updates.values_list("recommendation_id", flat=True)))
    return Outcome(Decimal(len(ids)), {}, "meetings.recommendation", ids)


SOURCES: dict[str, Source] = {
    source.code: source
    for source in (
        Source(
            "sessions",
            _("awareness sessions held in schools"),
            "number",
            sessions_held,
            breakdowns=("commune",),
        ),
        Source(
            "pupils",
            _("pupils reached by awareness sessions"),
            "number",
            pupils_reached,
            breakdowns=("sex", "age_band", "commune", "group"),
        ),
        Source("schools", _("schools reached"), "number", schools_reached, breakdowns=("commune",)),
        Source("capsules", _("awareness capsules validated"), "number", capsules_produced),
        Source("trainings", _("trainings held"), "number", trainings_held),
        Source(
            "participants",
            _("people trained"),
            "number",
            people_trained,
            breakdowns=("sex", "group"),
        ),
        Source(
            "learning_gain",
            _("average learning gain (% of the top score)"),
            "percent",
            learning_gain,
        ),
        Source("advocacy", _("advocacy actions"), "number", _actions("advocacy")),
        Source("mobilisation", _("mobilisation events"), "number", _actions("mobilisation")),
        Source(
            "people_mobilised",
            _("people reached by advocacy and mobilisation"),
            "number",
            people_mobilised,
        ),
        Source(
            "incidents",
            _("incidents of violence recorded (consented statistics)"),
            "number",
            incidents_consented,
            confidential=True,
            breakdowns=("sex", "age_band", "commune"),
        ),
        Source(
            "initiatives", _("initiatives running in the territory"), "number", initiatives_running
        ),
        Source("meetings", _("coordination meetings held"), "number", meetings_held),
        Source(
            "recommendations_implemented",
            _("recommendations implemented"),
            "number",
            recommendations_implemented,
        ),
    )
}
MANUAL = "manual"


def source_choices() -> list[tuple[str, str]]:
    return [(code, source.label) for code, source in SOURCES.items()] + [
        (MANUAL, _("entered by hand, with evidence"))
    ]
