"""The public, read-only area API."""

import pytest

NADOR = "02.381.01.05"


def test_anyone_may_list_areas(client, oriental):
    response = client.get("/api/areas/")
    assert response.status_code == 200
    assert response.json()["count"] == 133


def test_the_search_is_forgiving_and_exact_matches_come_first(client, oriental):
    body = client.get("/api/areas/", {"q": "بني أنصار"}).json()
    assert body["results"][0]["code"] == "02.381.01.03"
    body = client.get("/api/areas/", {"q": "nador", "level": "commune"}).json()
    assert body["results"][0]["code"] == NADOR


def test_filters_by_level_and_parent(client, oriental):
    body = client.get("/api/areas/", {"level": "province", "parent": "02"}).json()
    assert body["count"] == 8
    assert {row["level"] for row in body["results"]} == {"province"}
    body = client.get("/api/areas/", {"parent": "02.381"}).json()
    assert body["count"] == 23
    assert all(row["parent"] == "02.381" for row in body["results"])


def test_a_bad_level_is_a_400(client, oriental):
    response = client.get("/api/areas/", {"level": "planet"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_one_area_by_code(client, oriental):
    body = client.get(f"/api/areas/{NADOR}/").json()
    assert body["name_ar"] == "الناضور"
    assert body["name_fr"] == "Nador"
    assert body["parent"] == "02.381"
    assert body["latitude"] == pytest.approx(35.173436)
    assert client.get("/api/areas/02.381/").json()["iso_code"] == "MA-NAD"
    assert client.get("/api/areas/99.9/").status_code == 404


def test_the_api_is_read_only(client, cast, oriental):
    api = cast.client_for("coordinator")
    assert api.post("/api/areas/", {"code": "x"}).status_code == 405
    assert api.delete(f"/api/areas/{NADOR}/").status_code == 405


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/areas/{code}/" in schema
    assert "parent" in schema
