"""The REST API of the registry: same selectors, services and rules as the pages."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from madina.actors.models import Organisation
from madina.actors.tests.factories import OrganisationFactory, SectorFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/api/organisations/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(organisation) -> str:
    return f"/api/organisations/{organisation.pk}/"


def test_list_with_forgiving_search_and_filters(cast, territory):
    beni = OrganisationFactory(name_fr="Béni Ansar Accueil", name_ar="جمعية بني أنصار للاستقبال")
    beni.communes_covered.add(territory.beni_ansar)
    client = _api(cast.outsider)
    everything = client.get(LIST).json()
    assert everything["count"] == 3
    for query in ("bni ansar", "بني انصار"):
        found = client.get(LIST, {"q": query}).json()["results"]
        assert [row["id"] for row in found] == [beni.pk]
    found = client.get(LIST, {"commune": territory.beni_ansar.code}).json()["results"]
    assert [row["communes_covered"] for row in found] == [[territory.beni_ansar.code]]
    assert client.get(LIST, {"province": territory.other_province.code}).json()["count"] == 0
    assert client.get(LIST, {"type": "donor"}).json()["count"] == 0
    assert client.get(LIST, {"sector": "NO-SUCH"}).status_code == 400


def test_anonymous_gets_nothing(db):
    OrganisationFactory()
    assert APIClient().get(LIST).status_code in {401, 403}


def test_coordinator_creates(cast, territory):
    sector = SectorFactory(code="SNIA-SANTE")
    response = _api(cast.coordinator).post(
        LIST,
        {
            "name_fr": "Médecins du Monde Nador",
            "type": "international",
            "sectors": ["SNIA-SANTE"],
            "communes_covered": [territory.nador.code],
            "phone": "+212 536 60 60 60",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sectors"] == [sector.code]
    assert body["communes_covered"] == [territory.nador.code]
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"])).exists()


def test_create_reports_probable_twins_with_409_and_saves_nothing(cast):
    client = _api(cast.coordinator)
    count = Organisation.objects.count()
    response = client.post(
        LIST, {"name_fr": "Autre", "acronym": "ARS", "type": "cso"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["twins"][0]["id"] == cast.organisation.pk
    assert response.json()["twins"][0]["reasons"] == ["acronym"]
    assert Organisation.objects.count() == count
    response = client.post(
        LIST,
        {"name_fr": "Autre", "acronym": "ARS", "type": "cso", "confirm_twins": True},
        format="json",
    )
    assert response.status_code == 201


def test_create_validation_errors_are_400_per_field(cast):
    response = _api(cast.coordinator).post(
        LIST, {"type": "cso", "iati_ref": "nope", "phone": "12"}, format="json"
    )
    assert response.status_code == 400
    assert {"iati_ref", "phone"} <= set(response.json())
    response = _api(cast.coordinator).post(LIST, {"type": "cso"}, format="json")
    assert response.status_code == 400
    assert "name_ar" in response.json()


@pytest.mark.parametrize("who", ["member", "readonly"])
def test_create_refused_without_an_admin_role(cast, who):
    response = _api(getattr(cast, who)).post(
        LIST, {"name_fr": "Nouvelle", "type": "cso"}, format="json"
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name_fr="Nouvelle").exists()


def test_retrieve(cast):
    response = _api(cast.outsider).get(_detail(cast.organisation))
    assert response.status_code == 200
    assert response.json()["acronym"] == "ARS"
    assert _api(cast.outsider).get("/api/organisations/987654/").status_code == 404


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_patch_by_admin_and_coordinator(cast, who):
    response = _api(getattr(cast, who)).patch(
        _detail(cast.organisation), {"website": "https://ars.example.org"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["website"] == "https://ars.example.org"
    assert response.json()["name_fr"] == "Association Rif Solidarité"  # untouched
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"website": ["", "https://ars.example.org"]}


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("readonly", 403), ("outsider", 404)])
def test_patch_refused(cast, who, status):
    response = _api(getattr(cast, who)).patch(
        _detail(cast.organisation), {"name_fr": "Pirate"}, format="json"
    )
    assert response.status_code == status
    assert not Organisation.objects.filter(name_fr="Pirate").exists()
    assert not AuditEvent.objects.exists()


def test_patch_a_forged_id_is_404(cast):
    response = _api(cast.coordinator).patch("/api/organisations/987654/", {}, format="json")
    assert response.status_code == 404


def test_sectors_lists_the_active_ones(cast):
    SectorFactory(code="ACTIVE")
    SectorFactory(code="RETIRED", is_active=False)
    response = _api(cast.readonly).get("/api/sectors/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == ["ACTIVE"]


def test_the_schema_documents_the_endpoints(cast):
    client = Client()
    client.force_login(cast.member)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/organisations/"])
    assert {"get", "patch"} <= set(paths["/api/organisations/{id}/"])
    assert "get" in paths["/api/sectors/"]
    assert "409" in paths["/api/organisations/"]["post"]["responses"]
