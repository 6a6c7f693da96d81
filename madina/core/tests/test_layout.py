"""The frame every page shares: language by URL prefix, direction, remembered choice, headers."""

import re

import pytest
from django.conf import settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "direction", "stylesheet"),
    [
        ("/ar/", "ar", "rtl", "bootstrap.rtl.min.css"),
        ("/fr/", "fr", "ltr", "bootstrap.min.css"),
        ("/en/", "en", "ltr", "bootstrap.min.css"),
    ],
)
def test_language_and_direction_come_from_the_url(client, prefix, lang, direction, stylesheet):
    response = client.get(prefix)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert stylesheet in html


@pytest.mark.django_db
def test_the_language_chosen_is_remembered_for_the_bare_address(client):
    client.get("/fr/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_the_language_switcher_keeps_the_page(client):
    html = client.get("/ar/").content.decode()
    assert 'href="/fr/"' in html
    assert 'href="/en/"' in html
    # Each language is named in itself.
    assert ">Français<" in html
    assert ">العربيّة<" in html or ">العربية<" in html


@pytest.mark.django_db
def test_the_home_page_in_arabic_and_french_is_translated(client):
    arabic = client.get("/ar/").content.decode()
    french = client.get("/fr/").content.decode()
    assert "Key figures" not in arabic
    assert "Key figures" not in french
    assert "Chiffres clés" in french
    assert "أرقام رئيسية" in arabic


@pytest.mark.django_db
def test_content_security_policy_admits_no_other_origin_and_no_inline_script(client):
    response = client.get("/fr/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy
    html = response.content.decode()
    # Every script is a file of our own origin; none carries inline code.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag, tag
    assert "style=" not in html
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
