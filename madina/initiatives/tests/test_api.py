"""The REST API of the registry: same rules as the pages, filters, modified_since, reach."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from madina.accounts.services import api_token_create
from madina.initiatives.models import Initiative, ReachReport, ReportingPeriod
from madina.initiatives.tests.factories import InitiativeFactory, InitiativePartnerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/initiatives/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(initiative) -> str:
    return f"/api/initiatives/{initiative.pk}/"


def _reach(initiative) -> str:
    return f"/api/initiatives/{initiative.pk}/reach-reports/"


@pytest.fixture
def own(cast, registry):
    return InitiativeFactory(
        title="Sensibilisation à Nador",
        lead_organisation=cast.organisation,
        sector=registry.health,
        communes=[registry.nador],
        target_groups=[registry.women],
    )


@pytest.fixture
def hidden(cast, registry):
    return InitiativeFactory(
        lead_organisation=cast.other_organisation, visibility="partners", communes=[registry.oujda]
    )


def test_anonymous_requests_are_refused(db):
    assert APIClient().get(LIST).status_code in {401, 403}


def test_the_list_shows_what_the_user_may_see(cast, own, hidden):
    response = _client(cast.member).get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]
    row = response.json()["results"][0]
    assert row["communes"] == ["02.381.01.05"]
    assert row["target_groups"] == ["women"]
    assert row["sector"] == "SNIA-03"
    coordinator = _client(cast.coordinator).get(LIST).json()
    assert coordinator["count"] == 2


def test_filters_and_search(cast, own, registry):
    InitiativeFactory(title="Autre", communes=[registry.oujda], status="planned")
    client = _client(cast.member)
    assert client.get(LIST, {"commune": "02.411.01.23"}).json()["count"] == 1
    assert client.get(LIST, {"province": "02.381"}).json()["results"][0]["id"] == own.pk
    assert client.get(LIST, {"status": "planned"}).json()["count"] == 1
    assert client.get(LIST, {"q": "sensibilisation nador"}).json()["count"] == 1
    assert client.get(LIST, {"target_group": "women"}).json()["count"] == 1
    assert client.get(LIST, {"commune": "nowhere"}).status_code == 400


def test_modified_since(cast, own, registry):
    later = InitiativeFactory(communes=[registry.nador])
    Initiative.objects.filter(pk=own.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=10)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = _client(cast.member).get(LIST, {"modified_since": since})
    assert [row["id"] for row in response.json()["results"]] == [later.pk]
    assert _client(cast.member).get(LIST, {"modified_since": "yesterday"}).status_code == 400


def test_pagination(cast, registry):
    for _i in range(55):
        InitiativeFactory(communes=[registry.nador])
    body = _client(cast.member).get(LIST).json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["next"]


def test_create_through_the_service(cast, registry):
    payload = {
        "title": "Caravane médicale",
        "lead_organisation": cast.organisation.pk,
        "sector": "SNIA-03",
        "communes": ["02.381.01.03"],
        "target_groups": ["women"],
        "partners": [{"organisation": cast.other_organisation.pk, "role": "funding"}],
        "start_date": "2026-02-01",
    }
    response = _client(cast.member).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["partners"][0]["role"] == "funding"
    assert Initiative.objects.get().created_by == cast.member


def test_create_refusals(cast, registry):
    payload = {
        "title": "x",
        "lead_organisation": cast.organisation.pk,
        "sector": "SNIA-03",
        "communes": ["02.381.01.03"],
    }
    assert _client(cast.readonly).post(LIST, payload, format="json").status_code == 403
    assert _client(cast.outsider).post(LIST, payload, format="json").status_code == 403
    bad = {**payload, "start_date": "2026-05-01", "end_date": "2026-01-01"}
    response = _client(cast.member).post(LIST, bad, format="json")
    assert response.status_code == 400 and "end_date" in response.json()
    assert Initiative.objects.count() == 0


def test_errors_in_french(cast, registry):
    payload = {
        "title": "x",
        "lead_organisation": cast.organisation.pk,
        "sector": "SNIA-03",
        "communes": ["02.381.01.03"],
        "start_date": "2026-05-01",
        "end_date": "2026-01-01",
    }
    response = _client(cast.member).post(LIST, payload, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["end_date"] == ["La date de fin ne peut pas précéder la date de début."]


def test_retrieve_and_patch(cast, own, hidden):
    assert _client(cast.readonly).get(_detail(own)).status_code == 200
    assert _client(cast.member).get(_detail(hidden)).status_code == 404
    response = _client(cast.member).patch(_detail(own), {"status": "completed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert (
        _client(cast.readonly).patch(_detail(own), {"title": "x"}, format="json").status_code == 403
    )
    assert (
        _client(cast.outsider).patch(_detail(own), {"title": "x"}, format="json").status_code == 403
    )
    assert (
        _client(cast.member).patch(_detail(hidden), {"title": "x"}, format="json").status_code
        == 404
    )
    assert _client(cast.member).get("/api/initiatives/999999/").status_code == 404
    own.refresh_from_db()
    assert own.title == "Sensibilisation à Nador"


def test_an_organisation_token_signs_in(cast, own):
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="tool")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(_detail(own)).status_code == 200


def test_reach_reports(cast, own, registry):
    client = _client(cast.member)
    payload = {
        "commune": "02.381.01.05",
        "month": "2026-03",
        "women": 10,
        "cumulative_women": 10,
        "by_group": [{"target_group": "women", "people": 10}],
    }
    response = client.post(_reach(own), payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2026-03-01"
    assert response.json()["by_group"] == [{"target_group": "women", "people": 10}]
    rows = client.get(_reach(own)).json()["results"]
    assert [(row["commune"], row["women"]) for row in rows] == [("02.381.01.05", 10)]
    down = {**payload, "month": "2026-04", "cumulative_women": 5, "women": 5}
    response = client.post(_reach(own), down, format="json")
    assert response.status_code == 400 and "cumulative_women" in response.json()
    assert ReachReport.objects.count() == 1


def test_reach_reports_refusals(cast, own, hidden, registry):
    payload = {"commune": "02.381.01.05", "month": "2026-03", "women": 1}
    assert _client(cast.readonly).post(_reach(own), payload, format="json").status_code == 403
    assert _client(cast.member).get(_reach(hidden)).status_code == 404
    assert _client(cast.member).post(_reach(hidden), payload, format="json").status_code == 404
    ReportingPeriod.objects.create(month=datetime.date(2026, 3, 1), locked_at=timezone.now())
    response = _client(cast.member).post(_reach(own), payload, format="json")
    assert response.status_code == 400
    assert ReachReport.objects.count() == 0


def test_a_partner_reads_a_partners_only_initiative(cast, hidden):
    InitiativePartnerFactory(initiative=hidden, organisation=cast.organisation)
    assert _client(cast.readonly).get(_detail(hidden)).status_code == 200
    assert _client(cast.readonly).get(_reach(hidden)).status_code == 200


def test_the_schema_lists_the_endpoints(cast):
    response = _client(cast.member).get("/api/schema/")
    text = response.content.decode()
    assert "/api/initiatives/{id}/reach-reports/" in text
    assert "modified_since" in text
