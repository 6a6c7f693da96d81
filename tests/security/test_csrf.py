"""CSRF: every state-changing request without a token is refused, and changes nothing.

The URL resolver is walked and every pattern is posted to, by a signed-in user, with a client
that enforces the checks as a browser session would be held to them. CSRF middleware refuses
before the view runs, so the path's arguments need not name a real record: a number, a slug, a
case code of the right shape will do. Whatever the view does with GET, a POST without a token
answers 403, except the views of ``EXEMPT``, each there for a reason written beside it.

The API's views are exempted from the middleware by Django REST Framework, which enforces CSRF
itself for session-authenticated requests; a token-authenticated request carries no ambient
credential and needs none. Both are checked below.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

pytestmark = pytest.mark.django_db

# Views that opt out of the CSRF middleware, and why that is safe.
EXEMPT: dict[str, str] = {
    # Django REST Framework's APIView.as_view() exempts every API view from the middleware and
    # then enforces CSRF inside SessionAuthentication; token-authenticated calls carry no cookie.
    # test_api_with_a_session_needs_the_token checks the first half of that promise.
    "rest_framework": "DRF: enforced by SessionAuthentication, token auth needs none",
}

_SAMPLES = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x/y",
    "uuid": str(uuid.UUID(int=1)),
    "case": "C-2345-ABCD",
}
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _route_path(route: str) -> str:
    return _PARAMETER.sub(lambda m: _SAMPLES.get(m.group("converter") or "str", "x"), route)


def _patterns(resolver=None, prefix="") -> list[tuple[str, str, object]]:
    """(path, name, view) for every URL pattern, with sample arguments."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        part = pattern.pattern
        if isinstance(part, LocalePrefixPattern):
            text = "en/"
        elif isinstance(part, RoutePattern):
            text = _route_path(str(part))
        elif isinstance(part, RegexPattern):
            text = _regex_path(part.regex.pattern)
            if text is None:
                continue
        else:  # pragma: no cover - Django has no other kind
            continue
        if isinstance(pattern, URLResolver):
            found.extend(_patterns(pattern, prefix + text))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + text, pattern.name or "", pattern.callback))
    return found


def _regex_path(regex: str) -> str | None:
    """A sample path for the regex patterns (the admin's, static files): None if unsure."""
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    text = re.sub(r"\(\?P<\w+>([^)]*)\)", lambda m: _first_alternative(m.group(1)), text)
    if any(c in text for c in "()[]*+?{}|"):
        return None
    return text


def _first_alternative(group: str) -> str:
    if "|" in group:
        return group.split("|")[0]
    if group in (".+", ".*", "[^/]+", "[^/.]+", "\\d+", "d+"):
        return "1"
    return "x"


def _module(view) -> str:
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return (cls or view).__module__


def _is_exempt(view) -> bool:
    return getattr(view, "csrf_exempt", False)


def _exempt_kind(view) -> str:
    cls = getattr(view, "cls", None)
    if cls is not None and issubclass(cls, APIView):
        return "rest_framework"
    return f"{_module(view)}.{getattr(view, '__name__', '')}"


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def test_every_post_without_a_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    before = _rows()
    patterns = _patterns()
    checked, exempt, refused_wrongly = 0, [], []
    for path, name, view in patterns:
        if _is_exempt(view):
            exempt.append((path, name, _module(view), _exempt_kind(view)))
            continue
        answer = client.post("/" + path, {"title": "forged", "name": "forged"})
        checked += 1
        if answer.status_code != 403:
            refused_wrongly.append(f"/{path} ({name}): {answer.status_code}")
    assert not refused_wrongly, f"POST without a CSRF token not refused: {refused_wrongly}"
    unexplained = [e for e in exempt if e[3] not in EXEMPT]
    assert not unexplained, f"views exempted from CSRF without a reason in EXEMPT: {unexplained}"
    assert checked > 300, f"only {checked} URL patterns checked: the resolver walk lost some"
    assert _rows() == before, "a refused POST changed the database"


def test_api_with_a_session_needs_the_token(cast):
    """A session-authenticated API write without the token is refused by DRF itself."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    before = _rows()
    checked, wrong = 0, []
    for path, name, view in _patterns():
        cls = getattr(view, "cls", None)
        if cls is None or not _is_exempt(view):
            continue
        answer = client.post("/" + path, {"name": "forged"}, content_type="application/json")
        checked += 1
        uses_session = any(
            issubclass(a, SessionAuthentication) for a in getattr(cls, "authentication_classes", [])
        )
        if uses_session and not (answer.status_code == 403 and b"CSRF" in answer.content):
            wrong.append(f"/{path} ({name}): {answer.status_code}")
        elif not uses_session and 200 <= answer.status_code < 300:
            wrong.append(f"/{path} ({name}) without session auth accepted: {answer.status_code}")
    assert checked >= 20, f"only {checked} API views found"
    assert not wrong, f"API accepted a session POST without CSRF token: {wrong}"
    assert _rows() == before


def test_a_post_with_the_token_is_not_refused_by_csrf(cast):
    """The check above must be able to pass: with the cookie's token the same POST gets by."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    client.get("/en/accounts/profile/")
    token = client.cookies["csrftoken"].value
    answer = client.post("/en/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302
