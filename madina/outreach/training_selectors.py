"""Reads of trainings and advocacy actions: fetch-and-authorise helpers, lists and summaries.

Every signed-in user sees trainings and actions; a training's participants (names, functions,
scores) only people with ``outreach.view_participants`` on the organising organisation. Others
get the counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from madina.core.permissions import require
from madina.directory.selectors import organisations_editable_by
from madina.outreach.models import AdvocacyAction, Participant, Training
from madina.outreach.training_services import training_days

VIEW = "outreach.view_records"
VIEW_PARTICIPANTS = "outreach.view_participants"
CHANGE = "outreach.change_records"

__all__ = [
    "advocacy_get_for_user",
    "advocacy_list",
    "organisations_editable_by",
    "participant_get_for_user",
    "training_get_for_user",
    "training_list",
    "training_participants",
    "training_summary",
    "trainings_totals",
]

_FEMALE = Q(participants__sex=Participant.Sex.FEMALE)
_MALE = Q(participants__sex=Participant.Sex.MALE)
_SCORED = Q(participants__pre_score__isnull=False, participants__post_score__isnull=False)


def _float(expression):
    return Cast(expression, FloatField())


def training_get_for_user(user, pk: int, *, perm: str = VIEW) -> Training:
    """The training ``pk`` if ``user`` may do ``perm`` on it: 404 if it does not exist, else 403."""
    require(user, VIEW, visible=False)
    training = get_object_or_404(Training.objects.select_related("organisation", "commune"), pk=pk)
    require(user, perm, training.organisation)
    return training


def participant_get_for_user(
    user, training_pk: int, participant_pk: int, *, perm: str = VIEW_PARTICIPANTS
) -> Participant:
    """A participant of the training, for someone who may see (or change) its participants."""
    training = training_get_for_user(user, training_pk, perm=perm)
    participant = get_object_or_404(
        Participant.objects.select_related("organisation"), training=training, pk=participant_pk
    )
    participant.training = training
    return participant


def _period(queryset: QuerySet, since, until, *, start: str, end: str) -> QuerySet:
    if since is not None:
        queryset = queryset.filter(**{f"{end}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{start}__lte": until})
    return queryset


def training_list(
    *,
    user,
    topic: str = "",
    organisation=None,
    commune=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Training]:
    """Trainings, filtered, each with its participants by sex and its average gain.

    ``since``/``until`` keep the trainings that took place, even partly, in the period.
    """
    require(user, VIEW, visible=False)
    queryset = Training.objects.all()
    if topic:
        queryset = queryset.filter(topic=topic)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    queryset = _period(queryset, since, until, start="starts_on", end="ends_on")
    return (
        queryset.select_related("organisation", "commune")
        .annotate(
            women=Count("participants", filter=_FEMALE),
            men=Count("participants", filter=_MALE),
            gain_average=Avg(
                _float(F("participants__post_score")) - _float(F("participants__pre_score")),
                filter=_SCORED,
            ),
            gain_percent=Avg(
                (_float(F("participants__post_score")) - _float(F("participants__pre_score")))
                * 100.0
                / _float(F("max_score")),
                filter=_SCORED,
            ),
        )
        .order_by("-starts_on", "-id")
    )


def trainings_totals(trainings: QuerySet[Training]) -> dict:
    """How many trainings and participants (by sex), and the average gain as % of the max."""
    participants = Participant.objects.filter(training__in=trainings.values("pk"))
    totals = participants.aggregate(
        women=Count("pk", filter=Q(sex=Participant.Sex.FEMALE)),
        men=Count("pk", filter=Q(sex=Participant.Sex.MALE)),
        gain_percent=Avg(
            (_float(F("post_score")) - _float(F("pre_score")))
            * 100.0
            / _float(F("training__max_score")),
            filter=Q(pre_score__isnull=False, post_score__isnull=False),
        ),
    )
    totals["trainings"] = trainings.count()
    totals["participants"] = totals["women"] + totals["men"]
    return totals


def training_participants(training: Training) -> list[Participant]:
    """The participants, each with ``days_present``."""
    return list(
        training.participants.select_related("organisation").annotate(
            days_present=Count("attendance")
        )
    )


@dataclass
class TrainingSummary:
    women: int
    men: int
    scored: int
    pre_average: Decimal | None
    post_average: Decimal | None
    gain_average: Decimal | None
    pre_percent: Decimal | None
    post_percent: Decimal | None
    gain_percent: Decimal | None
    days: int
    attendance_rate: Decimal | None

    @property
    def participants(self) -> int:
        return self.women + self.men


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


def _percent(value: Decimal | None, of: int) -> Decimal | None:
    if value is None or not of:
        return None
    return (value * 100 / of).quantize(Decimal("1"))


def training_summary(training: Training, participants: list[Participant]) -> TrainingSummary:
    """Counts, averages of the scored participants (both tests) and the attendance rate."""
    scored = [p for p in participants if p.pre_score is not None and p.post_score is not None]
    pre = _average([p.pre_score for p in scored])
    post = _average([p.post_score for p in scored])
    gain = _average([p.post_score - p.pre_score for p in scored])
    days = len(training_days(training))
    present = sum(p.days_present for p in participants)
    rate = None
    if participants:
        rate = (Decimal(present) * 100 / (len(participants) * days)).quantize(Decimal("1"))
    return TrainingSummary(
        women=sum(1 for p in participants if p.sex == Participant.Sex.FEMALE),
        men=sum(1 for p in participants if p.sex == Participant.Sex.MALE),
        scored=len(scored),
        pre_average=pre,
        post_average=post,
        gain_average=gain,
        pre_percent=_percent(pre, training.max_score),
        post_percent=_percent(post, training.max_score),
        gain_percent=_percent(gain, training.max_score),
        days=days,
        attendance_rate=rate,
    )


# -- advocacy and mobilisation -----------------------------------------------------------------


def advocacy_get_for_user(user, pk: int, *, perm: str = VIEW) -> AdvocacyAction:
    require(user, VIEW, visible=False)
    action = get_object_or_404(
        AdvocacyAction.objects.select_related("organisation", "commune"), pk=pk
    )
    require(user, perm, action.organisation)
    return action


def advocacy_list(
    *,
    user,
    kind: str = "",
    organisation=None,
    outcome: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AdvocacyAction]:
    require(user, VIEW, visible=False)
    queryset = AdvocacyAction.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    queryset = _period(queryset, since, until, start="held_on", end="held_on")
    return queryset.select_related("organisation", "commune")
