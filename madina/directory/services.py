"""Writes of the services directory. Views, the API and the demo loader all go through here.

Keyword-only and atomic, like the actors services: check the permission (``PermissionDenied``),
validate (``ValidationError`` per field), write, record the audit event. A refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.directory.models import Language, Service, languages_value
from madina.territory.models import Area

SERVICE_FIELDS = (
    "name_ar",
    "name_fr",
    "name_en",
    "description_ar",
    "description_fr",
    "description_en",
    "type",
    "sector",
    "eligibility",
    "cost",
    "fees",
    "languages",
    "opening_hours",
    "address",
    "commune",
    "latitude",
    "longitude",
    "phone",
    "email",
    "how_to_access",
    "without_papers",
    "accepts_referrals",
    "referral_focal_point",
    "is_specialised_cell",
    "cell_kind",
    "is_active",
)
SERVICE_M2M = ("communes_served",)
_NULLABLE = {"sector", "commune", "latitude", "longitude", "referral_focal_point"}
_STRIPPED = {"name_ar", "name_fr", "name_en", "address"}


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    unknown = set(data) - set(SERVICE_FIELDS) - set(SERVICE_M2M)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    fields, m2m = {}, {}
    for key, value in data.items():
        if key in SERVICE_M2M:
            m2m[key] = list(value or [])
        elif key == "languages":
            codes = value.split() if isinstance(value, str) else list(value or [])
            unknown_codes = set(codes) - set(Language.values)
            if unknown_codes:
                raise ValidationError({"languages": _("Choose languages from the list.")})
            fields[key] = languages_value(codes)
        elif key in {"latitude", "longitude"} and value not in (None, ""):
            try:
                fields[key] = Service._meta.get_field(key).to_python(value)
            except ValidationError as error:
                raise ValidationError({key: error.messages}) from error
        else:
            if key in _STRIPPED and isinstance(value, str):
                value = value.strip()
            fields[key] = "" if value is None and key not in _NULLABLE else value
    return fields, m2m


def _validate(service: Service, m2m: Mapping[str, list]) -> None:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not any((service.name_ar, service.name_fr, service.name_en)):
        add("name_ar", _("Give the name of the service in at least one language."))
    if service.is_specialised_cell:
        if not service.cell_kind:
            add("cell_kind", _("Say which kind of specialised cell this is."))
    else:
        service.cell_kind = ""
    person = service.referral_focal_point
    if person is not None and person.organisation_id != service.organisation_id:
        add(
            "referral_focal_point",
            _("Choose a focal person of the organisation that offers the service."),
        )
    elif service.accepts_referrals and person is None:
        add(
            "referral_focal_point",
            _("A service that accepts referrals needs a focal point to receive them."),
        )
    if service.sector_id is not None and service.sector.parent_id is not None:
        add("sector", _("Choose a programme of the national strategy, not a sub-sector."))
    if service.commune_id is not None and service.commune.level != Area.Level.COMMUNE:
        add("commune", _("Choose a commune."))
    communes = m2m.get("communes_served")
    if communes is not None and any(area.level != Area.Level.COMMUNE for area in communes):
        add("communes_served", _("Choose communes only."))
    if (service.latitude is None) != (service.longitude is None):
        add("latitude", _("Give both the latitude and the longitude, or neither."))
    if service.latitude is not None and not Decimal(-90) <= service.latitude <= Decimal(90):
        add("latitude", _("A latitude lies between -90 and 90."))
    if service.longitude is not None and not Decimal(-180) <= service.longitude <= Decimal(180):
        add("longitude", _("A longitude lies between -180 and 180."))
    try:
        service.full_clean(exclude=["search_text", "uuid", *errors])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_create(*, actor, organisation, data: Mapping[str, Any]) -> Service:
    """Add a service to the directory; the organisation's admins and members, and coordinators."""
    if not actor.has_perm("directory.change_service", organisation):
        raise PermissionDenied
    fields, m2m = _split(data)
    service = Service(organisation=organisation, **fields)
    _validate(service, m2m)
    service.save()
    for key, values in m2m.items():
        getattr(service, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=service,
        after=snapshot(service),
        organisation_id=organisation.pk,
    )
    return service


@transaction.atomic
def service_update(*, actor, service: Service, data: Mapping[str, Any]) -> Service:
    """Change a service; only the keys present in ``data`` change. Its organisation stays."""
    if not actor.has_perm("directory.change_service", service.organisation):
        raise PermissionDenied
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = snapshot(service)
    fields, m2m = _split(data)
    for key, value in fields.items():
        setattr(service, key, value)
    _validate(service, m2m)
    service.save()
    for key, values in m2m.items():
        getattr(service, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=service,
        before=before,
        after=snapshot(service),
        organisation_id=service.organisation_id,
    )
    return service
