"""Services: the result, and nothing written when they refuse."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from madina.accounts import services
from madina.accounts.models import Invitation, Membership, User
from madina.accounts.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    totp_code,
    totp_device,
)
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def counts():
    return (
        Invitation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        list(Membership.objects.order_by("pk").values_list("role", "is_active")),
        list(Invitation.objects.order_by("pk").values_list("accepted_at", "revoked_at")),
    )


def invite(cast, actor, **kwargs):
    return services.invitation_create(
        actor=actor,
        organisation=kwargs.pop("organisation", cast.organisation),
        email=kwargs.pop("email", "salma@example.org"),
        role=kwargs.pop("role", Membership.Role.MEMBER),
        base_url="https://madina.example.org/",
    )


def test_invitation_create_stores_only_the_hash_and_audits(
    cast, django_capture_on_commit_callbacks
):
    with translation.override("ar"), django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(cast, cast.admin, email=" Salma@Example.ORG ")
    assert invitation.email == "salma@example.org"
    assert len(token) >= 40
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    event = AuditEvent.objects.get(object_type="accounts.invitation", object_id=invitation.pk)
    assert event.organisation_id == cast.organisation.pk
    assert event.actor == cast.admin
    assert "token_hash" not in event.changes
    assert f"https://madina.example.org/ar/accounts/invitations/{token}/" in mail.outbox[0].body


@pytest.mark.parametrize("name", ["member", "readonly", "outsider", "coordinator"])
def test_invitation_create_refused_to_non_admins_writes_nothing(cast, name):
    before = counts()
    with pytest.raises(PermissionDenied):
        invite(cast, getattr(cast, name))
    assert counts() == before


@pytest.mark.parametrize(
    ("email", "role"),
    [("not-an-email", "member"), ("salma@example.org", "owner")],
)
def test_invitation_create_refuses_bad_input(cast, email, role):
    before = counts()
    with pytest.raises(ValidationError):
        invite(cast, cast.admin, email=email, role=role)
    assert counts() == before


def test_invitation_accept_refuses_a_weak_password_and_writes_nothing(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    before = counts()
    with pytest.raises(ValidationError):
        services.invitation_accept(
            actor=None, invitation=invitation, full_name="Salma", password="salma"
        )
    assert counts() == before


def test_invitation_accept_refuses_another_account(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=cast.outsider, invitation=invitation)
    assert counts() == before


def test_invitation_revoke(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    services.invitation_revoke(actor=cast.admin, invitation=invitation)
    invitation.refresh_from_db()
    assert not invitation.is_open
    before = counts()
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=cast.admin, invitation=invitation)
    assert counts() == before


def test_invitation_revoke_refused_to_a_member(cast):
    invitation = InvitationFactory(organisation=cast.organisation)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=cast.member, invitation=invitation)
    assert counts() == before


def test_membership_change_role_audits_with_the_organisation(cast):
    membership = Membership.objects.get(user=cast.member)
    services.membership_change_role(actor=cast.admin, membership=membership, role="org_admin")
    membership.refresh_from_db()
    assert membership.role == "org_admin"
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=membership.pk)
    assert event.changes == {"role": ["member", "org_admin"]}
    assert event.organisation_id == cast.organisation.pk


def test_the_last_admin_cannot_be_demoted_or_deactivated(cast):
    admin_membership = Membership.objects.get(user=cast.admin)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.membership_change_role(
            actor=cast.admin, membership=admin_membership, role="member"
        )
    assert error.value.code == "last_admin"
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=cast.admin, membership=admin_membership)
    assert counts() == before


def test_an_admin_can_step_down_once_there_is_another_admin(cast):
    MembershipFactory(organisation=cast.organisation, role="org_admin")
    admin_membership = Membership.objects.get(user=cast.admin)
    services.membership_change_role(actor=cast.admin, membership=admin_membership, role="member")
    admin_membership.refresh_from_db()
    assert admin_membership.role == "member"


def test_an_inactive_admin_does_not_count_as_another_admin(cast):
    other = MembershipFactory(organisation=cast.organisation, role="org_admin", is_active=False)
    admin_membership = Membership.objects.get(user=cast.admin)
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=cast.admin, membership=admin_membership)
    assert other.user.memberships.get().is_active is False


@pytest.mark.parametrize("name", ["member", "readonly", "outsider", "coordinator"])
def test_membership_writes_refused_to_non_admins_write_nothing(cast, name):
    membership = Membership.objects.get(user=cast.member)
    actor = getattr(cast, name)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=actor, membership=membership, role="org_admin")
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(actor=actor, membership=membership)
    assert counts() == before


def test_user_set_language(cast):
    services.user_set_language(actor=cast.member, user=cast.member, language="fr")
    cast.member.refresh_from_db()
    assert cast.member.preferred_language == "fr"
    before = counts()
    with pytest.raises(ValidationError):
        services.user_set_language(actor=cast.member, user=cast.member, language="xx")
    with pytest.raises(PermissionDenied):
        services.user_set_language(actor=cast.admin, user=cast.member, language="ar")
    assert counts() == before
    cast.member.refresh_from_db()
    assert cast.member.preferred_language == "fr"


def test_totp_device_confirm_refuses_someone_elses_device(cast):
    device = totp_device(cast.member, confirmed=False)
    with pytest.raises(PermissionDenied):
        services.totp_device_confirm(actor=cast.admin, device=device, token=totp_code(device))
    device.refresh_from_db()
    assert not device.confirmed


@override_settings(MADINA_2FA_REQUIRED_ROLES=["org_admin"])
def test_two_factor_disable_refused_for_a_mandatory_role(cast):
    device = totp_device(cast.admin)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.two_factor_disable(actor=cast.admin, token=totp_code(device))
    assert counts() == before
    assert type(device).objects.filter(pk=device.pk).exists()
