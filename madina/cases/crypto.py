"""Encryption at rest of case data (docs/decisions/0022).

Identifying fields, free texts and attachments of cases are stored as Fernet tokens
(AES-128-CBC with HMAC-SHA256, from ``cryptography``). The keys come from the environment:
``MADINA_CASE_KEYS`` holds one or more url-safe base64 Fernet keys separated by commas; the
first encrypts, all of them decrypt. Rotating means putting a new key first, running
``manage.py rotate_case_keys`` (which re-encrypts every value and file with the first key), then
removing the old key.

Without ``MADINA_CASE_KEYS`` (development and tests only; production refuses to start), one key
is derived from ``SECRET_KEY`` so that the demo runs with one command.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

__all__ = [
    "EncryptedJSONField",
    "EncryptedTextField",
    "InvalidToken",
    "Token",
    "decrypt_bytes",
    "encrypt_bytes",
    "fernet",
    "generate_key",
    "rotate_token",
]


class Token(str):
    """A value that is already a token (key rotation writes these); stored as it is."""


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _configured_keys() -> list[str]:
    keys = list(getattr(settings, "MADINA_CASE_KEYS", []) or [])
    if keys:
        return keys
    # Development only: a key derived from SECRET_KEY (prod.py requires MADINA_CASE_KEYS).
    digest = hashlib.sha256(b"madina-case-key:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest).decode("ascii")]


@lru_cache(maxsize=1)
def fernet() -> MultiFernet:
    keys = _configured_keys()
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "MADINA_CASE_KEYS must hold Fernet keys (32 url-safe base64 bytes) separated by commas."
        ) from error


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in {"MADINA_CASE_KEYS", "SECRET_KEY"}:
        fernet.cache_clear()


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(token)


def rotate_token(token: bytes) -> bytes:
    """The same plaintext under the first key (raises InvalidToken if no key opens it)."""
    return fernet().rotate(token)


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees the plaintext, the database never does.

    Not searchable, sortable or indexable by design. An empty value is stored empty, so that
    "nothing recorded" needs no key and ``field=""`` finds it; any other value, however short,
    is encrypted (and ``field="text"`` never matches).
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt_bytes(value.encode("ascii")).decode("utf-8")

    def get_prep_value(self, value):
        if isinstance(value, Token):
            return str(value)
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_bytes(str(value).encode("utf-8")).decode("ascii")

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        # Only emptiness can be asked: a token never equals another encryption of the same text.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedJSONField(models.TextField):
    """A JSON value (dict or list) stored as one Fernet token; ``{}`` when nothing is recorded."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        return json.loads(decrypt_bytes(value.encode("ascii")))

    def to_python(self, value: Any):
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value

    def get_prep_value(self, value):
        if isinstance(value, Token):
            return str(value)
        if value in (None, "", {}, []):
            return ""
        plain = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return encrypt_bytes(plain.encode("utf-8")).decode("ascii")

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
