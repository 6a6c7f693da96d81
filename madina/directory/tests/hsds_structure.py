"""A structural JSON Schema of the HSDS 3.0 objects the directory publishes.

Not the official schema (docs/decisions/0021, point 7): it restates, for the objects and
fields we emit, the ``required`` lists, enumerations and formats of the HSDS 3.0 files
``schema/{service,organization,location,address,service_at_location,phone,schedule,language,
contact,service_area,attribute,taxonomy_term}.json`` and the ``Page`` of ``schema/openapi.json``
(openreferral/specification, branch 3.0, CC BY-SA 4.0). Extra properties are allowed, as in HSDS.
"""

UUID = {"type": "string", "format": "uuid"}


def _object(required, **properties):
    props = {"id": UUID, **properties}
    return {"type": "object", "required": ["id", *required], "properties": props}


def _array(item):
    return {"type": "array", "items": item}


PHONE = _object(["number"], number={"type": "string"}, service_id=UUID, contact_id=UUID)
ADDRESS = _object(
    ["address_1", "city", "state_province", "postal_code", "country", "address_type"],
    location_id=UUID,
    address_1={"type": "string"},
    city={"type": "string"},
    state_province={"type": "string"},
    postal_code={"type": "string"},
    country={"type": "string", "pattern": "^[A-Z]{2}$"},
    address_type={"enum": ["physical", "postal", "virtual"]},
)
LOCATION = _object(
    ["location_type"],
    location_type={"enum": ["physical", "postal", "virtual"]},
    organization_id=UUID,
    name={"type": "string"},
    latitude={"type": "number", "minimum": -90, "maximum": 90},
    longitude={"type": "number", "minimum": -180, "maximum": 180},
    addresses=_array(ADDRESS),
)
ORGANIZATION = _object(
    ["name", "description"],
    name={"type": "string"},
    alternate_name={"type": "string"},
    description={"type": "string"},
    email={"type": "string", "format": "email"},
    website={"type": "string", "format": "uri"},
)
TAXONOMY_TERM = _object(
    ["name", "description"], name={"type": "string"}, description={"type": "string"}
)
SERVICE = _object(
    ["name", "status"],
    organization_id=UUID,
    name={"type": "string"},
    alternate_name={"type": "string"},
    description={"type": "string"},
    email={"type": "string", "format": "email"},
    status={"enum": ["active", "inactive", "defunct", "temporarily closed"]},
    application_process={"type": "string"},
    fees_description={"type": "string"},
    eligibility_description={"type": "string"},
    last_modified={"type": "string", "format": "date-time"},
    organization=ORGANIZATION,
    phones=_array(PHONE),
    schedules=_array(_object([], service_id=UUID, description={"type": "string"})),
    service_areas=_array(_object([], service_id=UUID, name={"type": "string"})),
    languages=_array(
        _object([], service_id=UUID, name={"type": "string"}, code={"type": "string"})
    ),
    contacts=_array(_object([], service_id=UUID, name={"type": "string"}, phones=_array(PHONE))),
    attributes=_array(
        _object(
            [],
            link_id=UUID,
            taxonomy_term_id=UUID,
            link_type={"type": "string"},
            link_entity={"type": "string"},
            value={"type": "string"},
            taxonomy_term=TAXONOMY_TERM,
        )
    ),
    service_at_locations=_array(_object([], service_id=UUID, location_id=UUID, location=LOCATION)),
)
PAGE = {
    "type": "object",
    "required": [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ],
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": _array(SERVICE),
    },
}
