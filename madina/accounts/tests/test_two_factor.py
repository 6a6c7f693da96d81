import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    recovery_codes,
    totp_code,
    totp_device,
)
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def sign_in(client: Client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra}
    )


def verified_client(user) -> Client:
    """A session signed in with both factors, as after a real sign-in."""
    client = Client()
    sign_in(client, user)
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_code(user.totp)})
    assert response.status_code == 302
    return client


@pytest.fixture
def user_with_2fa():
    user = UserFactory(email="karim@example.org")
    user.totp = totp_device(user)
    recovery_codes(user)
    return user


def test_setup_shows_an_inline_svg_qr_code_and_the_secret(cast):
    client = cast.client_for("member")
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="qr-code' in html
    assert "data:" not in html
    assert "<script>" not in html
    assert 'style="' not in html
    assert 'autocomplete="one-time-code"' in html
    device = TOTPDevice.objects.get(user=cast.member)
    assert not device.confirmed
    assert response.context["secret"].replace(" ", "") in device.config_url
    # Reloading the page keeps the same secret: the code already scanned stays good.
    client.get(reverse("accounts:otp_setup"))
    assert TOTPDevice.objects.filter(user=cast.member).count() == 1


def test_setup_wrong_code_confirms_nothing(cast):
    client = cast.client_for("member")
    client.get(reverse("accounts:otp_setup"))
    response = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=cast.member, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=cast.member).exists()


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(cast):
    client = cast.client_for("member")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=cast.member)
    response = client.post(reverse("accounts:otp_setup"), {"token": totp_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    stored = set(
        StaticToken.objects.filter(device__user=cast.member).values_list("token", flat=True)
    )
    assert stored == set(codes)
    assert AuditEvent.objects.filter(object_id=str(cast.member.pk), action="access").exists()
    # Already on: the setup page does not offer a second secret.
    assert client.get(reverse("accounts:otp_setup")).status_code == 302


def test_sign_in_with_a_device_needs_the_code_before_the_session_exists(user_with_2fa):
    client = Client()
    response = sign_in(client, user_with_2fa, next="/fr/accounts/profile/")
    assert response.url == reverse("accounts:otp_verify")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302
    response = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    # A wrong code is throttled by the device; let the next try through.
    TOTPDevice.objects.filter(pk=user_with_2fa.totp.pk).update(throttling_failure_count=0)
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_code(user_with_2fa.totp)})
    assert response.status_code == 302
    assert response.url == "/fr/accounts/profile/"
    assert client.session[SESSION_KEY] == str(user_with_2fa.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == user_with_2fa.totp.persistent_id


def test_sign_in_with_a_recovery_code_which_then_stops_working(user_with_2fa):
    client = Client()
    sign_in(client, user_with_2fa)
    response = client.post(reverse("accounts:otp_verify"), {"token": " AAAA 2222 "})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user_with_2fa.pk)
    assert StaticToken.objects.filter(device__user=user_with_2fa).count() == 1

    second = Client()
    sign_in(second, user_with_2fa)
    response = second.post(reverse("accounts:otp_verify"), {"token": "aaaa2222"})
    assert response.status_code == 200
    assert SESSION_KEY not in second.session


def test_too_many_wrong_codes_restart_the_sign_in(user_with_2fa):
    client = Client()
    sign_in(client, user_with_2fa)
    for _attempt in range(5):
        response = client.post(reverse("accounts:otp_verify"), {"token": "nope"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_code(user_with_2fa.totp)})
    assert SESSION_KEY not in client.session


def test_verify_without_a_pending_sign_in_goes_back_to_login(client):
    response = client.get(reverse("accounts:otp_verify"))
    assert response.url == reverse("accounts:login")


def test_recovery_codes_regenerate_after_a_fresh_code(user_with_2fa):
    client = verified_client(user_with_2fa)
    url = reverse("accounts:otp_recovery_codes")
    assert client.get(url).context["remaining"] == 2
    TOTPDevice.objects.filter(pk=user_with_2fa.totp.pk).update(last_t=-1)
    response = client.post(url, {"token": "000000"})
    assert response.context["form"].errors["token"]
    assert StaticToken.objects.filter(device__user=user_with_2fa).count() == 2
    TOTPDevice.objects.filter(pk=user_with_2fa.totp.pk).update(throttling_failure_count=0)
    response = client.post(url, {"token": totp_code(user_with_2fa.totp)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert "aaaa2222" not in codes
    assert StaticToken.objects.filter(device__user=user_with_2fa).count() == 10


def test_recovery_codes_page_needs_a_verified_session(user_with_2fa):
    client = Client()
    client.force_login(user_with_2fa)
    response = client.get(reverse("accounts:otp_recovery_codes"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))


def test_disable_needs_a_current_code(user_with_2fa):
    client = verified_client(user_with_2fa)
    response = client.post(reverse("accounts:otp_disable"), {"token": "000000"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user_with_2fa).exists()
    TOTPDevice.objects.filter(pk=user_with_2fa.totp.pk).update(throttling_failure_count=0)
    StaticDevice.objects.filter(user=user_with_2fa).update(throttling_failure_count=0)
    response = client.post(reverse("accounts:otp_disable"), {"token": "bbbb3333"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user_with_2fa).exists()
    assert not StaticDevice.objects.filter(user=user_with_2fa).exists()


@override_settings(MADINA_2FA_REQUIRED_ROLES=["coordinator"])
def test_disable_is_refused_when_a_role_requires_2fa(cast):
    device = totp_device(cast.coordinator)
    client = Client()
    sign_in(client, cast.coordinator)
    client.post(reverse("accounts:otp_verify"), {"token": totp_code(device)})
    assert client.get(reverse("accounts:otp_disable")).context["mandatory"]
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(reverse("accounts:otp_disable"), {"token": totp_code(device)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=cast.coordinator).exists()


class TestMandatoryTwoFactor:
    @pytest.fixture(autouse=True)
    def _coordinators_need_2fa(self):
        with override_settings(MADINA_2FA_REQUIRED_ROLES=["coordinator"]):
            yield

    def test_coordinator_without_device_is_sent_to_setup(self, cast):
        client = cast.client_for("coordinator")
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:otp_setup")
        assert client.get(reverse("accounts:otp_setup")).status_code == 200

    def test_coordinator_with_device_but_unverified_session_is_sent_to_verify(self, cast):
        totp_device(cast.coordinator)
        client = cast.client_for("coordinator")
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert (
            response.url == f"{reverse('accounts:otp_verify')}?next=%2Far%2Faccounts%2Fprofile%2F"
        )

    def test_coordinator_passes_after_verification(self, cast):
        device = totp_device(cast.coordinator)
        client = cast.client_for("coordinator")
        verify = client.get(reverse("accounts:profile")).url
        response = client.post(
            verify, {"token": totp_code(device), "next": "/ar/accounts/profile/"}
        )
        assert response.status_code == 302
        assert response.url == "/ar/accounts/profile/"
        assert client.get(reverse("accounts:profile")).status_code == 200

    def test_coordinator_passes_after_enrolling(self, cast):
        client = cast.client_for("coordinator")
        client.get(reverse("accounts:otp_setup"))
        device = TOTPDevice.objects.get(user=cast.coordinator)
        client.post(reverse("accounts:otp_setup"), {"token": totp_code(device)})
        assert client.get(reverse("accounts:profile")).status_code == 200

    def test_roles_not_listed_are_not_forced(self, cast):
        client = cast.client_for("member")
        assert client.get(reverse("accounts:profile")).status_code == 200
