"""The portal's door and shell: the language chosen on the first screen, Spanish on the public
pages only, the key figures, the way out, nothing from another origin."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_first_screen_names_each_language_in_itself(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for code, name in (("ar", "العربيّة"), ("fr", "Français"), ("en", "English"), ("es", "español")):
        link = re.search(rf'<a href="(/{code}/portal/)"\s+lang="{code}"', html)
        assert link, code
        assert name.lower() in html.lower()
    # The line under the choices is said in every language.
    assert re.search(r'<p class="muted small"\s+lang="ar"\s+dir="rtl">', html)
    assert re.search(r'<p class="muted small"\s+lang="es"\s+dir="ltr">', html)


@pytest.mark.parametrize(
    ("cookie", "target"), [("fr", "/fr/"), ("ar", "/ar/"), ("es", "/es/portal/")]
)
def test_someone_who_has_chosen_goes_straight_on(client, cookie, target):
    client.cookies["madina_language"] = cookie
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == target


def test_spanish_is_spoken_on_the_portal_and_staff_pages_open_in_french(client):
    portal = client.get("/es/portal/")
    assert portal.status_code == 200
    assert '<html lang="es" dir="ltr">' in portal.content.decode()
    staff = client.get("/es/initiatives/?q=agua")
    assert staff.status_code == 302 and staff["Location"] == "/fr/initiatives/?q=agua"
    # The staff pages offer their own languages only.
    html = client.get("/fr/").content.decode()
    assert 'hreflang="es"' not in html and 'hreflang="ar"' in html


@pytest.mark.parametrize("language", ["ar", "fr", "en", "es"])
def test_every_portal_page_offers_the_four_languages_and_the_way_out(client, language, settings):
    settings.MADINA_LEAVE_URL = "https://weather.example/"
    html = client.get(f"/{language}/portal/").content.decode()
    for code in ("ar", "fr", "en", "es"):
        assert f'hreflang="{code}"' in html
    leave = re.search(r'<a class="leave"[^>]*>', html).group(0)
    assert 'href="https://weather.example/"' in leave
    assert 'data-leave-url="https://weather.example/"' in leave
    assert 'rel="noreferrer noopener"' in leave
    assert '<meta name="referrer" content="same-origin">' in html


def test_the_home_page_loads_nothing_from_another_origin_and_no_inline_script(client, territory):
    ServiceFactory(commune=territory.nador)
    html = client.get("/fr/portal/").content.decode()
    for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    # No framework: the portal's own style sheet and script only.
    assert "bootstrap" not in html and "htmx" not in html


def test_the_home_page_counts_active_services_and_maps_them_by_commune(client, territory):
    for _ in range(3):
        ServiceFactory(commune=territory.nador)
    ServiceFactory(commune=territory.beni_ansar)
    ServiceFactory(commune=territory.beni_ansar, is_active=False)
    response = client.get("/en/portal/")
    assert response.context["figures"]["services"] == 4
    points = {point.name: point for point in response.context["points"]}
    assert {name: point.services for name, point in points.items()} == {
        territory.nador.name: 3,
        territory.beni_ansar.name: 1,
    }
    # More services, a larger circle; north is up (Beni Ansar lies north of Nador).
    assert points[territory.nador.name].radius > points[territory.beni_ansar.name].radius
    assert points[territory.beni_ansar.name].y < points[territory.nador.name].y
    html = response.content.decode()
    assert html.count("<circle") == 2
    assert f"{reverse('portal:services')}?commune={territory.nador.pk}" in html


def test_the_throttle_counts_per_client_and_scope_without_keeping_the_address(rf, settings):
    from django.core.cache import cache

    from madina.portal import throttle

    settings.MADINA_PUBLIC_RATE_LIMITS = {"default": (2, 60), "feedback": (2, 60)}
    cache.clear()
    first = rf.post("/", REMOTE_ADDR="203.0.113.7")
    other = rf.post("/", REMOTE_ADDR="198.51.100.9")
    assert [throttle.allow(first, "feedback") for _ in range(3)] == [True, True, False]
    # Another client, and another kind of submission from the same client, are not stopped.
    assert throttle.allow(other, "feedback") is True
    assert throttle.allow(first, "answer") is True
    # The address is kept only as a keyed hash.
    key = throttle.client_key(first)
    assert "203.0.113.7" not in key and len(key) == 32
    assert key != throttle.client_key(other)


def test_service_links_of_the_home_page_only_count_services(client, territory):
    # A service's name never appears on the home page: only counts by commune.
    ServiceFactory(commune=territory.nador, name_fr="Permanence juridique discrète")
    html = client.get("/fr/portal/").content.decode()
    assert "Permanence juridique discrète" not in html
    assert Service.objects.count() == 1
