import pytest
from django.test import Client, override_settings
from django.urls import reverse

from madina.accounts.models import User
from madina.accounts.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = User.objects.create_superuser(email="root@example.org", password="x", full_name="Root")
    client = Client()
    client.force_login(user)
    with override_settings(MADINA_2FA_REQUIRED_ROLES=[]):
        yield client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_membership_changelist",
        "admin:accounts_invitation_changelist",
    ],
)
def test_admin_pages_open(admin_client, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_admin_user_change_page_opens(admin_client, cast):
    url = reverse("admin:accounts_user_change", args=[cast.member.pk])
    assert admin_client.get(url).status_code == 200


def test_invitation_admin_neither_adds_nor_exposes_the_token_hash(admin_client, cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    assert admin_client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    html = admin_client.get(
        reverse("admin:accounts_invitation_change", args=[invitation.pk])
    ).content.decode()
    assert invitation.token_hash not in html
