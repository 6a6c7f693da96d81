"""The seed's consultation meeting loads with the demo, once, through the services."""

import pytest
from django.core.management import call_command

from madina.core.models import AuditEvent
from madina.meetings import registration_selectors
from madina.meetings.models import Meeting, Recommendation, RecommendationUpdate, Speaker

pytestmark = pytest.mark.django_db


def test_the_seed_meeting_loads_once(settings):
    settings.DEBUG = True
    call_command("madina_setup", demo=True, verbosity=0)
    meeting = Meeting.objects.get(space__type="local_cso")
    assert meeting.type == "consultation" and meeting.space.type == "local_cso"
    assert meeting.sessions.count() == 2
    assert Speaker.objects.filter(session__meeting=meeting).count() == 4
    assert meeting.agenda_items.filter(parent__isnull=False).count() == 2
    assert meeting.attendance.count() == 10 and meeting.minutes.is_published
    assert Recommendation.objects.filter(meeting=meeting).count() == 5
    states = set(Recommendation.objects.values_list("state", flat=True))
    assert {"adopted", "in_progress", "partly_implemented", "rejected"} <= states
    assert (meeting.capacity, meeting.reserved_places) == (80, 10)
    assert meeting.invitations.count() == 9  # the space's seven members and two from outside
    states = dict(meeting.invitations.values_list("organisation__acronym", "state"))
    assert states["CCSN"] == "accepted" and list(states.values()).count("declined") == 1
    assert meeting.invitations.get(organisation__acronym="CCSN").uses_reserved_places
    summary = registration_selectors.summary(meeting)
    assert summary.accepted == 3 and summary.total == 15
    assert {need.code for need in summary.interpretation} == {"en", "es", "fr"}
    counts = (RecommendationUpdate.objects.count(), AuditEvent.objects.count())
    call_command("madina_setup", demo=True, verbosity=0)
    assert Meeting.objects.count() == 2  # and the public space's follow-up meeting
    assert (RecommendationUpdate.objects.count(), AuditEvent.objects.count()) == counts


def test_the_public_space_has_recommendations_followed_in_public(settings):
    from madina.meetings.selectors import public_recommendations

    settings.DEBUG = True
    call_command("madina_setup", demo=True, verbosity=0)
    public = public_recommendations()
    assert public.count() == 3
    assert {r.meeting.space.visibility for r in public} == {"public"}
    assert public.filter(state="implemented").count() == 1
    # The associations' space is not public: none of its recommendations are.
    assert not public.filter(meeting__space__type="local_cso").exists()
