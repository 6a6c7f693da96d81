"""The directory as Open Referral HSDS 3.0 objects (docs/decisions/0021).

HSDS identifiers are UUIDs: a service has its own (``Service.uuid``); every object derived from it
(location, address, schedule, phone, language, service area, contact) gets a UUID computed from
the service's, and an organisation one computed from its primary key, so that an export run twice
gives the same identifiers. HSDS carries one language per publication: names and descriptions
come out in the language asked for, the other names as ``alternate_name``.

Only what the directory shows every signed-in user is exported: active services, and a referral
focal point only when its organisation made it public.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import translation

from madina.directory.models import Language, Service

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/hsds/3.0"
# The namespace of every identifier derived here; never change it, or identifiers change.
NAMESPACE = uuid.UUID("6f0f4a53-7d1e-4b0b-9a3c-2e4d9a0b6c11")
SERVICE_TYPE_TAXONOMY = "madina-service-type"


def organisation_uuid(pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organisation:{pk}"))


def _derived(service: Service, what: str) -> str:
    return str(uuid.uuid5(service.uuid, what))


def export_queryset():
    """Active services with everything the export reads, in a fixed number of queries."""
    return (
        Service.objects.filter(is_active=True)
        .select_related("organisation", "commune__parent", "referral_focal_point", "sector")
        .prefetch_related("communes_served")
        .order_by("pk")
    )


def _organisation(service: Service) -> dict[str, Any]:
    organisation = service.organisation
    data: dict[str, Any] = {
        "id": organisation_uuid(organisation.pk),
        "name": organisation.name,
        "alternate_name": organisation.acronym or None,
        "description": organisation.mandate,
        "email": organisation.email or None,
        "website": organisation.website or None,
    }
    return {key: value for key, value in data.items() if value is not None}


def _other_names(service: Service) -> str:
    names = [service.name_ar, service.name_fr, service.name_en]
    return " / ".join(name for name in names if name and name != service.name)


def _location(service: Service) -> dict[str, Any] | None:
    if not (service.address or service.commune_id or service.latitude is not None):
        return None
    location_id = _derived(service, "location")
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organisation_uuid(service.organisation_id),
        "name": service.name,
    }
    lat, lng = service.latitude, service.longitude
    if lat is None and service.commune is not None:
        lat, lng = service.commune.latitude, service.commune.longitude
    if lat is not None and lng is not None:
        location["latitude"] = float(lat)
        location["longitude"] = float(lng)
    if service.address or service.commune_id:
        commune = service.commune
        location["addresses"] = [
            {
                "id": _derived(service, "address"),
                "location_id": location_id,
                "address_1": service.address or (commune.name if commune else ""),
                "city": commune.name if commune else "",
                "state_province": commune.parent.name if commune and commune.parent else "",
                "postal_code": "",
                "country": "MA",
                "address_type": "physical",
            }
        ]
    return location


def _languages(service: Service) -> list[dict[str, Any]]:
    labels = dict(Language.choices)
    result = []
    for code in service.language_codes:
        item = {
            "id": _derived(service, f"language:{code}"),
            "service_id": str(service.uuid),
            "name": str(labels.get(code, code)),
        }
        if code != Language.OTHER:
            item["code"] = code
        result.append(item)
    return result


def _contacts(service: Service) -> list[dict[str, Any]]:
    person = service.referral_focal_point
    if not service.accepts_referrals or person is None or not person.is_public:
        return []
    contact_id = _derived(service, f"contact:{person.pk}")
    contact: dict[str, Any] = {
        "id": contact_id,
        "service_id": str(service.uuid),
        "name": person.full_name,
        "title": person.role,
    }
    if person.email:
        contact["email"] = person.email
    if person.phone:
        contact["phones"] = [
            {
                "id": _derived(service, f"contact-phone:{person.pk}"),
                "contact_id": contact_id,
                "number": person.phone.as_international,
            }
        ]
    return [contact]


def service_to_hsds(service: Service, *, language: str = "fr") -> dict[str, Any]:
    """One service as a fully nested HSDS 3.0 ``service`` object."""
    with translation.override(language):
        service_id = str(service.uuid)
        fees = str(service.get_cost_display())
        if service.fees:
            fees = f"{fees}. {service.fees}"
        data: dict[str, Any] = {
            "id": service_id,
            "organization_id": organisation_uuid(service.organisation_id),
            "name": service.name,
            "alternate_name": _other_names(service),
            "description": service.description,
            "email": service.email or None,
            "status": "active" if service.is_active else "inactive",
            "application_process": service.how_to_access,
            "fees_description": fees,
            "eligibility_description": service.eligibility,
            "last_modified": service.updated_at.isoformat(),
            "organization": _organisation(service),
            "languages": _languages(service),
            "contacts": _contacts(service),
            "schedules": [],
            "phones": [],
            "service_areas": [
                {
                    "id": _derived(service, f"area:{area.code}"),
                    "service_id": service_id,
                    "name": area.name,
                    "description": area.code,
                }
                for area in sorted(service.communes_served.all(), key=lambda a: a.code)
            ],
            "service_at_locations": [],
            "attributes": [
                {
                    "id": _derived(service, "attribute:type"),
                    "link_id": service_id,
                    "link_entity": "service",
                    "link_type": "service_type",
                    "taxonomy_term_id": str(
                        uuid.uuid5(NAMESPACE, f"{SERVICE_TYPE_TAXONOMY}:{service.type}")
                    ),
                    "value": service.type,
                    "taxonomy_term": {
                        "id": str(uuid.uuid5(NAMESPACE, f"{SERVICE_TYPE_TAXONOMY}:{service.type}")),
                        "code": service.type,
                        "name": str(service.get_type_display()),
                        "description": str(service.get_type_display()),
                        "taxonomy": SERVICE_TYPE_TAXONOMY,
                    },
                }
            ],
        }
        if service.opening_hours:
            data["schedules"].append(
                {
                    "id": _derived(service, "schedule"),
                    "service_id": service_id,
                    "description": service.opening_hours,
                }
            )
        if service.phone:
            data["phones"].append(
                {
                    "id": _derived(service, "phone"),
                    "service_id": service_id,
                    "number": service.phone.as_international,
                }
            )
        location = _location(service)
        if location is not None:
            data["service_at_locations"].append(
                {
                    "id": _derived(service, "service_at_location"),
                    "service_id": service_id,
                    "location_id": location["id"],
                    "location": location,
                }
            )
    return {key: value for key, value in data.items() if value is not None}


def hsds_page(services, *, page_number: int, per_page: int, total: int, language: str) -> dict:
    """The HSDS ``Page`` wrapper around a list of services."""
    total_pages = max(1, -(-total // per_page))
    contents = [service_to_hsds(service, language=language) for service in services]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
