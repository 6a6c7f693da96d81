"""The HSDS 3.0 API: root, paginated services, one service; checked with jsonschema."""

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from madina.actors.tests.factories import FocalPersonFactory
from madina.directory.hsds import organisation_uuid
from madina.directory.hsds_structure import PAGE, SERVICE
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _valid(schema, data):
    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture
def services(cast, territory):
    person = FocalPersonFactory(
        organisation=cast.organisation,
        full_name="Samira Haddou",
        phone="+212536601234",
        email="samira@example.org",
    )
    full = ServiceFactory(
        organisation=cast.organisation,
        name_fr="Cellule du tribunal",
        name_ar="خلية المحكمة",
        description_fr="Accueil des femmes victimes de violence.",
        type="police_justice",
        is_specialised_cell=True,
        cell_kind="court",
        languages="ar ary fr other",
        opening_hours="Du lundi au vendredi, 8 h 30 – 16 h 30",
        phone="+212536607080",
        email="cellule@example.org",
        address="Tribunal de première instance",
        commune=territory.nador,
        accepts_referrals=True,
        referral_focal_point=person,
        fees="Aucun frais.",
    )
    full.communes_served.set([territory.nador, territory.beni_ansar])
    bare = ServiceFactory(organisation=cast.other_organisation, name_fr="Soutien scolaire")
    hidden = ServiceFactory(organisation=cast.organisation, name_fr="Ancien", is_active=False)
    return full, bare, hidden


def test_root_gives_the_version_and_the_profile(cast):
    response = cast.client_for("outsider").get("/api/hsds/")
    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert response.json()["openapi_url"].endswith("/api/schema/")


def test_signed_out_gets_nothing(client, services):
    assert client.get("/api/hsds/services").status_code in {401, 403}
    assert client.get(f"/api/hsds/services/{services[0].uuid}").status_code in {401, 403}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_services_page_is_valid_hsds(cast, services, language, django_assert_max_num_queries):
    client = cast.client_for("outsider")
    with django_assert_max_num_queries(12):
        response = client.get("/api/hsds/services", {"language": language})
    assert response.status_code == 200
    page = response.json()
    _valid(PAGE, page)
    names = {service["name"] for service in page["contents"]}
    assert page["total_items"] == 2
    assert ("Cellule du tribunal" if language == "fr" else "خلية المحكمة") in names
    assert "Ancien" not in names


def test_one_service_is_fully_nested_and_valid(cast, services, territory):
    full = services[0]
    response = cast.client_for("outsider").get(f"/api/hsds/services/{full.uuid}")
    assert response.status_code == 200
    data = response.json()
    _valid(SERVICE, data)
    assert data["id"] == str(full.uuid)
    assert data["organization"]["id"] == organisation_uuid(full.organisation_id)
    assert {language.get("code") for language in data["languages"]} == {"ar", "ary", "fr", None}
    assert data["schedules"][0]["description"].startswith("Du lundi")
    assert data["phones"][0]["number"] == "+212 5 36 60 70 80"
    address = data["service_at_locations"][0]["location"]["addresses"][0]
    assert address["country"] == "MA"
    assert address["city"] == "Nador"
    assert data["contacts"][0]["name"] == "Samira Haddou"
    assert {area["name"] for area in data["service_areas"]} == {"Nador", "Beni Ansar"}
    assert data["attributes"][0]["value"] == "police_justice"
    # The same identifiers on every export.
    again = cast.client_for("coordinator").get(f"/api/hsds/services/{full.uuid}").json()
    assert again["service_at_locations"] == data["service_at_locations"]


def test_a_private_focal_point_is_not_published(cast, services):
    full = services[0]
    full.referral_focal_point.is_public = False
    full.referral_focal_point.save()
    data = cast.client_for("admin").get(f"/api/hsds/services/{full.uuid}").json()
    assert data["contacts"] == []
    assert "Samira" not in str(data)


def test_inactive_and_unknown_services_are_404(cast, services):
    client = cast.client_for("admin")
    assert client.get(f"/api/hsds/services/{services[2].uuid}").status_code == 404
    assert client.get("/api/hsds/services/6f0f4a53-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/api/hsds/services/42").status_code == 404


def test_filters_and_pagination(cast, services):
    client = cast.client_for("outsider")
    page = client.get("/api/hsds/services", {"per_page": 1, "page": 2}).json()
    assert (page["size"], page["total_pages"], page["last_page"], page["first_page"]) == (
        1,
        2,
        True,
        False,
    )
    found = client.get("/api/hsds/services", {"search": "scolaire"}).json()
    assert [s["name"] for s in found["contents"]] == ["Soutien scolaire"]
    org = organisation_uuid(services[1].organisation_id)
    found = client.get("/api/hsds/services", {"organization_id": org}).json()
    assert [s["name"] for s in found["contents"]] == ["Soutien scolaire"]
    assert client.get("/api/hsds/services", {"per_page": 1000}).status_code == 400
    assert client.get("/api/hsds/services", {"modified_after": "yesterday"}).status_code == 400
    later = client.get("/api/hsds/services", {"modified_after": "2999-01-01T00:00:00Z"}).json()
    assert later["empty"] is True


def test_markup_is_kept_as_text_in_json(cast, territory):
    service = ServiceFactory(organisation=cast.organisation, name_fr="<b>Gras</b>")
    data = cast.client_for("admin").get(f"/api/hsds/services/{service.uuid}").json()
    assert data["name"] == "<b>Gras</b>"
