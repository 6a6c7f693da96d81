"""What the apps' services share to validate a write: collect every error, then refuse once.

A service gathers its own checks with ``error_collector``, lets the model's ``full_clean`` add
the field checks (``full_clean_collecting``), and raises one ``ValidationError`` naming every
field, so a form shows all its problems at once and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError


def error_collector() -> tuple[dict[str, list[str]], Callable[[str, str], None]]:
    """An empty error dict and ``add(field, message)`` that appends to it."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    return errors, add


def split_fields(
    data: Mapping[str, Any],
    allowed: Iterable[str],
    m2m_allowed: Iterable[str] = (),
    stripped: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, list]]:
    """``data`` as (model fields, many-to-many lists); texts in ``stripped`` trimmed. A key
    outside ``allowed`` and ``m2m_allowed`` is a programming error (ValueError)."""
    allowed, m2m_allowed, stripped = set(allowed), set(m2m_allowed), set(stripped)
    unknown = set(data) - allowed - m2m_allowed
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    fields: dict[str, Any] = {}
    m2m: dict[str, list] = {}
    for key, value in data.items():
        if key in m2m_allowed:
            m2m[key] = list(value or [])
        elif key in stripped:
            fields[key] = (value or "").strip()
        else:
            fields[key] = value
    return fields, m2m


def full_clean_collecting(
    instance, errors: dict[str, list[str]], exclude: Iterable[str] = ()
) -> None:
    """The model's own checks added to ``errors`` (fields already refused are not re-checked);
    then one ValidationError if there is any error at all."""
    try:
        instance.full_clean(exclude=[*exclude, *errors], validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
