"""A structural JSON Schema of the HSDS 3.0 objects the directory publishes.

Not the official schema (docs/decisions/0021, point 7): it restates, for the objects and
fields we emit, the properties (in the order of the schema), ``required`` lists, enumerations and
formats of the HSDS 3.0 files ``schema/{service,organization,location,address,
service_at_location,phone,schedule,language,contact,service_area,attribute,taxonomy_term}.json``
and the ``Page`` of ``schema/openapi.json`` (openreferral/specification, branch 3.0,
CC BY-SA 4.0). Extra properties are allowed, as in HSDS.

The tests validate the JSON API against it; ``hsds_tables`` derives the columns of the tabular
form (one CSV per object) from it, so that the two forms list the same fields.
"""

UUID = {"type": "string", "format": "uuid"}
STRING = {"type": "string"}


def _object(required, **properties):
    props = {"id": UUID, **properties}
    return {"type": "object", "required": ["id", *required], "properties": props}


def _array(item):
    return {"type": "array", "items": item}


PHONE = _object(["number"], service_id=UUID, contact_id=UUID, number=STRING)
ADDRESS = _object(
    ["address_1", "city", "state_province", "postal_code", "country", "address_type"],
    location_id=UUID,
    address_1=STRING,
    city=STRING,
    state_province=STRING,
    postal_code=STRING,
    country={"type": "string", "pattern": "^[A-Z]{2}$"},
    address_type={"enum": ["physical", "postal", "virtual"]},
)
LOCATION = _object(
    ["location_type"],
    location_type={"enum": ["physical", "postal", "virtual"]},
    organization_id=UUID,
    name=STRING,
    latitude={"type": "number", "minimum": -90, "maximum": 90},
    longitude={"type": "number", "minimum": -180, "maximum": 180},
    addresses=_array(ADDRESS),
)
ORGANIZATION = _object(
    ["name", "description"],
    name=STRING,
    alternate_name=STRING,
    description=STRING,
    email={"type": "string", "format": "email"},
    website={"type": "string", "format": "uri"},
)
TAXONOMY_TERM = _object(
    ["name", "description"],
    code=STRING,
    name=STRING,
    description=STRING,
    taxonomy=STRING,
)
SCHEDULE = _object([], service_id=UUID, description=STRING)
SERVICE_AREA = _object([], service_id=UUID, name=STRING, description=STRING)
LANGUAGE = _object([], service_id=UUID, name=STRING, code=STRING)
CONTACT = _object(
    [],
    service_id=UUID,
    name=STRING,
    title=STRING,
    email={"type": "string", "format": "email"},
    phones=_array(PHONE),
)
ATTRIBUTE = _object(
    [],
    link_id=UUID,
    taxonomy_term_id=UUID,
    link_type=STRING,
    link_entity=STRING,
    value=STRING,
    taxonomy_term=TAXONOMY_TERM,
)
SERVICE_AT_LOCATION = _object([], service_id=UUID, location_id=UUID, location=LOCATION)
SERVICE = _object(
    ["name", "status"],
    organization_id=UUID,
    name=STRING,
    alternate_name=STRING,
    description=STRING,
    email={"type": "string", "format": "email"},
    status={"enum": ["active", "inactive", "defunct", "temporarily closed"]},
    application_process=STRING,
    fees_description=STRING,
    eligibility_description=STRING,
    last_modified={"type": "string", "format": "date-time"},
    phones=_array(PHONE),
    schedules=_array(SCHEDULE),
    service_areas=_array(SERVICE_AREA),
    service_at_locations=_array(SERVICE_AT_LOCATION),
    languages=_array(LANGUAGE),
    organization=ORGANIZATION,
    contacts=_array(CONTACT),
    attributes=_array(ATTRIBUTE),
)

# Every object above by its HSDS name (the name of its table in the tabular form).
OBJECTS = {
    "organization": ORGANIZATION,
    "service": SERVICE,
    "attribute": ATTRIBUTE,
    "service_at_location": SERVICE_AT_LOCATION,
    "location": LOCATION,
    "phone": PHONE,
    "contact": CONTACT,
    "address": ADDRESS,
    "schedule": SCHEDULE,
    "service_area": SERVICE_AREA,
    "language": LANGUAGE,
    "taxonomy_term": TAXONOMY_TERM,
}

# The ``tabular_required`` lists of the same files: keys that nesting makes implicit in JSON
# but that a row of the tabular form must carry.
TABULAR_REQUIRED = {
    "service": ["organization_id"],
    "service_at_location": ["service_id", "location_id"],
    "attribute": ["link_id", "taxonomy_term_id", "link_entity"],
}

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
