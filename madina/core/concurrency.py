"""Optimistic concurrency for edit forms and the API (decision 27).

The version of a record is its ``updated_at`` to the microsecond, in UTC: every save bumps it
(``auto_now``; services list it in ``update_fields``). An edit form carries the version the user
loaded in a hidden field; the service reads the row again under ``select_for_update`` and, if
another save happened in between, refuses with ``STALE`` instead of overwriting it. The API
speaks the same version as an ``ETag`` and takes it back in ``If-Match``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE = _(
    "Someone else saved this record while you were editing it. Your changes were not saved: "
    "reload to see their version, then apply yours again."
)
STALE_CODE = "stale"


def version_of(instance: models.Model) -> str:
    """The version token of a saved record ("" before its first save)."""
    updated_at = getattr(instance, "updated_at", None)
    if updated_at is None:
        return ""
    if updated_at.tzinfo is not None:
        updated_at = updated_at.astimezone(dt.UTC)
    return updated_at.isoformat(timespec="microseconds")


def check_version(instance: models.Model, version: str | None) -> None:
    """Refuse when the loaded ``version`` is not the record's any more.

    Call it on the row read under ``select_for_update`` inside the service's transaction. No
    version (an older client, a job) means no check.
    """
    if version and version != version_of(instance):
        raise ValidationError(STALE, code=STALE_CODE)


def is_stale(error: ValidationError) -> bool:
    return any(getattr(each, "code", None) == STALE_CODE for each in error.error_list)


def etag(instance: models.Model) -> str:
    return f'"{version_of(instance)}"'


def if_match_version(request) -> str | None:
    """The version an API client says it changes (``If-Match: "<version>"``), or None."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    header = header.removeprefix("W/")
    return header.strip('"') or None


class VersionField(forms.CharField):
    """The hidden field that brings back the version the user loaded; bound, it keeps the value
    posted, so a refused save succeeds only after a reload."""

    widget = forms.HiddenInput

    def __init__(self, instance: models.Model | None = None, **kwargs):
        kwargs.setdefault("required", False)
        if instance is not None and instance.pk is not None:
            kwargs.setdefault("initial", version_of(instance))
        super().__init__(**kwargs)
