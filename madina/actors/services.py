"""Writes of the actors registry. Views, the API, imports and the admin all go through here.

Every function is keyword-only and atomic: it checks the permission through the rules of
``madina.accounts.rules`` (raising ``PermissionDenied``), validates (raising ``ValidationError``
with messages per field), writes, and records an audit event. When it refuses, nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from madina.accounts.models import Membership
from madina.accounts.rules import is_coordinator
from madina.actors.models import FocalPerson, Organisation, Sector
from madina.actors.selectors import Twin, organisation_probable_twins
from madina.actors.validators import validate_iati_ref
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.territory.models import Area

ORGANISATION_FIELDS = (
    "name_ar",
    "name_fr",
    "name_en",
    "acronym",
    "type",
    "institution_sector",
    "mandate",
    "address",
    "commune",
    "phone",
    "email",
    "website",
    "parent",
    "iati_ref",
    "registration_number",
    "is_active",
)
ORGANISATION_M2M = ("sectors", "communes_covered")
FOCAL_PERSON_FIELDS = ("full_name", "role", "phone", "email", "is_public")
SECTOR_FIELDS = ("code", "kind", "parent", "name_ar", "name_fr", "name_en", "verified", "is_active")
_STRIPPED = {"name_ar", "name_fr", "name_en", "acronym", "iati_ref", "registration_number"}


class ProbableTwinsError(ValidationError):
    """The organisation looks already registered; the caller must confirm to save it anyway."""

    def __init__(self, twins: list[Twin]):
        self.twins = twins
        super().__init__(
            _("This organisation may already be registered. Check the list before saving."),
            code="probable_twins",
        )


def _unknown_keys(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _administers(user, organisation: Organisation | None) -> bool:
    return (
        organisation is not None
        and Membership.objects.active()
        .filter(user=user, organisation=organisation, role=Membership.Role.ADMIN)
        .exists()
    )


def _descendants_and_self(instance) -> set[int]:
    """Primary keys of ``instance`` and of everything below it (organisations or sectors)."""
    model = type(instance)
    found = {instance.pk}
    frontier = [instance.pk]
    while frontier:
        frontier = list(
            model.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found.update(frontier)
    return found


def _check_parent(instance, parent) -> None:
    if (
        parent is not None
        and instance.pk is not None
        and parent.pk in _descendants_and_self(instance)
    ):
        raise ValidationError(
            {"parent": _("An organisation cannot be part of itself or of one of its branches.")}
        )


def _validate_organisation(organisation: Organisation, m2m: Mapping[str, list]) -> None:
    errors: dict[str, list[str]] = {}
    if not any((organisation.name_ar, organisation.name_fr, organisation.name_en)):
        errors.setdefault("name_ar", []).append(
            _("Give the name of the organisation in at least one language.")
        )
    if organisation.type == Organisation.Type.PUBLIC_INSTITUTION:
        if not organisation.institution_sector:
            errors.setdefault("institution_sector", []).append(
                _("Say which sector of government this public institution belongs to.")
            )
    else:
        organisation.institution_sector = ""
    try:
        validate_iati_ref(organisation.iati_ref)
    except ValidationError as error:
        errors.setdefault("iati_ref", []).extend(error.messages)
    if organisation.commune_id is not None and organisation.commune.level != Area.Level.COMMUNE:
        errors.setdefault("commune", []).append(_("Choose a commune."))
    communes = m2m.get("communes_covered")
    if communes is not None and any(area.level != Area.Level.COMMUNE for area in communes):
        errors.setdefault("communes_covered", []).append(_("Choose communes only."))
    try:
        _check_parent(organisation, organisation.parent)
    except ValidationError as error:
        errors.setdefault("parent", []).extend(error.messages)
    try:
        organisation.full_clean(exclude=["search_text", *errors])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    fields, m2m = {}, {}
    for key, value in data.items():
        if key in ORGANISATION_M2M:
            m2m[key] = list(value or [])
        else:
            if key in _STRIPPED and isinstance(value, str):
                value = value.strip()
            fields[key] = "" if value is None and key not in {"commune", "parent"} else value
    return fields, m2m


def _add_admin(*, actor, organisation: Organisation) -> None:
    membership = Membership.objects.create(
        user=actor, organisation=organisation, role=Membership.Role.ADMIN
    )
    actor.__dict__.pop("_madina_roles", None)
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=membership,
        after=snapshot(membership, ["user", "organisation", "role"]),
        organisation_id=organisation.pk,
    )


@transaction.atomic
def organisation_create(
    *, actor, data: Mapping[str, Any], confirm_twins: bool = False
) -> Organisation:
    """Register an organisation.

    Who may: coordinators register any organisation. An organisation admin who is not a
    coordinator may only register a *branch* of an organisation they administer (``parent``
    required and theirs); they become the branch's admin, since nobody else could then manage it.
    A coordinator who creates an organisation does not become its member: coordinators already
    see and edit every organisation, and its own people are invited through the members page.

    Probable twins (same acronym, same or very similar name) stop the creation with
    :class:`ProbableTwinsError` unless ``confirm_twins`` says the user checked them.
    """
    if not actor.has_perm("actors.add_organisation"):
        raise PermissionDenied
    _unknown_keys(data, ORGANISATION_FIELDS + ORGANISATION_M2M)
    fields, m2m = _split(data)
    coordinator = is_coordinator(actor)
    parent = fields.get("parent")
    if not coordinator:
        if parent is None:
            raise ValidationError({"parent": _("Choose the organisation this one is a branch of.")})
        if not _administers(actor, parent):
            raise PermissionDenied
        fields.pop("is_active", None)
    organisation = Organisation(**fields)
    _validate_organisation(organisation, m2m)
    if not confirm_twins:
        twins = organisation_probable_twins(
            name_ar=organisation.name_ar,
            name_fr=organisation.name_fr,
            name_en=organisation.name_en,
            acronym=organisation.acronym,
        )
        if twins:
            raise ProbableTwinsError(twins)
    organisation.save()
    for key, values in m2m.items():
        getattr(organisation, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=organisation,
        after=snapshot(organisation),
        organisation_id=organisation.pk,
    )
    if not coordinator:
        _add_admin(actor=actor, organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, data: Mapping[str, Any]
) -> Organisation:
    """Change an organisation's record; only the keys present in ``data`` change.

    Coordinators and the organisation's admins may. Only coordinators may deactivate or
    reactivate an organisation (a deactivated organisation's admins lose access to it), and an
    organisation admin may attach theirs only under an organisation they also administer.
    """
    if not actor.has_perm("actors.change_organisation", organisation):
        raise PermissionDenied
    _unknown_keys(data, ORGANISATION_FIELDS + ORGANISATION_M2M)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation)
    fields, m2m = _split(data)
    if not is_coordinator(actor):
        if "is_active" in fields and fields["is_active"] != organisation.is_active:
            raise PermissionDenied
        new_parent = fields.get("parent", organisation.parent)
        if (
            new_parent is not None
            and new_parent.pk != organisation.parent_id
            and not _administers(actor, new_parent)
        ):
            raise PermissionDenied
    for key, value in fields.items():
        setattr(organisation, key, value)
    _validate_organisation(organisation, m2m)
    organisation.save()
    for key, values in m2m.items():
        getattr(organisation, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=organisation,
        before=before,
        after=snapshot(organisation),
        organisation_id=organisation.pk,
    )
    return organisation


# --- Focal persons ------------------------------------------------------------------------------


def _save_focal_person(focal_person: FocalPerson, data: Mapping[str, Any]) -> None:
    _unknown_keys(data, FOCAL_PERSON_FIELDS)
    for key, value in data.items():
        setattr(focal_person, key, value.strip() if isinstance(value, str) else value)
    focal_person.full_clean()
    focal_person.save()


@transaction.atomic
def focal_person_create(
    *, actor, organisation: Organisation, data: Mapping[str, Any]
) -> FocalPerson:
    """Add a focal person; the organisation's admins and members, and coordinators, may."""
    if not actor.has_perm("actors.change_focal_persons", organisation):
        raise PermissionDenied
    focal_person = FocalPerson(organisation=organisation)
    _save_focal_person(focal_person, data)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=focal_person,
        after=snapshot(focal_person),
        organisation_id=organisation.pk,
    )
    return focal_person


