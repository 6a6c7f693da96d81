"""The REST API of meetings and recommendations: same rules as the pages, one service to write."""

import pytest
from rest_framework.test import APIClient

from madina.meetings.tests.factories import (
    AttendanceFactory,
    MinutesFactory,
    RecommendationFactory,
    SessionFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_requests_are_refused(meetings):
    assert APIClient().get("/api/meetings/").status_code in {401, 403}


def test_the_list_shows_what_the_user_may_see(cast, meetings):
    ids = {row["id"] for row in _client(cast.outsider).get("/api/meetings/").json()["results"]}
    assert ids == {meetings.public.pk}
    ids = {row["id"] for row in _client(cast.readonly).get("/api/meetings/").json()["results"]}
    assert ids == {meetings.public.pk, meetings.private.pk}


def test_a_meeting_comes_with_sessions_speakers_and_attendance(cast, meetings):
    meeting = meetings.private
    session = SessionFactory(meeting=meeting)
    SpeakerFactory(session=session, name="Coordinateur du projet")
    AttendanceFactory(meeting=meeting, organisation=cast.organisation, women=4, men=3)
    MinutesFactory(meeting=meeting)
    data = _client(cast.readonly).get(f"/api/meetings/{meeting.pk}/").json()
    assert data["sessions"][0]["speakers"][0]["name"] == "Coordinateur du projet"
    assert data["attendance"]["women"] == 4 and data["attendance"]["total"] == 7
    assert data["minutes"] is None
    assert _client(cast.member).get(f"/api/meetings/{meeting.pk}/").json()["minutes"]["text"]


def test_outsider_gets_404(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    client = _client(cast.outsider)
    assert client.get(f"/api/meetings/{meetings.private.pk}/").status_code == 404
    assert client.get(f"/api/recommendations/{recommendation.pk}/").status_code == 404
    state = client.post(f"/api/recommendations/{recommendation.pk}/state/", {"state": "rejected"})
    assert state.status_code == 404


def test_read_only_gets_403_on_a_state_change(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    response = _client(cast.readonly).post(
        f"/api/recommendations/{recommendation.pk}/state/", {"state": "in_progress"}
    )
    assert response.status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.state == "adopted"


def test_the_state_changes_through_the_service(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    client = _client(cast.member)
    url = f"/api/recommendations/{recommendation.pk}/state/"
    refused = client.post(url, {"state": "rejected"}, format="json")
    assert refused.status_code == 400 and "justification" in refused.json()
    refused = client.post(url, {"state": "draft"}, format="json")
    assert refused.status_code == 400 and "state" in refused.json()
    response = client.post(
        url, {"state": "rejected", "justification": "Hors mandat"}, format="json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "rejected" and data["updates"][0]["state_after"] == "rejected"
    assert data["allowed_states"] == []


def test_recommendations_filter_by_state(cast, meetings):
    wanted = RecommendationFactory(meeting=meetings.private, state="in_progress")
    RecommendationFactory(meeting=meetings.private)
    rows = _client(cast.readonly).get("/api/recommendations/", {"state": "in_progress"}).json()
    assert [row["id"] for row in rows["results"]] == [wanted.pk]
    assert rows["results"][0]["code"] == wanted.code
