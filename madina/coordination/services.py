"""Writes of coordination spaces. Pages, the API and the demo all go through here.

Every function is keyword-only and atomic: it checks the permission through the rules of
``madina.coordination.rules`` (raising ``PermissionDenied``), validates (raising a translated
``ValidationError``, per field when it can), writes, and records an audit event. When it refuses,
nothing is written. Spaces are never deleted: they are closed, with a date and a reason.
Memberships are ended, not deleted, so that a space's composition over time stays readable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.accounts.models import User
from madina.coordination.models import Space, SpaceMember, SpaceRole
from madina.coordination.rules import forget_space_access
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent

SPACE_FIELDS = (
    "name_ar",
    "name_fr",
    "name_en",
    "acronym",
    "type",
    "purpose_ar",
    "purpose_fr",
    "purpose_en",
    "composition",
    "decision_making",
    "created_on",
    "parent",
    "visibility",
)
SPACE_M2M = ("territory",)
MEMBER_FIELDS = ("organisation", "position", "start_date", "end_date")
MEMBER_M2M = ("delegates",)
_STRIPPED = {"name_ar", "name_fr", "name_en", "acronym"}


def _unknown_keys(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _refuse_if_closed(space: Space) -> None:
    if space.is_closed:
        raise ValidationError(_("This space is closed: reopen it before changing it."))


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _descendants_and_self(space: Space) -> set[int]:
    found = {space.pk}
    frontier = [space.pk]
    while frontier:
        frontier = list(
            Space.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found.update(frontier)
    return found


def _validate_space(*, actor, space: Space) -> None:
    errors: dict[str, list[str]] = {}
    if not any((space.name_ar, space.name_fr, space.name_en)):
        _add(errors, "name_ar", _("Give the name of the space in at least one language."))
    parent = space.parent
    if parent is not None:
        if space.pk is not None and parent.pk in _descendants_and_self(space):
            _add(
                errors,
                "parent",
                _("A space cannot be part of itself or of one of the spaces under it."),
            )
        elif not actor.has_perm("coordination.view_space", parent):
            _add(errors, "parent", _("Choose a space you can see."))
    if space.closed_on is not None and space.created_on and space.closed_on < space.created_on:
        _add(errors, "created_on", _("A space cannot be created after it was closed."))
    try:
        space.full_clean(exclude=["search_text", *errors])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    fields, m2m = {}, {}
    for key, value in data.items():
        if key in SPACE_M2M:
            m2m[key] = list(value or [])
        elif isinstance(value, str):
            fields[key] = value.strip() if key in _STRIPPED else value
        else:
            fields[key] = "" if value is None and key not in {"parent", "created_on"} else value
    return fields, m2m


@transaction.atomic
def space_create(*, actor, data: Mapping[str, Any]) -> Space:
    """Open a coordination space; coordinators only. They then give it admins and editors."""
    if not actor.has_perm("coordination.add_space"):
        raise PermissionDenied
    _unknown_keys(data, SPACE_FIELDS + SPACE_M2M)
    fields, m2m = _split(data)
    if fields.get("created_on") is None:
        fields.pop("created_on", None)
    space = Space(**fields)
    _validate_space(actor=actor, space=space)
    space.save()
    for key, values in m2m.items():
        getattr(space, key).set(values)
    record(actor=actor, action=AuditEvent.Action.CREATE, instance=space, after=snapshot(space))
    return space


@transaction.atomic
def space_update(*, actor, space: Space, data: Mapping[str, Any]) -> Space:
    """Change a space's record; only the keys present in ``data`` change.

    Its editors and admins, and coordinators, may; a closed space must be reopened first.
    """
    if not actor.has_perm("coordination.change_space", space):
        raise PermissionDenied
    _unknown_keys(data, SPACE_FIELDS + SPACE_M2M)
    space = Space.objects.select_for_update().get(pk=space.pk)
    _refuse_if_closed(space)
    before = snapshot(space)
    fields, m2m = _split(data)
    if fields.get("created_on", "") is None:
        fields.pop("created_on")
    for key, value in fields.items():
        setattr(space, key, value)
    _validate_space(actor=actor, space=space)
    space.save()
    for key, values in m2m.items():
        getattr(space, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=space,
        before=before,
        after=snapshot(space),
    )
    return space


@transaction.atomic
def space_close(*, actor, space: Space, closed_on: datetime.date | None, reason: str) -> Space:
    """Close a space on a date, for a reason; its admins and coordinators may."""
    if not actor.has_perm("coordination.close_space", space):
        raise PermissionDenied
    space = Space.objects.select_for_update().get(pk=space.pk)
    if space.is_closed:
        raise ValidationError(_("This space is already closed."))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        _add(errors, "closing_reason", _("Say why the space is closed."))
    if closed_on is None:
        _add(errors, "closed_on", _("Give the date the space was closed."))
    elif closed_on < space.created_on:
        _add(errors, "closed_on", _("A space cannot be closed before it was created."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(space)
    space.closed_on, space.closing_reason = closed_on, reason
    space.save(update_fields=["closed_on", "closing_reason", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=space,
        before=before,
        after=snapshot(space),
    )
    return space


@transaction.atomic
def space_reopen(*, actor, space: Space) -> Space:
    """Reopen a closed space; the closing date and reason stay in its history."""
    if not actor.has_perm("coordination.close_space", space):
        raise PermissionDenied
    space = Space.objects.select_for_update().get(pk=space.pk)
    if not space.is_closed:
        raise ValidationError(_("This space is not closed."))
    before = snapshot(space)
    space.closed_on, space.closing_reason = None, ""
    space.save(update_fields=["closed_on", "closing_reason", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=space,
        before=before,
        after=snapshot(space),
    )
    return space


# --- Members ------------------------------------------------------------------------------------


def _overlapping(queryset, start: datetime.date, end: datetime.date | None):
    """Rows of ``queryset`` whose [start_date, end_date] meets [start, end] (None: open)."""
    queryset = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        queryset = queryset.filter(start_date__lte=end)
    return queryset


def _validate_member(member: SpaceMember, delegates: list | None) -> None:
    errors: dict[str, list[str]] = {}
    if member.start_date and member.end_date and member.end_date < member.start_date:
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    if member.organisation_id is not None and member.start_date and not errors:
        others = SpaceMember.objects.filter(space=member.space).exclude(pk=member.pk)
        same = others.filter(organisation_id=member.organisation_id)
        if _overlapping(same, member.start_date, member.end_date).exists():
            _add(
                errors,
                "organisation",
                _("This organisation is already a member of the space for these dates."),
            )
        if member.position == SpaceMember.Position.CHAIR:
            chairs = others.filter(position=SpaceMember.Position.CHAIR)
            if _overlapping(chairs, member.start_date, member.end_date).exists():
                _add(
                    errors,
                    "position",
                    _(
                        "The space already has a chair for these dates: end that membership or "
                        "change its position first."
                    ),
                )
    if delegates:
        wrong = [
            person
            for person in delegates
            if person.organisation_id != member.organisation_id or not person.is_public
        ]
        if wrong:
            _add(
                errors,
                "delegates",
                _("Delegates must be focal persons that this organisation has made public."),
            )
    try:
        member.full_clean(exclude=list(errors))
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _member_split(data: Mapping[str, Any]) -> tuple[dict[str, Any], list | None]:
    _unknown_keys(data, MEMBER_FIELDS + MEMBER_M2M)
    fields = {key: value for key, value in data.items() if key not in MEMBER_M2M}
    delegates = list(data["delegates"] or []) if "delegates" in data else None
    return fields, delegates


def _lock(space: Space) -> Space:
    return Space.objects.select_for_update().get(pk=space.pk)


@transaction.atomic
def member_add(*, actor, space: Space, data: Mapping[str, Any]) -> SpaceMember:
    """Seat an organisation in a space with a position and dates; editors and admins may."""
    if not actor.has_perm("coordination.manage_members", space):
        raise PermissionDenied
    space = _lock(space)
    _refuse_if_closed(space)
    fields, delegates = _member_split(data)
    if fields.get("start_date") is None:
        fields["start_date"] = timezone.localdate()
    member = SpaceMember(space=space, **fields)
    _validate_member(member, delegates)
    member.save()
    if delegates is not None:
        member.delegates.set(delegates)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=member,
        after=snapshot(member),
        organisation_id=member.organisation_id,
    )
    forget_space_access(actor)
    return member


@transaction.atomic
def member_change(*, actor, member: SpaceMember, data: Mapping[str, Any]) -> SpaceMember:
    """Change a member's position, dates or delegates; the organisation itself does not change."""
    if not actor.has_perm("coordination.manage_members", member.space):
        raise PermissionDenied
    space = _lock(member.space)
    _refuse_if_closed(space)
    fields, delegates = _member_split(data)
    if "organisation" in fields and fields["organisation"] != member.organisation:
        raise ValidationError(
            {"organisation": _("Add the other organisation as a new member instead.")}
        )
    fields.pop("organisation", None)
    member = SpaceMember.objects.select_for_update().get(pk=member.pk)
    before = snapshot(member)
    for key, value in fields.items():
        setattr(member, key, value)
    _validate_member(member, delegates)
    member.save()
    if delegates is not None:
        member.delegates.set(delegates)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=member,
        before=before,
        after=snapshot(member),
        organisation_id=member.organisation_id,
    )
    forget_space_access(actor)
    return member


