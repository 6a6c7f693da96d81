"""Reads of meetings and recommendations: fetch-and-authorise helpers for pages and the API.

``visible_meetings`` is the rule ``meetings.view_meeting`` written as one query (tests check that
they agree). A ``*_get_for_user`` answers 404 to whoever may not see the record and 403 to whoever
sees it but may not do what they asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import Sector
from madina.coordination.models import ProgrammeItem, Space
from madina.coordination.programme_selectors import Node, lead_of, rollup, visible_items
from madina.coordination.rules import space_roles
from madina.coordination.selectors import my_space_ids
from madina.core.permissions import require
from madina.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesFile,
    Recommendation,
    RecommendationAction,
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
    user,
    pk: int,
    *,
    perm: str = "meetings.view_meeting",
    for_display: bool = False,
    visible_perm: str = "meetings.view_meeting",
) -> Meeting:
    """The meeting ``pk`` if ``user`` may do ``perm`` on it (404 if they may not do
    ``visible_perm``, else 403)."""
    queryset = Meeting.objects.select_related("space", "commune", "organiser")
    if for_display:
        queryset = queryset.prefetch_related("co_organisers")
    meeting = get_object_or_404(queryset, pk=pk)
    require(user, perm, meeting, visible=user.has_perm(visible_perm, meeting))
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


def minutes_files(minutes: Minutes | None) -> list[MinutesFile]:
    """The documents and photos of minutes the reader may read (see ``minutes_for_user``)."""
    return [] if minutes is None else list(minutes.files.all())


def minutes_file_get_for_user(user, pk: int, *, perm: str = "meetings.view_meeting") -> MinutesFile:
    """A file of the minutes for whoever may read those minutes (else 404), and do ``perm`` on
    the meeting (else 403). Unpublished minutes' files are read only by their editors."""
    attachment = get_object_or_404(
        MinutesFile.objects.select_related("minutes__meeting__space"), pk=pk
    )
    meeting = attachment.minutes.meeting
    readable = user.has_perm("meetings.view_meeting", meeting) and (
        attachment.minutes.is_published
        or user.has_perm("meetings.view_unpublished_minutes", meeting)
    )
    if not readable:
        raise Http404
    require(user, perm, meeting)
    return attachment


def update_evidence_get_for_user(user, pk: int) -> RecommendationUpdate:
    """An update with an evidence file, for whoever may see its recommendation (else 404)."""
    update = get_object_or_404(
        RecommendationUpdate.objects.select_related("recommendation__meeting__space").exclude(
            evidence_file=""
        ),
        pk=pk,
    )
    if not user.has_perm("meetings.view_recommendation", update.recommendation):
        raise Http404
    return update


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


# --- Actions that implement a recommendation ---------------------------------------------------


@dataclass
class LinkedAction:
    action: ProgrammeItem
    progress: float | None
    visible: bool = True

    @property
    def link_id(self) -> int | None:
        return getattr(self.action, "link_id", None)

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)

    @property
    def lead(self):
        return lead_of(self.action)


@dataclass
class Implementation:
    """A recommendation's actions as ``user`` may see them, and its progress over all of them."""

    rows: list[LinkedAction]
    hidden: int
    progress: float | None

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)


def action_progress(action: ProgrammeItem) -> float | None:
    """An action's progress as its programme's tree computes it (milestones prefetched)."""
    node = Node(item=action, children=[Node(item=child) for child in action.children.all()])
    return rollup(node, action.programme.rollup)


def average_progress(rows: list[LinkedAction]) -> float | None:
    """The plain average of the actions that are not dropped and have a progress, or None."""
    counted = [
        row.progress
        for row in rows
        if row.action.status != ProgrammeItem.Status.DROPPED and row.progress is not None
    ]
    return sum(counted) / len(counted) if counted else None


def _linked_actions() -> QuerySet[ProgrammeItem]:
    return ProgrammeItem.objects.select_related("programme__space").prefetch_related(
        "responsibilities__organisation", "children"
    )


def recommendation_progress(recommendation: Recommendation) -> float | None:
    """The average progress of every action linked to ``recommendation`` (None if none counts)."""
    actions = _linked_actions().filter(recommendation_links__recommendation=recommendation)
    return average_progress([LinkedAction(a, action_progress(a)) for a in actions])


def implementation(user, recommendation: Recommendation) -> Implementation:
    """The actions linked to ``recommendation``, in a fixed number of queries.

    Its progress counts every linked action (it is a fact about the recommendation); the rows
    list only those ``user`` may see (``coordination.view_item``), the others are counted.
    """
    actions = list(
        _linked_actions()
        .filter(recommendation_links__recommendation=recommendation)
        .annotate(link_id=F("recommendation_links__pk"))
        .order_by("programme__title", "code", "pk")
    )
    seen = set(
        visible_items(user).filter(pk__in=[a.pk for a in actions]).values_list("pk", flat=True)
    )
    rows = [LinkedAction(a, action_progress(a), a.pk in seen) for a in actions]
    return Implementation(
        rows=[row for row in rows if row.visible],
        hidden=sum(1 for row in rows if not row.visible),
        progress=average_progress(rows),
    )


def linkable_actions(user, recommendation: Recommendation) -> QuerySet[ProgrammeItem]:
    """Actions ``user`` may see and that are not linked yet: what the link form offers."""
    linked = RecommendationAction.objects.filter(recommendation=recommendation).values("action_id")
    return (
        visible_items(user)
        .filter(kind=ProgrammeItem.Kind.ACTION)
        .exclude(pk__in=linked)
        .select_related("programme__space")
        .order_by("programme__space__name_fr", "programme__title", "code", "pk")
    )
