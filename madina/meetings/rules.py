"""Who may see and change meetings and recommendations (docs/decisions/0015).

Everything here hangs off a coordination space and follows its rules (decision 12):

- *seeing* a meeting, its agenda, sessions, speakers, attendance, published minutes and its
  recommendations is ``coordination.view_space_content`` on the space: coordinators, everyone for
  a public space, and those who take part in a transparent or private one;
- *changing* them (creating meetings, the agenda, sessions and speakers, attendance, writing and
  publishing minutes, recommendations and their updates and states) is for the space's role
  holders — space admins, editors and rapporteurs — and coordinators. A seat in the space gives
  no right to edit, and an organisation's API token carries no space role;
- a recommendation is also seen by the people of the organisations it is addressed to, even
  outside a private space: they are asked to act on it;
- unpublished minutes are read only by those who may change them;
- a recommendation is on the *public* tracking page (no sign-in) when it is marked public, is no
  longer a draft, and its space is public;
- invitations and registrations (decision 19): those who change the meeting invite organisations
  and see every answer and registration; the people of an invited organisation see its
  invitation (read-only members included) and its admins and members answer it and register its
  people; whoever sees the meeting, or is invited to it, sees how many places are left.

Predicates accept a space, a meeting, a recommendation or anything with a ``meeting``.
"""

from __future__ import annotations

import rules

from madina.accounts.rules import is_coordinator, is_org_editor, organisation_ids
from madina.coordination.rules import holds_space_role


def space_of(obj):
    """The coordination space a meeting-related record hangs off."""
    if obj is None:
        return None
    if hasattr(obj, "visibility"):
        return obj
    meeting = obj if hasattr(obj, "space_id") else getattr(obj, "meeting", None)
    return None if meeting is None else meeting.space


@rules.predicate
def sees_space_content(user, obj) -> bool:
    space = space_of(obj)
    return space is not None and user.has_perm("coordination.view_space_content", space)


@rules.predicate
def works_on_space(user, obj) -> bool:
    """A space admin, editor or rapporteur of the record's space."""
    return holds_space_role(user, space_of(obj))


@rules.predicate
def is_public_recommendation(user, recommendation) -> bool:
    if recommendation is None or not getattr(recommendation, "is_public", False):
        return False
    if recommendation.state == recommendation.State.DRAFT:
        return False
    space = space_of(recommendation)
    return space.visibility == space.Visibility.PUBLIC


@rules.predicate
def is_addressee(user, recommendation) -> bool:
    if recommendation is None or recommendation.pk is None or not user.is_authenticated:
        return False
    mine = organisation_ids(user)
    return any(organisation.pk in mine for organisation in recommendation.addressees.all())


@rules.predicate
def is_of_invited_organisation(user, invitation) -> bool:
    """Someone of the invitation's organisation, whatever their role."""
    if invitation is None or not user.is_authenticated:
        return False
    return invitation.organisation_id in organisation_ids(user)


@rules.predicate
def answers_for_invited_organisation(user, invitation) -> bool:
    """An admin or member (not read-only) of the invitation's organisation."""
    return invitation is not None and is_org_editor(user, invitation.organisation)


@rules.predicate
def is_invited(user, meeting) -> bool:
    """One of the user's organisations is invited to the meeting."""
    if meeting is None or getattr(meeting, "pk", None) is None or not user.is_authenticated:
        return False
    mine = organisation_ids(user)
    return bool(mine) and meeting.invitations.filter(organisation_id__in=mine).exists()


can_change = is_coordinator | works_on_space

rules.add_perm("meetings.view_meeting", sees_space_content)
rules.add_perm("meetings.add_meeting", can_change)
rules.add_perm("meetings.change_meeting", can_change)
rules.add_perm("meetings.view_unpublished_minutes", can_change)
rules.add_perm("meetings.view_recommendation", sees_space_content | is_addressee)
rules.add_perm("meetings.change_recommendation", can_change)
rules.add_perm("meetings.view_public_recommendation", is_public_recommendation)
rules.add_perm("meetings.manage_invitations", can_change)
rules.add_perm("meetings.view_registrations", can_change)
rules.add_perm("meetings.view_places", sees_space_content | is_invited)
rules.add_perm("meetings.view_invitation", can_change | is_of_invited_organisation)
rules.add_perm("meetings.answer_invitation", answers_for_invited_organisation)
