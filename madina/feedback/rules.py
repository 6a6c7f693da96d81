"""Who may see and handle feedback (issue 7).

- Feedback that is not sensitive: the people of the organisation it is addressed to (read-only
  members read it; admins and members handle it) and the coordinators. Feedback addressed to no
  organisation goes to the coordinators only.
- Sensitive feedback: only the sensitive team of the organisation it is addressed to (members of
  ``SensitiveTeamMember`` who still belong to the organisation), or the coordination's sensitive
  team (coordinators listed with no organisation) when it is addressed to no one. Coordinators and
  administrators who are not on the team do not see it: they get 404 like any outsider.
- The teams are managed by the organisation's administrators and the coordinators; the
  coordination's team by the coordinators.
- "You said, we did" entries are written by the coordinators.

Predicates on feedback take the ``Feedback``; team predicates take the organisation (or None).
"""

from __future__ import annotations

import rules

from madina.accounts.rules import (
    is_coordinator,
    is_org_admin,
    is_org_editor,
    is_org_member,
    organisation_ids,
)


def sensitive_team_ids(user) -> tuple[set[int], bool]:
    """The organisations whose sensitive team ``user`` is on, and whether they are on the
    coordination's team; read once per request."""
    if not user.is_authenticated:
        return set(), False
    cache = getattr(user, "_madina_feedback_teams", None)
    if cache is None:
        from madina.feedback.models import SensitiveTeamMember

        rows = list(
            SensitiveTeamMember.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
        members = set(organisation_ids(user))
        ids = {pk for pk in rows if pk is not None and pk in members}
        coordination = None in rows and bool(is_coordinator(user))
        cache = (ids, coordination)
        user._madina_feedback_teams = cache
    return cache


def on_sensitive_team(user, organisation) -> bool:
    ids, coordination = sensitive_team_ids(user)
    if organisation is None:
        return coordination
    return organisation.pk in ids


@rules.predicate
def can_read(user, feedback) -> bool:
    if feedback is None or not user.is_authenticated:
        return False
    if feedback.is_sensitive:
        return on_sensitive_team(user, feedback.organisation)
    if feedback.organisation_id is None:
        return bool(is_coordinator(user))
    return bool(is_coordinator(user) or is_org_member(user, feedback.organisation))


@rules.predicate
def can_handle(user, feedback) -> bool:
    if not can_read(user, feedback):
        return False
    if feedback.is_sensitive:
        return True
    return bool(is_coordinator(user) or is_org_editor(user, feedback.organisation))


@rules.predicate
def enters_feedback(user) -> bool:
    from madina.accounts.models import Membership

    return bool(is_coordinator(user)) or (
        user.is_authenticated
        and user.memberships.active()
        .filter(role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER])
        .exists()
    )


@rules.predicate
def manages_team(user, organisation) -> bool:
    if organisation is None:
        return bool(is_coordinator(user))
    return bool(is_coordinator(user) or is_org_admin(user, organisation))


@rules.predicate
def reads_some_feedback(user) -> bool:
    return user.is_authenticated and (
        bool(is_coordinator(user)) or bool(organisation_ids(user)) or any(sensitive_team_ids(user))
    )


rules.add_perm("feedback.view_inbox", reads_some_feedback)
rules.add_perm("feedback.view_feedback", can_read)
rules.add_perm("feedback.handle_feedback", can_handle)
rules.add_perm("feedback.add_feedback", enters_feedback)
rules.add_perm("feedback.manage_sensitive_team", manages_team)
rules.add_perm("feedback.manage_you_said", is_coordinator)
