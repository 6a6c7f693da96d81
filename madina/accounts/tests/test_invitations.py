"""The invitation flow end to end: e-mail, link, account creation or joining, dead links."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from madina.accounts.models import Invitation, Membership, User
from madina.accounts.selectors import token_hash
from madina.accounts.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Bienvenue-Nador-2024!"


def accept_url(invitation) -> str:
    return reverse("accounts:invitation_accept", kwargs={"token": invitation.token})


def test_end_to_end_invitation_creates_the_account(cast, django_capture_on_commit_callbacks):
    admin = cast.client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("accounts:invite", kwargs={"org": cast.organisation.pk}),
            {"email": "salma@example.org", "role": "readonly"},
        )
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(email="salma@example.org")
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)

    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'autocomplete="new-password"' in html
    assert 'autocomplete="name"' in html
    response = client.post(
        link,
        {"full_name": "Salma Benali", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="salma@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
    membership = Membership.objects.get(user=user)
    assert membership.organisation == cast.organisation
    assert membership.role == "readonly"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # The link works once.
    assert client.get(link).status_code == 404


def test_new_account_password_must_pass_the_validators(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    response = Client().post(
        accept_url(invitation),
        {"full_name": "Salma", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_account_signed_in_joins_with_its_own_account(cast):
    invitation = InvitationFactory(organisation=cast.organisation, email=cast.outsider.email)
    client = cast.client_for("outsider")
    assert client.get(accept_url(invitation)).status_code == 200
    users = User.objects.count()
    response = client.post(accept_url(invitation))
    assert response.status_code == 302
    assert User.objects.count() == users
    assert (
        Membership.objects.get(user=cast.outsider, organisation=cast.organisation).role == "member"
    )


def test_existing_account_not_signed_in_is_asked_to_sign_in(cast):
    invitation = InvitationFactory(organisation=cast.organisation, email=cast.outsider.email)
    client = Client()
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    assert "accounts/invitation_sign_in.html" in [t.name for t in response.templates]
    response = client.post(
        accept_url(invitation),
        {"full_name": "Intruder", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not Membership.objects.filter(
        user=cast.outsider, organisation=cast.organisation
    ).exists()


def test_signed_in_with_another_account_is_refused(cast):
    invitation = InvitationFactory(organisation=cast.organisation, email="someone@example.org")
    client = cast.client_for("outsider")
    assert client.post(accept_url(invitation)).status_code == 403
    assert not Membership.objects.filter(
        user=cast.outsider, organisation=cast.organisation
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    "state",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"revoked_at": timezone.now()},
        {"accepted_at": timezone.now()},
    ],
    ids=["expired", "revoked", "accepted"],
)
def test_dead_invitations_are_refused(cast, client, state):
    invitation = InvitationFactory(organisation=cast.organisation, **state)
    assert client.get(accept_url(invitation)).status_code == 404
    response = client.post(
        accept_url(invitation),
        {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email=invitation.email).exists()


def test_unknown_token_is_404(client):
    url = reverse("accounts:invitation_accept", kwargs={"token": "not-a-real-token"})
    response = client.get(url)
    assert response.status_code == 404


def test_revoked_link_stops_working(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    cast.client_for("admin").post(
        reverse(
            "accounts:invitation_revoke", kwargs={"org": cast.organisation.pk, "pk": invitation.pk}
        )
    )
    client = Client()
    assert client.get(accept_url(invitation)).status_code == 404


def test_reinviting_replaces_the_open_invitation(cast, django_capture_on_commit_callbacks):
    admin = cast.client_for("admin")
    url = reverse("accounts:invite", kwargs={"org": cast.organisation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"email": "salma@example.org", "role": "member"})
        admin.post(url, {"email": "salma@example.org", "role": "org_admin"})
    first, second = Invitation.objects.filter(email="salma@example.org").order_by("pk")
    assert first.revoked_at is not None
    assert second.is_open
    assert len(mail.outbox) == 2


def test_invitation_to_a_deactivated_member_reactivates_them(cast):
    Membership.objects.filter(user=cast.member).update(is_active=False)
    invitation = InvitationFactory(
        organisation=cast.organisation, email=cast.member.email, role="readonly"
    )
    cast.client_for("member").post(accept_url(invitation))
    membership = Membership.objects.get(user=cast.member)
    assert membership.is_active
    assert membership.role == "readonly"
