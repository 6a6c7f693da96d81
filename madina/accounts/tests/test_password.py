import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import translation

from madina.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nouveau-Mot-2-Passe!"


def fr(name: str, **kwargs) -> str:
    with translation.override("fr"):
        return reverse(name, kwargs=kwargs or None)


def test_password_change_requires_the_old_password_and_keeps_the_session(cast):
    client = cast.client_for("member")
    response = client.post(
        fr("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_old_password_error"' in response.content.decode()
    response = client.post(
        fr("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.check_password(NEW_PASSWORD)
    assert client.get(fr("accounts:profile")).status_code == 200


def test_password_change_applies_the_strong_validators(cast):
    client = cast.client_for("member")
    response = client.post(
        fr("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    cast.member.refresh_from_db()
    assert cast.member.check_password(PASSWORD)


def test_password_reset_sends_a_translated_email_whose_link_works(client):
    user = UserFactory(email="fatima@example.org")
    response = client.post(fr("accounts:password_reset"), {"email": "FATIMA@example.org"})
    assert response.status_code == 302
    assert response.url == fr("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fatima@example.org"]
    assert "mot de passe" in message.subject.lower()
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == fr("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert SESSION_KEY not in client.session
    # The link works only once.
    response = client.get(link, follow=True)
    assert not response.context["validlink"]


def test_password_reset_for_an_unknown_address_gives_the_same_page(client):
    UserFactory(email="fatima@example.org")
    known = client.post(fr("accounts:password_reset"), {"email": "fatima@example.org"})
    unknown = client.post(fr("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    page = client.get(unknown.url)
    assert "nobody@example.org" not in page.content.decode()