def member_end(*, actor, member: SpaceMember, end_date: datetime.date | None) -> SpaceMember:
    """End an organisation's membership on a date (today by default)."""
    if end_date is None:
        raise ValidationError({"end_date": _("Give the date the membership ends.")})
    return member_change(actor=actor, member=member, data={"end_date": end_date})


# --- Roles --------------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, actor, space: Space, email: str, role: str) -> SpaceRole:
    """Give a person a role in a space (replacing the one they held); its admins may."""
    if not actor.has_perm("coordination.manage_roles", space):
        raise PermissionDenied
    space = _lock(space)
    if role not in SpaceRole.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": _("No active account has this e-mail address.")})
    current = SpaceRole.objects.active().select_for_update().filter(space=space, user=user).first()
    if current is not None and current.role == role:
        raise ValidationError({"role": _("This person already holds this role in the space.")})
    if current is not None:
        _revoke(actor=actor, space_role=current)
    space_role = SpaceRole.objects.create(space=space, user=user, role=role)
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=space_role,
        after=snapshot(space_role, ["space", "user", "role"]),
    )
    forget_space_access(user)
    forget_space_access(actor)
    return space_role


def _revoke(*, actor, space_role: SpaceRole) -> None:
    before = snapshot(space_role, ["space", "user", "role", "revoked_at"])
    space_role.revoked_at = timezone.now()
    space_role.save(update_fields=["revoked_at", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=space_role,
        before=before,
        after=snapshot(space_role, ["space", "user", "role", "revoked_at"]),
    )


@transaction.atomic
def role_revoke(*, actor, space_role: SpaceRole) -> SpaceRole:
    """Take a role back; the row stays, dated, so that the history shows who held it."""
    if not actor.has_perm("coordination.manage_roles", space_role.space):
        raise PermissionDenied
    space_role = SpaceRole.objects.select_for_update().get(pk=space_role.pk)
    if space_role.revoked_at is not None:
        raise ValidationError(_("This role has already been taken back."))
    _revoke(actor=actor, space_role=space_role)
    forget_space_access(space_role.user)
    forget_space_access(actor)
    return space_role
