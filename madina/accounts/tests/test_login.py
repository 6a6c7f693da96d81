import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from madina.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login_url(language: str = "fr") -> str:
    with translation.override(language):
        return reverse("accounts:login")


def test_login_page_has_labelled_fields_with_autocomplete(client):
    response = client.get(login_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert "<script>" not in html
    assert 'style="' not in html


def test_login_with_email_and_password_signs_in():
    user = UserFactory(email="fatima@example.org")
    client = Client()
    response = client.post(login_url(), {"username": "Fatima@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_shows_translated_error_and_does_not_sign_in(client):
    UserFactory(email="fatima@example.org")
    response = client.post(login_url("fr"), {"username": "fatima@example.org", "password": "x"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert SESSION_KEY not in client.session
    response = client.post(login_url("ar"), {"username": "fatima@example.org", "password": "x"})
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة." in response.content.decode()


def test_unknown_email_gets_exactly_the_same_error(client):
    UserFactory(email="fatima@example.org")
    known = client.post(login_url(), {"username": "fatima@example.org", "password": "wrong-1"})
    unknown = client.post(login_url(), {"username": "nobody@example.org", "password": "wrong-1"})
    assert known.context["form"].errors == unknown.context["form"].errors


def test_inactive_user_cannot_sign_in_and_gets_the_same_error(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = client.post(login_url(), {"username": "gone@example.org", "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/fr/accounts/profile/", "/fr/accounts/profile/"),
        ("https://evil.example.com/", None),
        ("//evil.example.com/", None),
    ],
)
def test_login_follows_only_a_safe_next(client, next_url, expected):
    UserFactory(email="fatima@example.org")
    response = client.post(
        login_url(), {"username": "fatima@example.org", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    if expected:
        assert response.url == expected
    else:
        assert "evil" not in response.url


def test_login_without_next_lands_in_the_preferred_language(client):
    UserFactory(email="fatima@example.org", preferred_language="fr")
    response = client.post(
        login_url("ar"), {"username": "fatima@example.org", "password": PASSWORD}
    )
    assert response.url == "/fr/"


@override_settings(AXES_FAILURE_LIMIT=5)
def test_lockout_after_five_failures_even_with_the_right_password(client):
    UserFactory(email="fatima@example.org")
    for _attempt in range(4):
        response = client.post(login_url(), {"username": "fatima@example.org", "password": "no"})
        assert response.status_code == 200
    response = client.post(login_url(), {"username": "fatima@example.org", "password": "no"})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    response = client.post(login_url(), {"username": "fatima@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    html = response.content.decode()
    assert "fatima@example.org" not in html
    assert "Connexion bloquée" in html


def test_logout_is_post_only(cast):
    client = cast.client_for("member")
    url = reverse("accounts:logout")
    assert client.get(url).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(url)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_admin_login_goes_through_madina_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_admin_refuses_a_signed_in_non_staff_user_without_a_redirect_loop(cast):
    client = cast.client_for("member")
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_sign_ins_and_lockouts_leave_no_address_in_the_logs(client, caplog):
    UserFactory(email="khadija@example.org")
    caplog.set_level(logging.DEBUG)
    for _attempt in range(4):
        client.post(login_url(), {"username": "khadija@example.org", "password": "no"})
    response = client.post(login_url(), {"username": "khadija@example.org", "password": "no"})
    assert response.status_code == 429
    assert "khadija" not in caplog.text
