"""Who invites, who answers, who sees what of registration, for the whole cast."""

import pytest

from madina.meetings.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "manages", "sees", "answers"),
    [
        ("admin", False, True, True),
        ("member", True, True, True),  # the member is also an editor of the space
        ("readonly", False, True, False),
        ("outsider", False, False, False),
        ("coordinator", True, True, False),
    ],
)
def test_the_cast_on_an_invitation(cast, invitation, who, manages, sees, answers):
    user = getattr(cast, who)
    meeting = invitation.meeting
    assert user.has_perm("meetings.manage_invitations", meeting) is manages
    assert user.has_perm("meetings.view_registrations", meeting) is manages
    assert user.has_perm("meetings.view_invitation", invitation) is sees
    assert user.has_perm("meetings.answer_invitation", invitation) is answers


def test_an_invited_organisation_outside_a_private_space_sees_its_invitation_only(cast, invitation):
    theirs = InvitationFactory(meeting=invitation.meeting, organisation=cast.other_organisation)
    outsider = cast.outsider
    assert not outsider.has_perm("meetings.view_meeting", invitation.meeting)
    assert outsider.has_perm("meetings.view_places", invitation.meeting)
    assert outsider.has_perm("meetings.answer_invitation", theirs)
    assert not outsider.has_perm("meetings.view_invitation", invitation)


def test_places_are_shown_to_whoever_sees_the_meeting(cast, meetings):
    assert cast.outsider.has_perm("meetings.view_places", meetings.public)
    assert not cast.outsider.has_perm("meetings.view_places", meetings.private)
    assert cast.readonly.has_perm("meetings.view_places", meetings.private)
