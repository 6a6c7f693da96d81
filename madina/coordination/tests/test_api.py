"""The REST API of coordination spaces: same rules as the pages, writes through the services."""

import pytest
from rest_framework.test import APIClient

from madina.accounts.services import api_token_create
from madina.coordination.models import Space
from madina.coordination.tests.factories import SpaceMemberFactory, SpaceRoleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/spaces/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_requests_are_refused(spaces):
    assert APIClient().get(LIST).status_code in {401, 403}


def test_the_list_shows_what_the_user_may_see(cast, spaces):
    response = _client(cast.outsider).get(LIST)
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {spaces.public.pk, spaces.transparent.pk}


def test_outsider_gets_404_on_a_private_space_and_its_members(cast, spaces):
    client = _client(cast.outsider)
    assert client.get(f"{LIST}{spaces.private.pk}/").status_code == 404
    assert client.get(f"{LIST}{spaces.private.pk}/members/").status_code == 404
    assert client.patch(f"{LIST}{spaces.private.pk}/", {"name_fr": "x"}).status_code == 404


def test_members_are_listed_with_positions_and_dates(cast, spaces):
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation, position="chair")
    response = _client(cast.readonly).get(f"{LIST}{spaces.private.pk}/members/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["organisation"] == cast.organisation.pk
    assert row["position"] == "chair" and row["start_date"] == "2024-02-01"


def test_read_only_gets_403_on_writes(cast, spaces):
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation)
    client = _client(cast.readonly)
    assert client.patch(f"{LIST}{spaces.private.pk}/", {"name_fr": "x"}).status_code == 403
    response = client.post(
        f"{LIST}{spaces.private.pk}/members/",
        {"organisation": cast.other_organisation.pk, "position": "member"},
    )
    assert response.status_code == 403
    assert client.post(LIST, {"name_fr": "x", "type": "other"}).status_code == 403


def test_a_coordinator_creates_and_an_editor_changes(cast, spaces):
    response = _client(cast.coordinator).post(
        LIST,
        {"name_ar": "لجنة جهوية", "type": "regional_committee", "visibility": "private"},
        format="json",
    )
    assert response.status_code == 201
    space = Space.objects.get(pk=response.json()["id"])
    SpaceRoleFactory(space=space, user=cast.member, role="editor")
    response = _client(cast.member).patch(f"{LIST}{space.pk}/", {"parent": space.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()
    response = _client(cast.member).post(
        f"{LIST}{space.pk}/members/",
        {
            "organisation": cast.organisation.pk,
            "position": "member",
            "start_date": "2025-03-01",
            "end_date": "2025-02-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "end_date" in response.json()
    assert not space.members.exists()


def test_an_organisation_token_sees_the_private_spaces_of_its_organisation(cast, spaces):
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation)
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="outil")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{LIST}{spaces.private.pk}/").status_code == 200
    assert client.patch(f"{LIST}{spaces.private.pk}/", {"name_fr": "x"}).status_code == 403


def test_the_schema_lists_the_endpoints(cast):
    response = _client(cast.member).get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/spaces/{id}/members/" in schema
    assert "spaces_members_add" in schema
