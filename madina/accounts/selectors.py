"""Reads of the accounts app: fetch-and-authorise helpers used by views, the API and services."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts.models import Invitation, Membership, User
from madina.actors.models import Organisation
from madina.actors.selectors import organisation_get_for_user

RECOVERY_DEVICE_NAME = "recovery"


def token_hash(token: str) -> str:
    """The only form in which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, open or not; ``None`` if there is none."""
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def user_exists_with_email(email: str) -> bool:
    """Only for the holder of an invitation to that address: never on a public form."""
    return User.objects.filter(email__iexact=email).exists()


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    """Every membership of an organisation the caller has already been authorised to see."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email")
    )


def invitation_open_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def membership_get_for_user(
    user, *, organisation_pk: int, pk: int, perm: str = "actors.manage_members"
) -> Membership:
    """A membership of organisation ``organisation_pk``: 404 to outsiders, 403 without ``perm``."""
    organisation = organisation_get_for_user(user, organisation_pk, perm=perm)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        organisation=organisation,
        pk=pk,
    )


def invitation_get_for_user(user, *, organisation_pk: int, pk: int) -> Invitation:
    organisation = organisation_get_for_user(user, organisation_pk, perm="actors.manage_members")
    return get_object_or_404(
        Invitation.objects.select_related("organisation"), organisation=organisation, pk=pk
    )


def user_memberships(user: User) -> QuerySet[Membership]:
    """The user's own memberships, active ones first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("-is_active", "organisation__name_fr", "organisation__name_ar")
    )


def totp_device_for_user(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__confirmed=True, device__name=RECOVERY_DEVICE_NAME
    ).count()


def recovery_device_for_user(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
