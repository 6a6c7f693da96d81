"""Fixtures of the attack tests.

``foreign_objects`` is one object of every kind a URL can name, all owned by the cast's other
organisation and shared with no one (``objects.py``). Signed-in clients pass the second factor,
as a real sign-in would, so that no page is refused only for want of it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from madina.cases.tests.conftest import verify
from tests.security.objects import build_foreign_objects


@pytest.fixture
def foreign_objects(cast, settings, tmp_path) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_foreign_objects(cast)


def verified_client(user, **options) -> Client:
    """A client signed in as ``user`` through a session that gave a second factor."""
    client = Client(**options)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verify(user).otp_device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _english():
    """Pages are read in English unless a test asks for a language."""
    from django.utils import translation

    with translation.override("en"):
        yield
