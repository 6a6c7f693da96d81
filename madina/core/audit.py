"""The audit trail: services call ``snapshot`` before a change and ``record`` after it."""

from __future__ import annotations

from typing import Any

from django.db import models

from madina.core.models import AuditEvent


def _value(instance: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True))
    value = getattr(instance, field.attname)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited values of a record; many-to-many fields as sorted lists of ids."""
    result = {}
    for field in instance._meta.get_fields():
        if not getattr(field, "concrete", False) or field.auto_created and not field.many_to_many:
            continue
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at", "search_text"}:
            continue
        result[field.name] = _value(instance, field)
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = set(before) | set(after)
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEvent | None:
    """Write one audit event; an update that changed nothing writes nothing."""
    changes = diff(before or {}, after or {})
    if action == AuditEvent.Action.UPDATE and not changes:
        return None
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        organisation_id=organisation_id,
        changes=changes,
    )


def trail_for(instance: models.Model):
    return AuditEvent.objects.filter(
        object_type=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("actor")
