"""Reads of coordination spaces: fetch-and-authorise helpers used by pages and the API.

``visible_spaces`` is the rule ``coordination.view_space`` of ``rules.py`` written as one query,
for lists; ``space_get_for_user`` answers 404 to whoever may not see the space and 403 to whoever
sees it but may not do what they asked.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from madina.accounts.rules import is_coordinator
from madina.coordination.models import Space, SpaceMember, SpaceRole
from madina.coordination.rules import member_space_ids, space_roles
from madina.core.audit import trail_for
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.text import search_q

POSITION_ORDER = [choice for choice, _label in SpaceMember.Position.choices]


def visible_spaces(user) -> QuerySet[Space]:
    """Every space ``user`` may see, unfiltered."""
    if is_coordinator(user):
        return Space.objects.all()
    if not user.is_authenticated:
        return Space.objects.filter(visibility=Space.Visibility.PUBLIC)
    taking_part = set(space_roles(user)) | member_space_ids(user)
    return Space.objects.filter(
        Q(visibility__in=[Space.Visibility.PUBLIC, Space.Visibility.TRANSPARENT])
        | Q(pk__in=taking_part)
    )


def my_space_ids(user) -> set[int]:
    return set(space_roles(user)) | member_space_ids(user)


def space_list(
    *,
    user,
    q: str = "",
    type: str = "",
    visibility: str = "",
    area=None,
    mine: bool = False,
    include_closed: bool = True,
) -> QuerySet[Space]:
    """The spaces ``user`` may see, filtered; costs the same number of queries for 3 or 300.

    ``q`` is forgiving (any script, any spelling, as for organisations). ``area`` matches a space
    whose territory is that area, one above it, or one below it (a commune finds the spaces of
    its province and region; a province finds those of its communes).
    """
    queryset = visible_spaces(user)
    if q.strip():
        queryset = queryset.filter(search_q(q))
    if type:
        queryset = queryset.filter(type=type)
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if area is not None:
        ancestors = [area.pk]
        if area.parent_id:
            ancestors.append(area.parent_id)
            if area.parent.parent_id:
                ancestors.append(area.parent.parent_id)
        queryset = queryset.filter(
            pk__in=Space.objects.filter(
                Q(territory__in=ancestors) | Q(territory__parent=area)
            ).values("pk")
        )
    if mine:
        queryset = queryset.filter(pk__in=my_space_ids(user))
    if not include_closed:
        queryset = queryset.filter(closed_on__isnull=True)
    return queryset.select_related("parent").prefetch_related("territory")


def space_get_for_user(
    user, pk: int, *, perm: str = "coordination.view_space", for_display: bool = False
) -> Space:
    """The space ``pk`` if ``user`` may do ``perm`` on it (404 if not visible, else 403)."""
    queryset = Space.objects.all()
    if for_display:
        queryset = queryset.select_related("parent").prefetch_related("territory__parent")
    space = get_object_or_404(queryset, pk=pk)
    require(user, perm, space, visible=user.has_perm("coordination.view_space", space))
    return space


def space_members(space: Space, *, current_only: bool = False) -> QuerySet[SpaceMember]:
    """The space's members, chair first, with their organisations and delegates."""
    queryset = space.members.select_related("organisation").prefetch_related("delegates")
    if current_only:
        queryset = queryset.current()
    return queryset.order_by("end_date", "start_date", "pk")


def members_by_position(space: Space) -> tuple[list[tuple[str, list]], list[SpaceMember]]:
    """Members not yet ended grouped by position (chair first), and former ones, newest first."""
    current, former = {}, []
    for member in space_members(space):
        if member.has_ended:
            former.append(member)
        else:
            current.setdefault(member.position, []).append(member)
    groups = [
        (SpaceMember.Position(position).label, current[position])
        for position in POSITION_ORDER
        if position in current
    ]
    former.sort(key=lambda member: member.end_date, reverse=True)
    return groups, former


def member_get_for_user(user, space: Space, pk: int) -> SpaceMember:
    """A member of ``space`` that ``user`` may change (404 if it belongs to another space)."""
    require(
        user,
        "coordination.manage_members",
        space,
        visible=user.has_perm("coordination.view_space", space),
    )
    return get_object_or_404(SpaceMember, space=space, pk=pk)


def visible_children(user, space: Space) -> QuerySet[Space]:
    return visible_spaces(user).filter(parent=space)


def space_roles_list(space: Space) -> QuerySet[SpaceRole]:
    return space.roles.active().select_related("user").order_by("role", "user__full_name")


def role_get_for_user(user, space: Space, pk: int) -> SpaceRole:
    require(
        user,
        "coordination.manage_roles",
        space,
        visible=user.has_perm("coordination.view_space", space),
    )
    return get_object_or_404(SpaceRole.objects.active(), space=space, pk=pk)


def space_audit_trail(*, user, space: Space) -> QuerySet[AuditEvent]:
    """The space's history with its members' and roles', newest first."""
    require(
        user,
        "coordination.view_space_audit",
        space,
        visible=user.has_perm("coordination.view_space", space),
    )
    members = AuditEvent.objects.filter(
        object_type=SpaceMember._meta.label_lower,
        object_id__in=[str(pk) for pk in space.members.values_list("pk", flat=True)],
    )
    roles = AuditEvent.objects.filter(
        object_type=SpaceRole._meta.label_lower,
        object_id__in=[str(pk) for pk in space.roles.values_list("pk", flat=True)],
    )
    return (trail_for(space) | members | roles).select_related("actor")
