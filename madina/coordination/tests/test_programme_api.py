"""The REST API of programmes: same rules as the pages, writes through the services."""

import pytest
from rest_framework.test import APIClient

from madina.accounts.services import api_token_create
from madina.coordination.models import ReviewRequest

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_requests_are_refused(plan):
    assert APIClient().get(f"/api/programmes/{plan.programme.pk}/").status_code in {401, 403}


def test_the_outsider_gets_404_everywhere_on_a_private_space(cast, plan):
    client = _client(cast.outsider)
    assert client.get(f"/api/spaces/{plan.space.pk}/programmes/").status_code == 404
    assert client.get(f"/api/programmes/{plan.programme.pk}/").status_code == 404
    response = client.post(
        f"/api/programme-items/{plan.action.pk}/status/", {"status": "done"}, format="json"
    )
    assert response.status_code == 404


def test_a_transparent_space_answers_404_for_its_programmes_to_outsiders(cast, spaces):
    response = _client(cast.outsider).get(f"/api/spaces/{spaces.transparent.pk}/programmes/")
    assert response.status_code == 404


def test_the_programme_comes_with_its_tree_progress_and_leads(cast, plan):
    client = _client(cast.readonly)
    listed = client.get(f"/api/spaces/{plan.space.pk}/programmes/").json()["results"]
    assert [row["id"] for row in listed] == [plan.programme.pk]
    body = client.get(f"/api/programmes/{plan.programme.pk}/").json()
    rows = {row["code"]: row for row in body["items"]}
    assert [row["code"] for row in body["items"]] == ["1", "1.1", "1.1.1", "1.1.1.a"]
    assert rows["1.1.1"]["lead_organisation"] == cast.organisation.pk
    assert rows["1.1.1.a"]["depth"] == 3 and body["progress"] == 0


def test_read_only_gets_403_on_the_status(cast, plan):
    response = _client(cast.readonly).post(
        f"/api/programme-items/{plan.action.pk}/status/", {"status": "on_track"}, format="json"
    )
    assert response.status_code == 403
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"


def test_the_leads_token_proposes_done_and_the_consulted_are_asked(cast, plan):
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="suivi")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        f"/api/programme-items/{plan.action.pk}/status/", {"status": "done"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["awaiting_review"] is True
    assert ReviewRequest.objects.get().organisation == plan.consulted


def test_bad_input_gets_400_per_field_and_changes_nothing(cast, plan):
    client = _client(cast.member)
    response = client.post(
        f"/api/programme-items/{plan.action.pk}/status/", {"status": "dropped"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"
