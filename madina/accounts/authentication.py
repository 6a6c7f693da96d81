"""REST API authentication by organisation-scoped tokens (``Authorization: Token <key>``)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from madina.accounts.models import ApiToken

# last_used_at is written at most this often per token, not on every request.
_TOUCH_EVERY = timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def scope_user_to_organisation(user, organisation_id: int, role: str) -> None:
    """Limit ``user`` for this request to one organisation and role, without platform roles.

    The rules read these attributes (accounts/rules.py).
    """
    user._madina_roles = {organisation_id: role}
    user._madina_token_organisation = organisation_id


class OrganisationTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(key_hash=hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active or not token.organisation.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        membership = token.user.memberships.active().filter(organisation=token.organisation).first()
        if membership is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.user
        scope_user_to_organisation(user, token.organisation_id, membership.role)
        return (user, token)
