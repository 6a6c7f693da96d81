"""Reads of meetings and recommendations: fetch-and-authorise helpers for pages and the API.

``visible_meetings`` is the rule ``meetings.view_meeting`` written as one query (tests check that
they agree). A ``*_get_for_user`` answers 404 to whoever may not see the record and 403 to whoever
sees it but may not do what they asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import Sector
from madina.coordination.models import Space
from madina.coordination.rules import space_roles
from madina.coordination.selectors import my_space_ids
from madina.core.permissions import require
from madina.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    Recommendation,
    RecommendationUpdate,
    Session,
    Speaker,
)


def content_spaces_q(user, prefix: str = "") -> Q:
    """Spaces whose content ``user`` may see (``coordination.view_space_content``) as a filter."""
    if is_coordinator(user):
        return Q()
    public = Q(**{f"{prefix}visibility": Space.Visibility.PUBLIC})
    if not user.is_authenticated:
        return public
    return public | Q(**{f"{prefix}pk__in": my_space_ids(user)})


def managed_space_ids(user) -> set[int] | None:
    """Spaces where ``user`` may create meetings; ``None`` means all of them (coordinators)."""
    if is_coordinator(user):
        return None
    return set(space_roles(user))


def visible_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        space__in=Space.objects.filter(content_spaces_q(user)).values("pk")
    )


def meeting_list(
    *, user, space: Space | None = None, when: str = "", mine: bool = False
) -> QuerySet[Meeting]:
    """Meetings ``user`` may see: upcoming ones soonest first, past ones latest first."""
    queryset = visible_meetings(user).select_related("space", "commune", "organiser")
    if space is not None:
        queryset = queryset.filter(space=space)
    if mine:
        queryset = queryset.filter(space_id__in=my_space_ids(user))
    now = timezone.now()
    if when == "upcoming":
        return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if when == "past":
        return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return queryset.order_by("-starts_at", "-pk")


def meeting_get_for_user(
    user, pk: int, *, perm: str = "meetings.view_meeting", for_display: bool = False
) -> Meeting:
    """The meeting ``pk`` if ``user`` may do ``perm`` on it (404 if not visible, else 403)."""
    queryset = Meeting.objects.select_related("space", "commune", "organiser")
    if for_display:
        queryset = queryset.prefetch_related("co_organisers")
    meeting = get_object_or_404(queryset, pk=pk)
    require(user, perm, meeting, visible=user.has_perm("meetings.view_meeting", meeting))
    return meeting


def space_for_meetings(user, pk: int, *, perm: str = "meetings.view_meeting") -> Space:
    """A space whose meetings ``user`` may see (404), or change when ``perm`` says so (403)."""
    space = get_object_or_404(Space, pk=pk)
    require(user, perm, space, visible=user.has_perm("meetings.view_meeting", space))
    return space


@dataclass
class AgendaRow:
    item: AgendaItem
    depth: int
    number: str


def agenda_rows(meeting: Meeting) -> list[AgendaRow]:
    """The agenda as a flat list in reading order, with each item's depth and number (2.1)."""
    items = list(meeting.agenda_items.all())
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    rows: list[AgendaRow] = []

    def walk(parent_id, depth, prefix):
        for rank, item in enumerate(children.get(parent_id, []), start=1):
            number = f"{prefix}{rank}"
            rows.append(AgendaRow(item, depth, number))
            walk(item.pk, depth + 1, f"{number}.")

    walk(None, 0, "")
    return rows


def sessions_with_speakers(meeting: Meeting) -> QuerySet[Session]:
    speakers = Speaker.objects.select_related("affiliation")
    return meeting.sessions.select_related("agenda_item").prefetch_related(
        Prefetch("speakers", queryset=speakers)
    )


@dataclass
class AttendanceTable:
    rows: list[Attendance] = field(default_factory=list)
    women: int = 0
    men: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.other


