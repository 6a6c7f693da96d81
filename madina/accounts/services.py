"""Writes of the accounts app: invitations, memberships, profiles and the second factor.

Every function is keyword-only, takes the acting user, checks permission, validates, writes in
one transaction and records the audit event. A refusal raises before anything is written.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts.authentication import hash_key
from madina.accounts.middleware import two_factor_required
from madina.accounts.models import ApiToken, Invitation, Membership, User
from madina.accounts.selectors import RECOVERY_DEVICE_NAME, token_hash
from madina.actors.models import Organisation
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent

INVITATION_VALIDITY = timedelta(days=7)
RECOVERY_CODE_COUNT = 10

_MEMBERSHIP_FIELDS = ["user", "organisation", "role", "is_active"]
_INVITATION_FIELDS = ["organisation", "email", "role", "expires_at", "accepted_at", "revoked_at"]


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _require_self_or_platform_admin(actor, user: User) -> None:
    if not actor.is_authenticated or (actor.pk != user.pk and not actor.is_platform_admin):
        raise PermissionDenied


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")}, code="invalid_role")


def _check_language(language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"preferred_language": _("Choose a valid language.")}, code="invalid_language"
        )


# Invitations ----------------------------------------------------------------------------------


def _send_invitation(invitation: Invitation, accept_url: str) -> None:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "accept_url": accept_url,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *, actor, organisation: Organisation, email: str, role: str, base_url: str
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``organisation`` with ``role``; e-mail the link once committed.

    Returns the invitation and its token: the token is never stored, only its SHA-256 hash.
    An open invitation to the same address is revoked and replaced.
    """
    _require(actor, "actors.manage_members", organisation)
    email = User.objects.normalize_email(email.strip()).lower()
    validate_email(email)
    _check_role(role)
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError(
            {"email": _("This person is already a member of the organisation.")},
            code="already_member",
        )
    now = timezone.now()
    for previous in Invitation.objects.select_for_update().filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ):
        before = snapshot(previous, _INVITATION_FIELDS)
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at", "updated_at"])
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=previous,
            before=before,
            after=snapshot(previous, _INVITATION_FIELDS),
            organisation_id=organisation.pk,
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + INVITATION_VALIDITY,
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=invitation,
        after=snapshot(invitation, _INVITATION_FIELDS),
        organisation_id=organisation.pk,
    )
    accept_url = base_url.rstrip("/") + reverse(
        "accounts:invitation_accept", kwargs={"token": token}
    )
    transaction.on_commit(lambda: _send_invitation(invitation, accept_url))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    _require(actor, "actors.manage_members", invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."), code="not_open")
    before = snapshot(invitation, _INVITATION_FIELDS)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        before=before,
        after=snapshot(invitation, _INVITATION_FIELDS),
        organisation_id=invitation.organisation_id,
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    actor,
    invitation: Invitation,
    full_name: str = "",
    password: str = "",
    preferred_language: str = "",
) -> Membership:
    """Accept an open invitation.

    A signed-in ``actor`` joins with their own account, which must have the invited address.
    Otherwise a new account is created with ``full_name`` and ``password`` (checked against the
    password validators); an address that already has an account must sign in first.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid."), code="not_open")
    actor = actor or AnonymousUser()
    if actor.is_authenticated:
        if actor.email.lower() != invitation.email.lower():
            raise PermissionDenied
        user = actor
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account already exists for this e-mail address: sign in first."),
                code="account_exists",
            )
        full_name = full_name.strip()
        if not full_name:
            raise ValidationError({"full_name": _("Enter your full name.")}, code="required")
        _check_language(preferred_language)
        user = User(email=invitation.email, full_name=full_name)
        password_validation.validate_password(password, user)
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            preferred_language=preferred_language,
        )
        record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            instance=user,
            after=snapshot(user, ["email", "is_active"]),
            organisation_id=invitation.organisation_id,
        )
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organisation=invitation.organisation)
        .first()
    )
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            instance=membership,
            after=snapshot(membership, _MEMBERSHIP_FIELDS),
            organisation_id=invitation.organisation_id,
        )
    else:
        before = snapshot(membership, _MEMBERSHIP_FIELDS)
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active", "updated_at"])
        record(
            actor=user,
            action=AuditEvent.Action.UPDATE,
            instance=membership,
            before=before,
            after=snapshot(membership, _MEMBERSHIP_FIELDS),
            organisation_id=invitation.organisation_id,
        )
    before = snapshot(invitation, _INVITATION_FIELDS)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        before=before,
        after=snapshot(invitation, _INVITATION_FIELDS),
        organisation_id=invitation.organisation_id,
    )
    return membership


# Memberships ----------------------------------------------------------------------------------


def _lock_for_change(actor, membership: Membership) -> tuple[Membership, list[int]]:
    """Lock the organisation's active admins (in a fixed order) and the membership itself.

    Locking the admins first serialises two admins demoting each other at the same moment.
    """
    _require(actor, "actors.manage_members", membership.organisation)
    admins = list(
        Membership.objects.select_for_update()
        .filter(
            organisation_id=membership.organisation_id,
            role=Membership.Role.ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    return locked, admins


def _refuse_last_admin(membership: Membership, admins: list[int]) -> None:
    if admins == [membership.pk]:
        raise ValidationError(
            _(
                "This is the last administrator of the organisation: "
                "name another administrator first."
            ),
            code="last_admin",
        )


def _save_membership(
    actor, membership: Membership, before: dict, fields: list[str], snapshot_fields=None
) -> None:
    membership.save(update_fields=[*fields, "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=membership,
        before=before,
        after=snapshot(membership, snapshot_fields or _MEMBERSHIP_FIELDS),
        organisation_id=membership.organisation_id,
    )


@transaction.atomic
def membership_change_role(
    *, actor, membership: Membership, role: str, case_role: str | None = None
) -> Membership:
    """Change the member's role and, when ``case_role`` is given, their role in case
    management ("" for none): only an administrator of the organisation may do either."""
    _check_role(role)
    if case_role is not None and case_role and case_role not in Membership.CaseRole.values:
        raise ValidationError({"case_role": _("Choose a valid role.")}, code="invalid_case_role")
    membership, admins = _lock_for_change(actor, membership)
    fields = []
    if membership.role != role:
        if role != Membership.Role.ADMIN:
            _refuse_last_admin(membership, admins)
        fields.append("role")
    if case_role is not None and membership.case_role != case_role:
        fields.append("case_role")
    if not fields:
        return membership
    audited = [*_MEMBERSHIP_FIELDS, "case_role"]
    before = snapshot(membership, audited)
    membership.role = role
    if case_role is not None:
        membership.case_role = case_role
    _save_membership(actor, membership, before, fields, audited)
    return membership


@transaction.atomic
def membership_deactivate(*, actor, membership: Membership) -> Membership:
    membership, admins = _lock_for_change(actor, membership)
    if not membership.is_active:
        return membership
    _refuse_last_admin(membership, admins)
    before = snapshot(membership, _MEMBERSHIP_FIELDS)
    membership.is_active = False
    _save_membership(actor, membership, before, ["is_active"])
    return membership


@transaction.atomic
def membership_reactivate(*, actor, membership: Membership) -> Membership:
    membership, _admins = _lock_for_change(actor, membership)
    if membership.is_active:
        return membership
    before = snapshot(membership, _MEMBERSHIP_FIELDS)
    membership.is_active = True
    _save_membership(actor, membership, before, ["is_active"])
    return membership


# Profile --------------------------------------------------------------------------------------


def _save_user(actor, user: User, before: dict, fields: list[str]) -> User:
    user.save(update_fields=fields)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=user,
        before=before,
        after=snapshot(user, fields),
    )
    return user


@transaction.atomic
def user_profile_update(*, actor, user: User, full_name: str, preferred_language: str) -> User:
    _require_self_or_platform_admin(actor, user)
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter your full name.")}, code="required")
    _check_language(preferred_language)
    fields = ["full_name", "preferred_language"]
    before = snapshot(user, fields)
    user.full_name = full_name
    user.preferred_language = preferred_language
    return _save_user(actor, user, before, fields)


@transaction.atomic
def user_set_language(*, actor, user: User, language: str) -> User:
    """Remember the language ``user`` reads Madina in (an empty value: follow the browser)."""
    _require_self_or_platform_admin(actor, user)
    _check_language(language)
    before = snapshot(user, ["preferred_language"])
    user.preferred_language = language
    return _save_user(actor, user, before, ["preferred_language"])


# Second factor --------------------------------------------------------------------------------


def _normalise_token(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def otp_token_check(*, user: User, token: str, totp_only: bool = False) -> Device | None:
    """The confirmed device of ``user`` that accepts ``token`` (a TOTP or recovery code).

    Each device throttles failures itself, and a recovery code is deleted once used. The check
    is not atomic with the caller on purpose: a failure must stay counted.
    """
    token = _normalise_token(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if totp_only and not isinstance(device, TOTPDevice):
                continue
            if device.verify_token(token):
                return device
    return None


def _two_factor_event(actor, user: User, *, before: bool, after: bool) -> None:
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=user,
        before={"two_factor": before},
        after={"two_factor": after},
    )


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_device_start(*, actor) -> TOTPDevice:
    """The unconfirmed authenticator ``actor`` is enrolling, created on first call."""
    if not actor.is_authenticated:
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Two-factor authentication is already on."), code="already_on")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, actor, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a first code; returns the new recovery codes, to show once."""
    if not actor.is_authenticated or device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    # Verified outside the transaction below so that a wrong code stays counted by throttling.
    if not device.verify_token(_normalise_token(token)):
        raise ValidationError(_("This code is not valid."), code="invalid_code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        codes = _recovery_codes_replace(actor)
        _two_factor_event(actor, actor, before=False, after=True)
    return codes


def recovery_codes_regenerate(*, actor, token: str) -> list[str]:
    """Replace the recovery codes of ``actor`` after a fresh authenticator code."""
    if (
        not actor.is_authenticated
        or not TOTPDevice.objects.filter(user=actor, confirmed=True).exists()
    ):
        raise PermissionDenied
    if otp_token_check(user=actor, token=token, totp_only=True) is None:
        raise ValidationError(_("This code is not valid."), code="invalid_code")
    with transaction.atomic():
        codes = _recovery_codes_replace(actor)
        record(
            actor=actor,
            action=AuditEvent.Action.ACCESS,
            instance=actor,
            after={"recovery_codes": "regenerated"},
        )
    return codes


def two_factor_disable(*, actor, token: str) -> None:
    """Remove every second-factor device of ``actor``; refused when a role requires 2FA."""
    if not actor.is_authenticated or two_factor_required(actor):
        raise PermissionDenied
    if otp_token_check(user=actor, token=token) is None:
        raise ValidationError(_("This code is not valid."), code="invalid_code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        _two_factor_event(actor, actor, before=True, after=False)


# API tokens -----------------------------------------------------------------------------------

API_TOKEN_LIMIT = 10


def api_token_create(*, actor, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """Make a key for the REST API acting for ``actor`` within ``organisation`` only.

    Returns the token and the key itself, which is shown once and never stored.
    """
    if not actor.is_authenticated or getattr(actor, "_madina_token_organisation", None):
        raise PermissionDenied
    if not actor.memberships.active().filter(organisation=organisation).exists():
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, for example the tool that uses it.")}
        )
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
        if active.count() >= API_TOKEN_LIMIT:
            raise ValidationError(
                _("You already have %(limit)d active tokens: revoke one first.")
                % {"limit": API_TOKEN_LIMIT}
            )
        key = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor,
            organisation=organisation,
            name=name[:100],
            key_hash=hash_key(key),
            prefix=key[:8],
        )
        record(
            actor=actor,
            action=AuditEvent.Action.ACCESS,
            instance=token,
            after=snapshot(token, ["user", "organisation", "name", "prefix"]),
            organisation_id=organisation.pk,
        )
    return token, key


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may the admins of its organisation."""
    if not (
        token.user_id == actor.pk or actor.has_perm("actors.manage_members", token.organisation)
    ):
        raise PermissionDenied
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record(
            actor=actor,
            action=AuditEvent.Action.ACCESS,
            instance=token,
            before={"revoked_at": None},
            after=snapshot(token, ["revoked_at"]),
            organisation_id=token.organisation_id,
        )
    return token
