"""Who may do what. The one permission layer: views, API and admin all ask these rules.

Predicates take ``(user, organisation)``; records of other apps that belong to an organisation
register their own rules on top of these in their app's ``rules.py``.
"""

import rules

from madina.accounts.models import Membership


def _roles(user) -> dict[int, str]:
    """The user's role in each organisation, read once per request (or set by an API token)."""
    if not user.is_authenticated:
        return {}
    cache = getattr(user, "_madina_roles", None)
    if cache is None:
        cache = dict(user.memberships.active().values_list("organisation_id", "role"))
        user._madina_roles = cache
    return cache


def _role_in(user, organisation) -> str | None:
    if organisation is None or organisation.pk is None:
        return None
    return _roles(user).get(organisation.pk)


def organisation_ids(user) -> list[int]:
    """The organisations the user acts for: all theirs, or only the token's under an API token."""
    return list(_roles(user))


def _token_scoped(user) -> bool:
    """A request made with an organisation's API token carries no platform role."""
    return getattr(user, "_madina_token_organisation", None) is not None


@rules.predicate
def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_platform_admin and not _token_scoped(user)


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and user.is_coordinator and not _token_scoped(user)


@rules.predicate
def is_org_member(user, organisation) -> bool:
    """Any active role in the organisation, read-only included."""
    return _role_in(user, organisation) is not None


@rules.predicate
def is_org_editor(user, organisation) -> bool:
    """A role that may write the organisation's records: admin or member."""
    return _role_in(user, organisation) in {Membership.Role.ADMIN, Membership.Role.MEMBER}


@rules.predicate
def is_org_admin(user, organisation) -> bool:
    return _role_in(user, organisation) == Membership.Role.ADMIN


@rules.predicate
def is_admin_of_any_org(user) -> bool:
    if _token_scoped(user):
        return Membership.Role.ADMIN in user._madina_roles.values()
    return (
        user.is_authenticated
        and user.memberships.active().filter(role=Membership.Role.ADMIN).exists()
    )


is_signed_in = rules.is_authenticated

# Organisations: the registry is visible to every signed-in user; editing is the organisation's
# own admins' and the coordinators' business.
rules.add_perm("actors.view_organisation", is_signed_in)
rules.add_perm("actors.add_organisation", is_coordinator | is_admin_of_any_org)
rules.add_perm("actors.change_organisation", is_coordinator | is_org_admin)
rules.add_perm("actors.delete_organisation", is_platform_admin)
# Pages only its own people (and coordinators) may open; others get 404.
rules.add_perm("actors.view_organisation_private", is_coordinator | is_org_member)
rules.add_perm("actors.view_organisation_audit", is_coordinator | is_org_admin)
rules.add_perm("actors.manage_members", is_platform_admin | is_org_admin)
rules.add_perm("actors.change_focal_persons", is_coordinator | is_org_editor)
rules.add_perm("actors.change_sector", is_coordinator)
rules.add_perm("territory.change_area", is_platform_admin)

# The member list of an organisation: its own people (read-only included) and the coordinators.
rules.add_perm("accounts.view_members", is_coordinator | is_org_member)
