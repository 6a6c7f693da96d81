"""Who may see and change coordination spaces (docs/decisions/0012).

Seeing a space depends on its visibility and on whether the user *takes part* in it: their
organisation is a current member, or they hold a space role. Changing it depends only on space
roles and on the platform's coordinators; an organisation's seat in a space gives no right to edit.
A request made with an organisation's API token acts for that organisation only: it carries no
platform role (accounts/rules.py) and no personal space role.
"""

from __future__ import annotations

import rules

from madina.accounts.rules import _token_scoped, is_coordinator, is_signed_in, organisation_ids


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
