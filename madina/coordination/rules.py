"""Who may see and change coordination spaces (docs/decisions/0012).

Seeing a space depends on its visibility and on whether the user *takes part* in it: their
organisation is a current member, or they hold a space role. Changing it depends only on space
roles and on the platform's coordinators; an organisation's seat in a space gives no right to edit.
A request made with an organisation's API token acts for that organisation only: it carries no
platform role (accounts/rules.py) and no personal space role.
"""

from __future__ import annotations

import rules

from madina.accounts.models import Membership
from madina.accounts.rules import (
    _roles,
    _token_scoped,
    is_coordinator,
    is_signed_in,
    organisation_ids,
)


def space_roles(user) -> dict[int, str]:
    """The user's active role in each space, read once per request; none under an API token."""
    if not user.is_authenticated or _token_scoped(user):
        return {}
    cache = getattr(user, "_madina_space_roles", None)
    if cache is None:
        from madina.coordination.models import SpaceRole

        cache = dict(SpaceRole.objects.active().filter(user=user).values_list("space_id", "role"))
        user._madina_space_roles = cache
    return cache


def member_space_ids(user) -> set[int]:
    """Spaces where one of the user's organisations currently sits, read once per request."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_madina_member_spaces", None)
    if cache is None:
        from madina.coordination.models import SpaceMember

        cache = set(
            SpaceMember.objects.current()
            .filter(organisation_id__in=organisation_ids(user))
            .values_list("space_id", flat=True)
        )
        user._madina_member_spaces = cache
    return cache


def forget_space_access(user) -> None:
    """Drop the per-request caches after a write that changes who takes part."""
    for name in ("_madina_space_roles", "_madina_member_spaces"):
        user.__dict__.pop(name, None)


def _role(user, space) -> str | None:
    if space is None or space.pk is None:
        return None
    return space_roles(user).get(space.pk)


@rules.predicate
def is_public(user, space) -> bool:
    return space is not None and space.visibility == space.Visibility.PUBLIC


@rules.predicate
def is_transparent(user, space) -> bool:
    return space is not None and space.visibility == space.Visibility.TRANSPARENT


@rules.predicate
def takes_part(user, space) -> bool:
    """A current member organisation's person (read-only included), or a space role holder."""
    if space is None or space.pk is None:
        return False
    return _role(user, space) is not None or space.pk in member_space_ids(user)


@rules.predicate
def is_space_admin(user, space) -> bool:
    return _role(user, space) == "admin"


@rules.predicate
def is_space_editor(user, space) -> bool:
    return _role(user, space) in {"admin", "editor"}


@rules.predicate
def holds_space_role(user, space) -> bool:
    return _role(user, space) is not None


# The record of the space (name, purpose, territory, members): public spaces to everyone,
# transparent ones to every signed-in user, private ones to those who take part.
rules.add_perm(
    "coordination.view_space",
    is_coordinator | is_public | (is_signed_in & is_transparent) | takes_part,
)
# What the later parts hang off a space (programmes, meetings, recommendations, documents):
# a transparent space keeps it to those who take part.
rules.add_perm("coordination.view_space_content", is_coordinator | is_public | takes_part)
rules.add_perm("coordination.add_space", is_coordinator)
rules.add_perm("coordination.change_space", is_coordinator | is_space_editor)
rules.add_perm("coordination.close_space", is_coordinator | is_space_admin)
rules.add_perm("coordination.manage_members", is_coordinator | is_space_editor)
rules.add_perm("coordination.view_roles", is_coordinator | holds_space_role)
rules.add_perm("coordination.manage_roles", is_coordinator | is_space_admin)
rules.add_perm("coordination.view_space_audit", is_coordinator | is_space_admin)


# --- Programmes (docs/decisions/0014) ----------------------------------------------------------
# A programme is the space's content: seeing it is ``coordination.view_space_content`` on its
# space. Its editors and admins (and coordinators) change its structure and its responsibility
# matrix; the lead organisation's people (read-only excepted) and the space's editors update an
# action's status; a consulted organisation's people (read-only excepted) answer its reviews.


def lead_organisation_id(item) -> int | None:
    """The accountable organisation of an action, or of the action a milestone belongs to."""
    if item is None or item.pk is None:
        return None
    if not hasattr(item, "_madina_lead_id"):
        from madina.coordination.models import ProgrammeItem, Responsibility

        action_id = item.parent_id if item.kind == ProgrammeItem.Kind.MILESTONE else item.pk
        item._madina_lead_id = (
            Responsibility.objects.filter(item_id=action_id, role=Responsibility.Role.ACCOUNTABLE)
            .values_list("organisation_id", flat=True)
            .first()
        )
    return item._madina_lead_id


def _item_space(item):
    return item.programme.space if item is not None else None


@rules.predicate
def is_editor_of_item_space(user, item) -> bool:
    return is_space_editor(user, _item_space(item))


_EDITING_ROLES = {Membership.Role.ADMIN, Membership.Role.MEMBER}


@rules.predicate
def works_for_the_lead(user, item) -> bool:
    lead = lead_organisation_id(item)
    if lead is None:
        return False
    return _roles(user).get(lead) in _EDITING_ROLES


@rules.predicate
def works_for_the_reviewer(user, review) -> bool:
    if review is None:
        return False
    return _roles(user).get(review.organisation_id) in _EDITING_ROLES


rules.add_perm("coordination.change_programmes", is_coordinator | is_space_editor)
rules.add_perm(
    "coordination.update_item_status",
    is_coordinator | is_editor_of_item_space | works_for_the_lead,
)
rules.add_perm("coordination.answer_review", works_for_the_reviewer)


@rules.predicate
def named_in_matrix(user, item) -> bool:
    """One of the user's organisations has a role in the action (or the milestone's action)."""
    if item is None or item.pk is None:
        return False
    from madina.coordination.models import ProgrammeItem, Responsibility

    action_id = item.parent_id if item.kind == ProgrammeItem.Kind.MILESTONE else item.pk
    return Responsibility.objects.filter(
        item_id=action_id, organisation_id__in=organisation_ids(user)
    ).exists()


@rules.predicate
def sees_item_space_content(user, item) -> bool:
    return item is not None and user.has_perm("coordination.view_space_content", _item_space(item))


# An action is seen by whoever sees its space's content, and by the organisations its matrix
# names (a lead from outside a private space must still see and update what it leads).
rules.add_perm("coordination.view_item", sees_item_space_content | named_in_matrix)


# --- Evidence files on actions and milestones -------------------------------------------------
# Adding one: whoever may update the item's status (its lead's people, read-only excepted) or
# change the programme (the space's editors and admins, coordinators). Seeing and downloading:
# whoever sees the item. Removing: the person who added it while they may still add evidence to
# the item, the space's editors and admins, coordinators.


@rules.predicate
def added_the_evidence(user, evidence) -> bool:
    return (
        evidence is not None
        and user.is_authenticated
        and evidence.uploaded_by_id == user.pk
        and user.has_perm("coordination.update_item_status", evidence.item)
    )


@rules.predicate
def is_editor_of_evidence_space(user, evidence) -> bool:
    return evidence is not None and is_editor_of_item_space(user, evidence.item)


rules.add_perm(
    "coordination.add_evidence",
    is_coordinator | is_editor_of_item_space | works_for_the_lead,
)
rules.add_perm(
    "coordination.remove_evidence",
    is_coordinator | is_editor_of_evidence_space | added_the_evidence,
)
