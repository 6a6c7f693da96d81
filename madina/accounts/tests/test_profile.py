import pytest
from django.urls import reverse
from django.utils import translation

from madina.accounts.tests.factories import recovery_codes, totp_device

pytestmark = pytest.mark.django_db


def test_profile_shows_memberships_roles_and_two_factor_status(cast):
    with translation.override("fr"):
        url = reverse("accounts:profile")
    response = cast.client_for("admin").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(cast.organisation) in html
    assert "administrateur de l’organisation" in html
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:otp_setup") in html


def test_profile_with_two_factor_on_links_to_recovery_codes(cast):
    totp_device(cast.member)
    recovery_codes(cast.member)
    response = cast.client_for("member").get(reverse("accounts:profile"))
    html = response.content.decode()
    assert reverse("accounts:otp_recovery_codes") in html
    assert reverse("accounts:otp_disable") in html
    assert response.context["recovery_remaining"] == 2


def test_profile_update_saves_name_and_language(cast):
    client = cast.client_for("member")
    response = client.post(
        reverse("accounts:profile"), {"full_name": "  Amina Bouzid ", "preferred_language": "fr"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/fr/")
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Amina Bouzid"
    assert cast.member.preferred_language == "fr"


def test_profile_update_rejects_an_empty_name(cast):
    response = cast.client_for("member").post(
        reverse("accounts:profile"), {"full_name": "", "preferred_language": ""}
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_full_name_error"' in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.full_name


def test_markup_in_a_full_name_is_escaped_on_the_profile(cast):
    cast.member.full_name = "<b>Amina</b>"
    cast.member.save()
    html = cast.client_for("member").get(reverse("accounts:profile")).content.decode()
    assert "<b>Amina</b>" not in html
    assert "&lt;b&gt;Amina&lt;/b&gt;" in html


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
