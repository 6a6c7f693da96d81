"""Sign-in seen from outside: no user enumeration, sessions rotated and ended, 2FA not skippable.

``madina/accounts/tests/test_login.py`` already checks the lockout after five failures and the
same error for a wrong password, an unknown or an inactive account. This file adds what an
attacker measures: the time an answer takes (with the real password hasher, since the test
settings hash with MD5), the answers of locked accounts and of the password-reset form, the
session key across sign-in and after sign-out, and the second factor.
"""

from __future__ import annotations

import base64
import re
import statistics
import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts.models import User
from madina.accounts.tests.factories import PASSWORD, UserFactory
from madina.actors.models import Organisation
from madina.settings import base

pytestmark = pytest.mark.django_db

REAL_HASHERS = base.PASSWORD_HASHERS


def _url(name: str) -> str:
    with translation.override("fr"):
        return reverse(name)


def _sign_in(client: Client, email: str, password: str):
    return client.post(_url("accounts:login"), {"username": email, "password": password})


def _normalised(content: bytes) -> str:
    """The page without what changes from one request to the next (the CSRF token)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", content.decode())


@override_settings(PASSWORD_HASHERS=REAL_HASHERS, AXES_FAILURE_LIMIT=1000)
def test_unknown_and_known_accounts_take_comparable_time():
    """An unknown e-mail is hashed as a known one is, so timing tells nothing."""
    user = UserFactory(email="known@example.org")
    user.set_password(PASSWORD)  # with the real hasher, at its real cost
    user.save()
    assert user.password.startswith(("pbkdf2_", "scrypt"))
    client = Client()
    _sign_in(client, "warm@example.org", "wrong")  # the first request loads what it needs
    known, unknown = [], []
    for attempt in range(5):
        for email, times in (
            ("known@example.org", known),
            (f"nobody{attempt}@example.org", unknown),
        ):
            started = time.perf_counter()
            answer = _sign_in(client, email, "Wrong-Password-1")
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2.0, f"unknown/known sign-in time ratio {ratio:.2f}"
    # The measure must be able to fail: a real hash costs far more than a page.
    assert statistics.median(known) > 0.02, "the password hasher did not run at its real cost"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_locked_accounts_known_or_not_get_the_same_answer():
    UserFactory(email="locked@example.org")
    answers = {}
    for email in ("locked@example.org", "ghost@example.org"):
        client = Client()
        for _attempt in range(3):
            _sign_in(client, email, "wrong")
        answer = _sign_in(client, email, "wrong")
        answers[email] = (answer.status_code, _normalised(answer.content).replace(email, "E"))
    assert answers["locked@example.org"][0] == 429
    assert answers["locked@example.org"] == answers["ghost@example.org"]


def test_known_unknown_and_inactive_get_the_same_status_and_page():
    UserFactory(email="present@example.org")
    UserFactory(email="gone@example.org", is_active=False)
    answers = {}
    for email in ("present@example.org", "absent@example.org", "gone@example.org"):
        answer = _sign_in(Client(), email, "Wrong-Password-1")
        answers[email] = (answer.status_code, _normalised(answer.content).replace(email, "E"))
    assert len(set(answers.values())) == 1, "the sign-in page tells accounts apart"


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(mailoutbox):
    UserFactory(email="present@example.org")
    answers = []
    for email in ("present@example.org", "absent@example.org"):
        client = Client()
        answer = client.post(_url("accounts:password_reset"), {"email": email})
        followed = client.get(answer["Location"]) if answer.status_code == 302 else answer
        answers.append((answer.status_code, answer.get("Location"), _normalised(followed.content)))
    assert answers[0] == answers[1]
    assert len(mailoutbox) == 1  # only the real account gets the link, invisibly


def test_the_session_key_changes_on_sign_in():
    """Session fixation: a key planted before sign-in is worthless after it."""
    UserFactory(email="fixed@example.org")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    planted = store()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    answer = _sign_in(client, "fixed@example.org", PASSWORD)
    assert answer.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted.session_key
    assert SESSION_KEY not in store(session_key=planted.session_key).load()


def test_a_session_cookie_replayed_after_sign_out_is_useless():
    UserFactory(email="leaving@example.org")
    client = Client()
    assert _sign_in(client, "leaving@example.org", PASSWORD).status_code == 302
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    profile = _url("accounts:profile")
    assert client.get(profile).status_code == 200
    assert client.post(_url("accounts:logout")).status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    answer = replay.get(profile)
    assert answer.status_code == 302
    assert answer["Location"].startswith(_url("accounts:login"))


def test_the_api_takes_no_password(client):
    """Passwords are tried only on the sign-in page (where the lockout counts): the API knows
    organisation tokens and sessions, so a password sent with Basic auth opens nothing."""
    user = UserFactory(email="api@example.org", platform_role=User.PlatformRole.COORDINATOR)
    credentials = base64.b64encode(f"{user.email}:{PASSWORD}".encode()).decode()
    anonymous = client.get("/api/initiatives/")
    basic = client.get("/api/initiatives/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert basic.status_code == anonymous.status_code
    assert basic.status_code in (401, 403)


def test_the_second_factor_cannot_be_skipped():
    user = UserFactory(email="admin@example.org", platform_role=User.PlatformRole.ADMIN)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    assert _sign_in(client, "admin@example.org", PASSWORD).status_code == 302
    # The password alone leads to the code page, and nothing else opens until the code is given.
    refused = (_url("accounts:otp_verify"), _url("accounts:login"))
    for url in (_url("accounts:profile"), _url("actors:organisation_list")):
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(refused), url
    assert client.get("/api/initiatives/").status_code in (302, 401, 403)
    count = Organisation.objects.count()
    answer = client.post(_url("actors:organisation_create"), {"name_fr": "Forged"})
    assert answer.status_code == 302 and answer["Location"].startswith(refused)
    assert Organisation.objects.count() == count
