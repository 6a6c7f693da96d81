"""Reads of capsules, schools and awareness sessions: fetch-and-authorise helpers and figures.

Every signed-in user reads them all (decision 23): 404 only for what does not exist; 403 for
someone who sees a record but may not change it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from madina.actors.models import Organisation
from madina.core.permissions import require
from madina.core.text import search_q
from madina.directory import selectors as directory_selectors
from madina.directory.models import Language
from madina.outreach.models import (
    AdvocacyAction,
    AwarenessSession,
    Capsule,
    CapsuleFile,
    Participant,
    School,
    Training,
)

VIEW = "outreach.view_records"
CHANGE = "outreach.change_records"


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """The organisations whose capsules and sessions ``user`` may add: the same as for services
    (admin or member of the organisation; every organisation for coordinators)."""
    return directory_selectors.organisations_editable_by(user)


# --- Capsules ------------------------------------------------------------------------------------


def capsule_get_for_user(user, pk: int, *, perm: str = VIEW, for_display: bool = False) -> Capsule:
    require(user, VIEW, visible=False)
    queryset = Capsule.objects.select_related("organisation")
    if for_display:
        queryset = queryset.prefetch_related("partners", "files")
    capsule = get_object_or_404(queryset, pk=pk)
    require(user, perm, capsule.organisation)
    return capsule


def capsule_file_get_for_user(user, pk: int, file_pk: int) -> CapsuleFile:
    require(user, VIEW, visible=False)
    return get_object_or_404(CapsuleFile.objects.select_related("capsule"), pk=file_pk, capsule=pk)


def capsule_list(
    *,
    user,
    q: str = "",
    format: str = "",
    topic: str = "",
    audience: str = "",
    language: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[Capsule]:
    """Capsules, filtered; ``q`` matches words of the title in any of its three languages."""
    require(user, VIEW, visible=False)
    queryset = Capsule.objects.all()
    if q.strip():
        # Forgiving: any script, spelling variant or transliteration of the titles.
        queryset = queryset.filter(search_q(q))
    if format:
        queryset = queryset.filter(format=format)
    if topic:
        # The topics are a JSON list of codes; a code in quotes is found in its text on every
        # database (``contains`` on JSON is not available on SQLite).
        queryset = queryset.filter(topics__icontains=f'"{topic}"')
    if audience:
        queryset = queryset.filter(audience=audience)
    if language:
        queryset = queryset.filter(languages__regex=rf"(^| ){language}( |$)")
    if organisation is not None:
        queryset = queryset.filter(Q(organisation=organisation) | Q(partners=organisation))
    return queryset.distinct().select_related("organisation")


def with_labels(capsules):
    """Set ``language_labels`` and ``topic_labels`` on each capsule, for the pages; returned."""
    languages = dict(Language.choices)
    topics = dict(Capsule.Topic.choices)
    for capsule in capsules:
        capsule.language_labels = [str(languages.get(c, c)) for c in capsule.languages.split()]
        capsule.topic_labels = [str(topics.get(t, t)) for t in capsule.topics or []]
    return capsules


def capsule_sessions(capsule: Capsule) -> QuerySet[AwarenessSession]:
    return capsule.sessions.select_related("organisation", "school__commune").order_by(
        "-held_on", "-id"
    )


# --- Schools -------------------------------------------------------------------------------------


def school_get_for_user(user, pk: int, *, for_display: bool = False) -> School:
    require(user, VIEW, visible=False)
    return get_object_or_404(School.objects.select_related("commune__parent"), pk=pk)


def school_get_for_change(user, pk: int) -> School:
    school = school_get_for_user(user, pk)
    require(user, "outreach.change_schools")
    return school


def school_list(*, user, q: str = "", commune=None) -> QuerySet[School]:
    require(user, VIEW, visible=False)
    queryset = School.objects.all()
    if q.strip():
        queryset = queryset.filter(search_q(q))
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    return (
        queryset.select_related("commune")
        .annotate(session_count=Count("sessions"))
        .order_by("name_fr", "name_ar", "id")
    )


def school_sessions(school: School) -> QuerySet[AwarenessSession]:
    return school.sessions.select_related("organisation").prefetch_related("capsules")


# --- Awareness sessions --------------------------------------------------------------------------


def session_get_for_user(
    user, pk: int, *, perm: str = VIEW, for_display: bool = False
) -> AwarenessSession:
    require(user, VIEW, visible=False)
    queryset = AwarenessSession.objects.select_related("organisation", "school__commune")
    if for_display:
        queryset = queryset.prefetch_related("capsules", "audiences")
    session = get_object_or_404(queryset, pk=pk)
    require(user, perm, session.organisation)
    return session


def session_list(
    *,
    user,
    organisation: Organisation | None = None,
    school: School | None = None,
    commune=None,
    capsule: Capsule | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AwarenessSession]:
    require(user, VIEW, visible=False)
    queryset = AwarenessSession.objects.all()
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if school is not None:
        queryset = queryset.filter(school=school)
    if commune is not None:
        queryset = queryset.filter(school__commune=commune)
    if capsule is not None:
        queryset = queryset.filter(pk__in=capsule.sessions.values("pk"))
    if date_from is not None:
        queryset = queryset.filter(held_on__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(held_on__lte=date_to)
    return queryset.select_related("organisation", "school__commune").prefetch_related("capsules")


@dataclass
class SessionTotals:
    sessions: int
    girls: int
    boys: int
    teachers: int

    @property
    def pupils(self) -> int:
        return self.girls + self.boys


def session_totals(sessions: QuerySet[AwarenessSession]) -> SessionTotals:
    figures = sessions.order_by().aggregate(
        sessions=Count("pk"),
        girls=Coalesce(Sum("girls"), 0),
        boys=Coalesce(Sum("boys"), 0),
        teachers=Coalesce(Sum("teachers_present"), 0),
    )
    return SessionTotals(**figures)


# --- The overview --------------------------------------------------------------------------------


@dataclass
class OutreachFigures:
    capsules_in_use: int
    sessions: SessionTotals
    schools_reached: int
    communes_reached: int
    trainings: int
    participants: int
    advocacy_actions: int


def outreach_figures(user) -> OutreachFigures:
    require(user, VIEW, visible=False)
    sessions = AwarenessSession.objects.all()
    return OutreachFigures(
        capsules_in_use=Capsule.objects.filter(is_active=True).count(),
        sessions=session_totals(sessions),
        schools_reached=sessions.order_by().values("school").distinct().count(),
        communes_reached=sessions.order_by().values("school__commune").distinct().count(),
        trainings=Training.objects.count(),
        participants=Participant.objects.count(),
        advocacy_actions=AdvocacyAction.objects.count(),
    )
