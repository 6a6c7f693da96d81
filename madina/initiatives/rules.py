"""Who may see and change initiatives. Built on the platform's predicates in accounts/rules.py."""

import rules

from madina.accounts.models import Membership
from madina.accounts.rules import (
    _role_in,
    is_coordinator,
    is_signed_in,
)

_EDITOR_ROLES = {Membership.Role.ADMIN, Membership.Role.MEMBER}


def _organisation_ids(initiative) -> set[int]:
    ids = {initiative.lead_organisation_id}
    if initiative.pk:
        ids.update(initiative.partnerships.values_list("organisation_id", flat=True))
    return ids


@rules.predicate
def is_shared(user, initiative) -> bool:
    return initiative is not None and initiative.visibility == initiative.Visibility.SHARED


@rules.predicate
def is_in_lead_or_partner(user, initiative) -> bool:
    if initiative is None or not user.is_authenticated:
        return False
    from madina.actors.models import Organisation

    return any(
        _role_in(user, Organisation(pk=pk)) is not None for pk in _organisation_ids(initiative)
    )


@rules.predicate
def is_lead_editor(user, initiative) -> bool:
    if initiative is None:
        return False
    from madina.actors.models import Organisation

    return _role_in(user, Organisation(pk=initiative.lead_organisation_id)) in _EDITOR_ROLES


@rules.predicate
def is_implementing_editor(user, initiative) -> bool:
    if initiative is None or initiative.pk is None or not user.is_authenticated:
        return False
    from madina.actors.models import Organisation

    implementing = initiative.partnerships.filter(role="implementing").values_list(
        "organisation_id", flat=True
    )
    return any(_role_in(user, Organisation(pk=pk)) in _EDITOR_ROLES for pk in implementing)


@rules.predicate
def edits_some_organisation(user) -> bool:
    scoped = getattr(user, "_madina_roles", None)
    if getattr(user, "_madina_token_organisation", None) is not None and scoped is not None:
        return any(role in _EDITOR_ROLES for role in scoped.values())
    return (
        user.is_authenticated
        and user.memberships.active().filter(role__in=list(_EDITOR_ROLES)).exists()
    )


rules.add_perm(
    "initiatives.view_initiative",
    is_coordinator | (is_signed_in & is_shared) | is_in_lead_or_partner,
)
rules.add_perm("initiatives.add_initiative", is_coordinator | edits_some_organisation)
rules.add_perm("initiatives.change_initiative", is_coordinator | is_lead_editor)
rules.add_perm("initiatives.report_reach", is_coordinator | is_lead_editor | is_implementing_editor)
rules.add_perm("initiatives.lock_period", is_coordinator)
rules.add_perm("initiatives.review_duplicates", is_coordinator)
rules.add_perm("initiatives.change_taxonomy", is_coordinator)
rules.add_perm("initiatives.import_initiatives", is_coordinator | edits_some_organisation)
