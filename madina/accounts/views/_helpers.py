from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, url: str | None) -> str:
    """``url`` if it points to this site, else an empty string."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def landing_url(user) -> str:
    """Where a user lands after signing in without ``next``: home, in their own language."""
    url = resolve_url(settings.LOGIN_REDIRECT_URL)
    language = getattr(user, "preferred_language", "")
    return translate_url(url, language) if language else url