def attendance_table(meeting: Meeting) -> AttendanceTable:
    """Attendance per organisation (largest first) with the totals by sex."""
    rows = list(meeting.attendance.select_related("organisation"))
    rows.sort(key=lambda row: (-row.total, row.organisation.name))
    table = AttendanceTable(rows=rows)
    for row in rows:
        table.women += row.women
        table.men += row.men
        table.other += row.other
    return table


def minutes_for_user(user, meeting: Meeting) -> Minutes | None:
    """The minutes if they exist and ``user`` may read them (published, or they edit them)."""
    minutes = Minutes.objects.filter(meeting=meeting).select_related("published_by").first()
    if minutes is None:
        return None
    if minutes.is_published or user.has_perm("meetings.view_unpublished_minutes", meeting):
        return minutes
    return None


def _recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related(
        "meeting__space", "session", "theme"
    ).prefetch_related("addressees")


def meeting_recommendations(meeting: Meeting) -> QuerySet[Recommendation]:
    return _recommendations().filter(meeting=meeting).order_by("number")


def visible_recommendations(user) -> QuerySet[Recommendation]:
    """The rule ``meetings.view_recommendation`` as one query: the space's, or addressed to me."""
    visible = Q(meeting__in=visible_meetings(user).values("pk"))
    if user.is_authenticated and not is_coordinator(user):
        visible |= Q(addressees__in=organisation_ids(user))
    return Recommendation.objects.filter(visible)


def public_recommendations() -> QuerySet[Recommendation]:
    """What anyone may follow without signing in (the rule ``view_public_recommendation``)."""
    return Recommendation.objects.filter(
        is_public=True, meeting__space__visibility=Space.Visibility.PUBLIC
    ).exclude(state=Recommendation.State.DRAFT)


def recommendation_list(
    *,
    user,
    space: Space | None = None,
    theme=None,
    addressee=None,
    state: str = "",
    public_only: bool = False,
) -> QuerySet[Recommendation]:
    """Recommendations ``user`` may see, filtered; the same number of queries for 5 or 500."""
    base = public_recommendations() if public_only else visible_recommendations(user)
    queryset = _recommendations().filter(pk__in=base.values("pk"))
    if space is not None:
        queryset = queryset.filter(meeting__space=space)
    if theme is not None:
        queryset = queryset.filter(theme=theme)
    if addressee is not None:
        queryset = queryset.filter(addressees=addressee)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-meeting__starts_at", "meeting_id", "number")


def recommendation_get_for_user(
    user, pk: int, *, perm: str = "meetings.view_recommendation"
) -> Recommendation:
    recommendation = get_object_or_404(_recommendations(), pk=pk)
    require(
        user,
        perm,
        recommendation,
        visible=user.has_perm("meetings.view_recommendation", recommendation),
    )
    return recommendation


def public_recommendation_get(pk: int) -> Recommendation:
    """A recommendation anyone may follow, or 404 (drafts, private spaces, not marked public)."""
    recommendation = get_object_or_404(_recommendations(), pk=pk)
    if not is_public(recommendation):
        raise Http404
    return recommendation


def is_public(recommendation: Recommendation) -> bool:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser().has_perm("meetings.view_public_recommendation", recommendation)


def recommendation_updates(recommendation: Recommendation) -> QuerySet[RecommendationUpdate]:
    return recommendation.updates.all()


def child_get(meeting: Meeting, model, pk: int):
    """A record of ``meeting`` (agenda item, session…); another meeting's id gives 404."""
    if model is Speaker:
        return get_object_or_404(
            Speaker.objects.select_related("session"), session__meeting=meeting, pk=pk
        )
    return get_object_or_404(model, meeting=meeting, pk=pk)


def themes() -> QuerySet[Sector]:
    """The themes a recommendation may take: the national strategy's programmes."""
    return Sector.objects.filter(parent__isnull=True, is_active=True).order_by("code")
