"""The HSDS JSON API validated against the vendored HSDS 3.0 schema files (schema/hsds-3.0/).

The per-object files refer to each other by relative file name (``"$ref": "phone.json"``) and
have neither ``$id`` nor ``$schema``: they are registered in a ``referencing.Registry`` under
their file names, and validated with the dialect declared by ``$schema`` when a file has one,
else JSON Schema 2020-12 (the ``jsonSchemaDialect`` of the HSDS 3.0 ``openapi.json``). Formats
are checked: jsonschema checks ``uuid``, ``date`` and ``email`` itself; ``date-time`` and ``uri``
need optional packages, so strict checkers are added here. Negative controls prove the
validator is live. See schema/hsds-3.0/README.md and docs/decisions/0021, point 7.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from madina.actors.tests.factories import FocalPersonFactory
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema" / "hsds-3.0"
LIST_ITEM = "compiled/service_list.json"
NOT_VENDORED = {"funding.json"}  # a profile patch in the only 3.0 copy found: see the README

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _uri(value) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def _files() -> list[Path]:
    return sorted(SCHEMA_DIR.rglob("*.json"))


def _name(path: Path) -> str:
    return path.relative_to(SCHEMA_DIR).as_posix()


@cache
def _contents(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    resources = [
        (
            _name(path),
            Resource.from_contents(_contents(_name(path)), default_specification=DRAFT202012),
        )
        for path in _files()
    ]
    return Registry().with_resources(resources).crawl()


def _validator(name: str):
    cls = validator_for(_contents(name), default=Draft202012Validator)
    # Through the registry, so that the file's relative $refs resolve against its own name.
    return cls({"$ref": name}, registry=_registry(), format_checker=FORMATS)


def _errors(name: str, data) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _validator(name).iter_errors(data)
    ]


@pytest.fixture
def rich_service(cast, territory):
    organisation = cast.organisation
    organisation.mandate = "Accompagnement des femmes et des enfants victimes de violence."
    organisation.email = "contact@rif-solidarite.example.org"
    organisation.website = "https://rif-solidarite.example.org/"
    organisation.save()
    person = FocalPersonFactory(
        organisation=organisation,
        full_name="Samira Haddou",
        role="Assistante sociale",
        phone="+212536601234",
        email="samira@example.org",
        is_public=True,
    )
    service = ServiceFactory(
        organisation=organisation,
        name_fr="Cellule de prise en charge des femmes victimes de violence",
        name_ar="خلية التكفل بالنساء ضحايا العنف",
        description_fr="Accueil, écoute et orientation des femmes victimes de violence.",
        description_ar="استقبال النساء ضحايا العنف والاستماع إليهن وتوجيههن.",
        type="police_justice",
        is_specialised_cell=True,
        cell_kind="court",
        languages="ar ary fr other",
        opening_hours="Du lundi au vendredi, 8 h 30 – 16 h 30 / من الاثنين إلى الجمعة",
        phone="+212536607080",
        email="cellule@example.org",
        address="Tribunal de première instance, avenue Hassan II",
        commune=territory.nador,
        latitude=Decimal("35.168512"),
        longitude=Decimal("-2.927845"),
        eligibility="Femmes et enfants victimes de violence.",
        how_to_access="Se présenter à l'accueil du tribunal.",
        accepts_referrals=True,
        referral_focal_point=person,
        fees="Aucun frais.",
    )
    service.communes_served.set([territory.nador, territory.beni_ansar, territory.selouane])
    ServiceFactory(organisation=cast.other_organisation, name_fr="Soutien scolaire")
    return service


def _get_service(cast, service, language: str) -> dict:
    response = cast.client_for("outsider").get(
        f"/api/hsds/services/{service.uuid}", {"language": language}
    )
    assert response.status_code == 200
    return response.json()


def test_the_vendored_files_are_those_listed_in_the_readme():
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w/]+\.json)` \|.*\| `([0-9a-f]{64})` \|$", readme, re.M))
    on_disk = {_name(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in _files()}
    assert listed == on_disk
    for name in on_disk:
        assert isinstance(_contents(name), dict)


def test_every_reference_resolves_except_the_funding_patch():
    references = set()
    for path in _files():
        references |= set(re.findall(r'"\$ref": "([^"#]+)"', path.read_text(encoding="utf-8")))
    resolver = _registry().resolver()
    missing = set()
    for reference in references:
        try:
            resolver.lookup(reference)
        except Unresolvable:
            missing.add(reference)
    assert missing == NOT_VENDORED
    assert "phone.json" in references and "taxonomy.json" in references


def test_the_compiled_list_item_agrees_with_the_object_files():
    compiled = _contents(LIST_ITEM)
    service, organization = _contents("service.json"), _contents("organization.json")
    nested = {"organization", "program"}
    for key, value in compiled["properties"].items():
        if key not in nested:
            assert service["properties"][key] == value, key
    for key, value in compiled["properties"]["organization"]["properties"].items():
        assert organization["properties"][key] == value, key
    assert compiled["required"] == service["required"]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_one_service_is_valid_against_the_official_service_schema(cast, rich_service, language):
    data = _get_service(cast, rich_service, language)
    assert _errors("service.json", data) == []
    # What was validated is the rich service, in the language asked for.
    name = rich_service.name_ar if language == "ar" else rich_service.name_fr
    assert data["name"] == name
    assert data["phones"] and data["schedules"] and data["contacts"][0]["phones"]
    assert {item.get("code") for item in data["languages"]} == {"ar", "ary", "fr", None}
    assert len(data["service_areas"]) == 3
    location = data["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (35.168512, -2.927845)
    assert location["addresses"][0]["country"] == "MA"
    assert data["attributes"][0]["taxonomy_term"]["taxonomy"]
    assert data["organization"]["website"] == "https://rif-solidarite.example.org/"
    assert "funding" not in data  # its $ref is the one the vendored set cannot resolve


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_embedded_organization_is_valid(cast, rich_service, language):
    data = _get_service(cast, rich_service, language)
    assert _errors("organization.json", data["organization"]) == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_item_of_the_services_list_is_valid(cast, rich_service, language):
    page = cast.client_for("outsider").get("/api/hsds/services", {"language": language}).json()
    assert page["total_items"] == 2
    for item in page["contents"]:
        # The list item of the API (one-to-one fields) and, as our items are fully nested,
        # the full service too.
        assert _errors(LIST_ITEM, item) == []
        assert _errors("service.json", item) == []


def _without(*path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


def _set(value, *path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


BROKEN = {
    "no service name": (_without("name"), "'name' is a required property"),
    "status open": (_set("open", "status"), "'open' is not one of"),
    "id not a uuid": (_set("cellule-1", "id"), "is not a 'uuid'"),
    "bad last_modified": (_set("2026-11-29 10:00", "last_modified"), "is not a 'date-time'"),
    "organization without description": (
        _without("organization", "description"),
        "'description' is a required property",
    ),
    "website not a uri": (_set("rif solidarite", "organization", "website"), "is not a 'uri'"),
    "address without country": (
        _without("service_at_locations", 0, "location", "addresses", 0, "country"),
        "'country' is a required property",
    ),
    "location type unknown": (
        _set("online", "service_at_locations", 0, "location", "location_type"),
        "'online' is not one of",
    ),
    "phone without number": (_without("phones", 0, "number"), "'number' is a required property"),
    "contact phone id not a uuid": (
        _set("42", "contacts", 0, "phones", 0, "id"),
        "is not a 'uuid'",
    ),
    "taxonomy term without name": (
        _without("attributes", 0, "taxonomy_term", "name"),
        "'name' is a required property",
    ),
    "latitude as text": (
        _set("35.1", "service_at_locations", 0, "location", "latitude"),
        "is not of type 'number'",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_copy_fails_the_service_schema(cast, rich_service, case):
    """Negative controls: the validator, its $refs and its format checks are live."""
    data = _get_service(cast, rich_service, "fr")
    change, expected = BROKEN[case]
    broken = copy.deepcopy(data)
    change(broken)
    errors = _errors("service.json", broken)
    assert errors, f"{case}: the official schema accepted a broken service"
    assert any(expected in error for error in errors), errors
    assert _errors("service.json", data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_without("name"), "'name' is a required property"),
        (_set("open", "status"), "'open' is not one of"),
        (_without("organization", "name"), "'name' is a required property"),
    ],
)
def test_a_broken_list_item_fails_the_compiled_schema(cast, rich_service, change, expected):
    page = cast.client_for("outsider").get("/api/hsds/services").json()
    item = copy.deepcopy(page["contents"][0])
    change(item)
    errors = _errors(LIST_ITEM, item)
    assert any(expected in error for error in errors), errors
