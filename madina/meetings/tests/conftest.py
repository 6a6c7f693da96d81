"""A meeting in each kind of space, and the cast's people given the roles that edit them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from madina.coordination.tests.conftest import Spaces, spaces  # noqa: F401
from madina.coordination.tests.factories import SpaceMemberFactory, SpaceRoleFactory
from madina.meetings.models import Invitation, Meeting
from madina.meetings.tests.factories import InvitationFactory, MeetingFactory


@dataclass
class Meetings:
    public: Meeting
    transparent: Meeting
    private: Meeting


@pytest.fixture
def meetings(cast, spaces) -> Meetings:  # noqa: F811
    """Meetings of the three spaces. The cast's organisation sits in the private one; the cast's
    member is an editor of it and of the public one. The outsider takes part in none."""
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation)
    for space in (spaces.private, spaces.public):
        SpaceRoleFactory(space=space, user=cast.member, role="editor")
    return Meetings(
        public=MeetingFactory(space=spaces.public, title="Rencontre publique"),
        transparent=MeetingFactory(space=spaces.transparent, title="Rencontre transparente"),
        private=MeetingFactory(space=spaces.private, title="Rencontre privée"),
    )


@pytest.fixture
def invitation(cast, meetings) -> Invitation:
    """The cast's organisation invited to the private space's meeting, moved a week ahead, with
    10 places of which 2 reserved."""
    meeting = meetings.private
    meeting.starts_at = timezone.now() + datetime.timedelta(days=7)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=3)
    meeting.status = Meeting.Status.PLANNED
    meeting.capacity, meeting.reserved_places = 10, 2
    meeting.save()
    return InvitationFactory(meeting=meeting, organisation=cast.organisation)