@transaction.atomic
def focal_person_update(
    *, actor, focal_person: FocalPerson, data: Mapping[str, Any]
) -> FocalPerson:
    if not actor.has_perm("actors.change_focal_persons", focal_person.organisation):
        raise PermissionDenied
    before = snapshot(focal_person)
    _save_focal_person(focal_person, data)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=focal_person,
        before=before,
        after=snapshot(focal_person),
        organisation_id=focal_person.organisation_id,
    )
    return focal_person


@transaction.atomic
def focal_person_delete(*, actor, focal_person: FocalPerson) -> None:
    if not actor.has_perm("actors.change_focal_persons", focal_person.organisation):
        raise PermissionDenied
    before = snapshot(focal_person)
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=focal_person,
        before=before,
        organisation_id=focal_person.organisation_id,
    )
    focal_person.delete()


# --- Sectors ------------------------------------------------------------------------------------


def _save_sector(sector: Sector, data: Mapping[str, Any]) -> None:
    _unknown_keys(data, SECTOR_FIELDS)
    for key, value in data.items():
        setattr(sector, key, value.strip() if isinstance(value, str) else value)
    if sector.parent is not None and sector.pk is not None:
        if sector.parent.pk in _descendants_and_self(sector):
            raise ValidationError(
                {"parent": _("A sector cannot be part of itself or of one of its sub-sectors.")}
            )
    sector.full_clean()
    sector.save()


@transaction.atomic
def sector_create(*, actor, data: Mapping[str, Any]) -> Sector:
    """Add a sector to the taxonomy; coordinators only."""
    if not actor.has_perm("actors.change_sector"):
        raise PermissionDenied
    sector = Sector()
    _save_sector(sector, data)
    record(actor=actor, action=AuditEvent.Action.CREATE, instance=sector, after=snapshot(sector))
    return sector


@transaction.atomic
def sector_update(*, actor, sector: Sector, data: Mapping[str, Any]) -> Sector:
    """Rename, re-file, verify or retire a sector; coordinators only."""
    if not actor.has_perm("actors.change_sector"):
        raise PermissionDenied
    before = snapshot(sector)
    _save_sector(sector, data)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=sector,
        before=before,
        after=snapshot(sector),
    )
    return sector
