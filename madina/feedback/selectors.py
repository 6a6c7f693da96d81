"""Reads of feedback: the inbox, fetch-and-authorise, the export, the public figures and the
status check.

Sensitive feedback leaves this module only through ``feedback_visible_to`` and
``feedback_get_for_user`` (for its team) and ``status_lookup`` (status and answer only, for the
holder of the code). The export and the public figures start from non-sensitive feedback.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import Organisation
from madina.core.permissions import require
from madina.feedback.models import Feedback, SensitiveTeamMember, YouSaidWeDid, normalise_reference
from madina.feedback.rules import sensitive_team_ids

VIEW = "feedback.view_feedback"
HANDLE = "feedback.handle_feedback"
SMALL_CELL = 5  # public counts below this are shown as "<5"
PUBLIC_MONTHS = 12


def feedback_visible_to(user) -> QuerySet[Feedback]:
    require(user, "feedback.view_inbox", visible=False)
    team_ids, coordination = sensitive_team_ids(user)
    sensitive = Q(is_sensitive=True, organisation_id__in=team_ids)
    if coordination:
        sensitive |= Q(is_sensitive=True, organisation__isnull=True)
    if is_coordinator(user):
        ordinary = Q(is_sensitive=False)
    else:
        ordinary = Q(is_sensitive=False, organisation_id__in=organisation_ids(user))
    return Feedback.objects.filter(ordinary | sensitive)


def feedback_list(
    *,
    user,
    type: str = "",
    category: str = "",
    status: str = "",
    commune=None,
    sensitive: str = "",
) -> QuerySet[Feedback]:
    queryset = feedback_visible_to(user).select_related("organisation", "commune", "assigned_to")
    if type:
        queryset = queryset.filter(type=type)
    if category:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if sensitive == "yes":
        queryset = queryset.filter(is_sensitive=True)
    elif sensitive == "no":
        queryset = queryset.filter(is_sensitive=False)
    return queryset


def feedback_get_for_user(user, pk: int, *, perm: str = VIEW) -> Feedback:
    """404 for whoever may not read it (sensitive items included); 403 when they may read it
    but not do what they asked."""
    feedback = (
        Feedback.objects.select_related("organisation", "commune", "assigned_to", "entered_by")
        .filter(pk=pk)
        .first()
    )
    if feedback is None:
        raise Http404
    require(user, VIEW, feedback, visible=False)
    require(user, perm, feedback)
    return feedback


def feedback_events(feedback: Feedback):
    return feedback.events.select_related("actor", "organisation", "assigned_to")


def feedback_export(*, user, **filters) -> QuerySet[Feedback]:
    """What the export holds: the user's non-sensitive feedback, whatever the filters say."""
    filters.pop("sensitive", None)
    return feedback_list(user=user, **filters).filter(is_sensitive=False).order_by("created_at")


def can_see_sensitive(user) -> bool:
    team_ids, coordination = sensitive_team_ids(user)
    return bool(team_ids) or coordination


# --- Sensitive teams -----------------------------------------------------------------------------


def teams_managed_by(user) -> list[tuple[Organisation | None, list[SensitiveTeamMember]]]:
    """The teams ``user`` manages, each with its members: the coordination's first."""
    if is_coordinator(user):
        organisations = list(Organisation.objects.filter(is_active=True))
    else:
        from madina.accounts.models import Membership

        admin_of = Membership.objects.active().filter(user=user, role=Membership.Role.ADMIN)
        organisations = list(Organisation.objects.filter(pk__in=admin_of.values("organisation_id")))
    members = defaultdict(list)
    for member in SensitiveTeamMember.objects.select_related("user"):
        members[member.organisation_id].append(member)
    teams: list[tuple[Organisation | None, list[SensitiveTeamMember]]] = []
    if is_coordinator(user):
        teams.append((None, members[None]))
    teams += [(organisation, members[organisation.pk]) for organisation in organisations]
    return teams


def team_member_get_for_user(user, pk: int) -> SensitiveTeamMember:
    member = (
        SensitiveTeamMember.objects.select_related("organisation", "user").filter(pk=pk).first()
    )
    if member is None:
        raise Http404
    require(user, "feedback.manage_sensitive_team", member.organisation, visible=False)
    return member


# --- Public --------------------------------------------------------------------------------------


def status_lookup(code: str) -> Feedback | None:
    """The feedback with this code, or None. One query whatever the input, so that an unknown or
    malformed code takes the same path as a known one."""
    return (
        Feedback.objects.only(
            "reference",
            "status",
            "created_at",
            "acknowledged_at",
            "answered_at",
            "closed_at",
            "response",
            "answer_by",
        )
        .filter(reference=normalise_reference(code))
        .first()
    )


@dataclass
class FigureRow:
    label: str
    cells: list[str]
    total: str


def _shown(count: int) -> str:
    return "<5" if 0 < count < SMALL_CELL else str(count)


def _months(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _step in range(PUBLIC_MONTHS):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def public_figures() -> dict:
    """Feedback by type and by subject per month over the last year, non-sensitive only; cells of
    fewer than five are shown as "<5" (and totals too, computed from the exact counts)."""
    months = _months(timezone.localdate())
    since = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    base = Feedback.objects.filter(is_sensitive=False, created_at__gte=since).annotate(
        month=TruncMonth("created_at")
    )
    tables = {}
    for field, enum in (("type", Feedback.Type), ("category", Feedback.Category)):
        counts: dict[tuple[str, datetime.date], int] = {}
        for row in base.values("month", field).annotate(n=Count("id")):
            month = row["month"]
            if isinstance(month, datetime.datetime):
                month = (
                    timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
                )
            counts[(row[field], month.replace(day=1))] = row["n"]
        rows = []
        for value, label in enum.choices:
            cells = [counts.get((value, month), 0) for month in months]
            rows.append(FigureRow(str(label), [_shown(n) for n in cells], _shown(sum(cells))))
        tables[field] = rows
    return {
        "months": months,
        "by_type": tables["type"],
        "by_category": tables["category"],
        "total": _shown(base.count()),
    }


def you_said_published() -> QuerySet[YouSaidWeDid]:
    return YouSaidWeDid.objects.filter(is_published=True)


def you_said_all(user) -> QuerySet[YouSaidWeDid]:
    require(user, "feedback.manage_you_said", visible=False)
    return YouSaidWeDid.objects.all()


def you_said_get_for_user(user, pk: int) -> YouSaidWeDid:
    require(user, "feedback.manage_you_said", visible=False)
    entry = YouSaidWeDid.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry
