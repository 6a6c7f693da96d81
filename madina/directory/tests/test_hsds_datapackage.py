"""The HSDS 3.0 tables (Frictionless data package, ZIP): structure, keys, same data as the JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import uuid
import zipfile
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madina.actors.tests.factories import FocalPersonFactory
from madina.directory import hsds_tables
from madina.directory.hsds_structure import OBJECTS
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

URL = "/api/hsds/datapackage.zip"


@pytest.fixture
def services(cast, territory):
    person = FocalPersonFactory(
        organisation=cast.organisation, full_name="Samira Haddou", phone="+212536601234"
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
        address="Tribunal de première instance, bureau 3\nQuartier administratif",
        commune=territory.nador,
        accepts_referrals=True,
        referral_focal_point=person,
    )
    full.communes_served.set([territory.nador, territory.beni_ansar])
    sibling = ServiceFactory(
        organisation=cast.organisation, name_fr="Écoute", address="Rue 5", languages=""
    )
    bare = ServiceFactory(organisation=cast.other_organisation, name_fr="Soutien scolaire")
    hidden = ServiceFactory(organisation=cast.organisation, name_fr="Ancien", is_active=False)
    hidden_other = ServiceFactory(
        organisation=cast.other_organisation, name_fr="Fermé ailleurs", is_active=False
    )
    return full, sibling, bare, hidden, hidden_other


def _open(response) -> tuple[dict, dict[str, list[dict[str, str]]], dict[str, list[str]]]:
    """The descriptor, the rows of every CSV (as dicts) and the header of every CSV."""
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    package = json.loads(archive.read("datapackage.json").decode("utf-8"))
    tables, headers = {}, {}
    for resource in package["resources"]:
        raw = archive.read(resource["path"])
        assert not raw.startswith(b"\xef\xbb\xbf")
        reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
        header, *body = list(reader)
        headers[resource["name"]] = header
        tables[resource["name"]] = [dict(zip(header, row, strict=True)) for row in body]
    return package, tables, headers


def _get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:500]
    return response


def test_signed_out_gets_nothing(client, services):
    assert client.get(URL).status_code in {401, 403}
    assert client.get("/api/hsds/services").status_code == client.get(URL).status_code


def test_the_zip_is_a_tabular_data_package(cast, services):
    response = _get(cast.client_for("outsider"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="madina-hsds-3.0.zip"'
    package, tables, headers = _open(response)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert package["profile"] == "tabular-data-package"
    assert package["name"] and package["title"] and package["version"] == "3.0"
    assert package["licenses"][0]["name"]
    csv_files = {name for name in archive.namelist() if name != "datapackage.json"}
    assert {resource["path"] for resource in package["resources"]} == csv_files
    assert all(name.endswith(".csv") for name in csv_files)
    assert {resource["name"] for resource in package["resources"]} == set(OBJECTS)
    for resource in package["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        schema = resource["schema"]
        assert schema["primaryKey"] == "id"
        assert headers[resource["name"]] == [field["name"] for field in schema["fields"]]


def test_columns_are_the_scalar_properties_of_the_hsds_objects():
    for table, schema in OBJECTS.items():
        scalars = [
            name
            for name, prop in schema["properties"].items()
            if "properties" not in prop and prop.get("type") != "array"
        ]
        columns = list(hsds_tables.columns(table))
        assert columns[: len(scalars)] == scalars
        assert all(name.endswith("_id") for name in columns[len(scalars) :])
    assert hsds_tables.columns("phone") == ("id", "service_id", "contact_id", "number")
    # Fields HSDS requires that the tables do not promise: only the documented ones.
    relaxed = {
        (table, name)
        for table, schema in OBJECTS.items()
        for name in schema["required"]
        if name not in hsds_tables.required(table)
    }
    assert relaxed == {
        ("organization", "description"),
        ("address", "city"),
        ("address", "state_province"),
        ("address", "postal_code"),
    }


def _check_cell(field: dict, value: str) -> None:
    constraints = field["constraints"]
    if value == "":
        assert not constraints["required"], field["name"]
        return
    if field.get("format") == "uuid":
        uuid.UUID(value)
    if field["type"] == "number":
        number = float(value)
        assert math.isfinite(number)
        assert (
            constraints.get("minimum", -math.inf) <= number <= constraints.get("maximum", math.inf)
        )
    if "enum" in constraints:
        assert value in constraints["enum"], (field["name"], value)


def test_cells_keys_and_foreign_keys_hold(cast, services):
    package, tables, _headers = _open(_get(cast.client_for("outsider")))
    ids = {name: [row["id"] for row in rows] for name, rows in tables.items()}
    for resource in package["resources"]:
        name, schema = resource["name"], resource["schema"]
        assert len(ids[name]) == len(set(ids[name])), f"duplicate ids in {name}"
        for row in tables[name]:
            for field in schema["fields"]:
                _check_cell(field, row[field["name"]])
        for key in schema.get("foreignKeys", []):
            target = set(ids[key["reference"]["resource"]])
            for row in tables[name]:
                value = row[key["fields"]]
                assert value == "" or value in target, (name, key["fields"], value)
    # Every row is reachable: each phone belongs to a service or a contact.
    assert all(row["service_id"] or row["contact_id"] for row in tables["phone"])
    assert {key["fields"] for key in _resource(package, "phone")["schema"]["foreignKeys"]} == {
        "service_id",
        "contact_id",
    }


def _resource(package, name):
    return next(resource for resource in package["resources"] if resource["name"] == name)


def _by(rows, key):
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row[key], []).append(row)
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_rows_are_what_the_json_api_returns(cast, services, language):
    client = cast.client_for("outsider")
    _package, tables, _headers = _open(_get(client, language=language))
    contents = client.get("/api/hsds/services", {"language": language, "per_page": 100}).json()[
        "contents"
    ]
    assert [row["id"] for row in tables["service"]] == [s["id"] for s in contents]
    for service, row in zip(contents, tables["service"], strict=True):
        for name in hsds_tables.columns("service"):
            assert row[name] == str(service.get(name, "")), name
    assert {row["id"] for row in tables["organization"]} == {
        s["organization"]["id"] for s in contents
    }
    assert len(tables["organization"]) == 2  # two services of one organisation: one row
    for plural, table in [
        ("phones", "phone"),
        ("languages", "language"),
        ("service_areas", "service_area"),
        ("schedules", "schedule"),
        ("contacts", "contact"),
        ("service_at_locations", "service_at_location"),
    ]:
        rows = _by(tables[table], "service_id")
        for service in contents:
            got = [row["id"] for row in rows.get(service["id"], [])]
            assert got == [item["id"] for item in service[plural]], (table, service["name"])
    attributes = _by(tables["attribute"], "link_id")
    for service in contents:
        assert [row["id"] for row in attributes[service["id"]]] == [
            a["id"] for a in service["attributes"]
        ]
        for link in service["service_at_locations"]:
            location = next(r for r in tables["location"] if r["id"] == link["location_id"])
            assert location["name"] == link["location"]["name"]
            addresses = [r for r in tables["address"] if r["location_id"] == location["id"]]
            assert [a["address_1"] for a in addresses] == [
                a["address_1"] for a in link["location"].get("addresses", [])
            ]
    contact_phones = [row for row in tables["phone"] if row["contact_id"]]
    assert [row["number"] for row in contact_phones] == ["+212 5 36 60 12 34"]
    assert {row["code"] for row in tables["language"]} == {"ar", "ary", "fr", ""}
    # Two types among three services: a term shared by two services is one row.
    assert sorted(row["code"] for row in tables["taxonomy_term"]) == [
        "police_justice",
        "psychosocial",
    ]


def test_arabic_and_awkward_text_round_trip(cast, services):
    full = services[0]
    _package, tables, _headers = _open(_get(cast.client_for("coordinator"), language="ar"))
    service = next(row for row in tables["service"] if row["id"] == str(full.uuid))
    assert service["name"] == "خلية المحكمة"
    assert "Cellule du tribunal" in service["alternate_name"]
    address = next(row for row in tables["address"] if row["address_1"].startswith("Tribunal"))
    assert address["address_1"] == "Tribunal de première instance, bureau 3\nQuartier administratif"
    assert (address["city"], address["country"], address["postal_code"]) == ("الناظور", "MA", "")
    assert next(row for row in tables["service_area"] if row["name"] == "بني أنصار")


def test_inactive_services_are_absent(cast, services):
    _full, _sibling, _bare, hidden, hidden_other = services
    response = _get(cast.client_for("admin"))
    _package, tables, _headers = _open(response)
    ids = {row["id"] for row in tables["service"]}
    assert len(ids) == 3
    assert str(hidden.uuid) not in ids and str(hidden_other.uuid) not in ids
    content = b"".join(
        zipfile.ZipFile(io.BytesIO(response.content)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    ).decode("utf-8")
    assert "Ancien" not in content and "Fermé ailleurs" not in content


def test_a_private_focal_point_is_not_published(cast, services):
    person = services[0].referral_focal_point
    person.is_public = False
    person.save()
    _package, tables, _headers = _open(_get(cast.client_for("admin")))
    assert tables["contact"] == []
    assert all(not row["contact_id"] for row in tables["phone"])


def test_queries_do_not_grow_with_the_services(cast, territory, django_assert_max_num_queries):
    client = cast.client_for("outsider")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _get(client)
        return len(captured)

    def add(count):
        for _ in range(count):
            service = ServiceFactory(
                organisation=cast.organisation, commune=territory.nador, phone="+212536607080"
            )
            service.communes_served.set([territory.nador])

    add(2)
    few = queries()
    add(10)
    assert queries() == few
    with django_assert_max_num_queries(12):
        _get(client)


def test_the_list_page_links_to_the_download(cast, services):
    for language, text in [
        ("fr", "Télécharger l'annuaire en données ouvertes (tables HSDS, ZIP)"),
        ("ar", "تنزيل الدليل كبيانات مفتوحة (جداول HSDS، ZIP)"),
    ]:
        page = cast.client_for("readonly").get(f"/{language}/services/")
        html = unescape(page.content.decode())
        assert f'href="{reverse("directory-api-hsds-datapackage")}?language={language}"' in html
        assert text in html


def test_frictionless_finds_the_package_valid(cast, services, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    response = _get(cast.client_for("outsider"))
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
