"""The main flow in a real browser: Playwright driving the system's Chromium.

Sign in, switch to Arabic, check the page reads right to left, create an organisation with an
Arabic name, find it again by a variant spelling; screenshots in Arabic and French are kept in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from madina.accounts.models import User
from madina.accounts.tests.factories import PASSWORD, UserFactory
from madina.actors.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("MADINA_CHROMIUM", "")
ARTEFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def page():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped.")
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                page.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        yield page
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/fr/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    shot(page, "fr-login")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def open_menu_if_collapsed(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap animates the menu open: wait until it is open, not opening.
        page.wait_for_selector("#main-menu.collapse.show", state="visible")


def test_sign_in_switch_to_arabic_create_and_find_an_organisation(live_server, page):
    UserFactory(email="coord@example.org", platform_role=User.PlatformRole.COORDINATOR)
    base = live_server.url

    sign_in(page, base, "coord@example.org")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.goto(f"{base}/fr/organisations/")
    shot(page, "fr-organisation-list")

    # Switch to Arabic through the language menu, as a person would.
    open_menu_if_collapsed(page)
    page.click("#language-menu")
    page.wait_for_selector("a[hreflang=ar]", state="visible")
    page.click("a[hreflang=ar]")
    page.wait_for_url("**/ar/organisations/**")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == "rtl"

    page.goto(f"{base}/ar/organisations/new/")
    shot(page, "ar-organisation-form")
    page.fill("input[name=name_ar]", "جمعية بني أنصار للتضامن مع المهاجرين")
    page.fill("input[name=acronym]", "JBAT")
    page.select_option("select[name=type]", "cso")
    page.fill("input[name=email]", "contact@jbat.example.org")
    page.fill("input[name=phone]", "+212 536 60 12 34")
    page.click("form#organisation-form button[type=submit]")
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    assert "جمعية بني أنصار للتضامن مع المهاجرين" in heading
    shot(page, "ar-organisation-detail")

    # Found again with a variant spelling: no hamza on the alef.
    page.goto(f"{base}/ar/organisations/")
    page.fill("input[name=q]", "بني انصار")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    results = page.locator("#organisation-results")
    assert "جمعية بني أنصار للتضامن مع المهاجرين" in results.inner_text()
    shot(page, "ar-organisation-search")

    # The same record in French.
    page.goto(f"{base}/fr/organisations/?q=JBAT")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "JBAT" in page.locator("#organisation-results").inner_text()
    shot(page, "fr-organisation-search")

    # Nothing was refused by the content-security policy, and nothing failed to load.
    assert page.console_errors == []


def test_pages_fit_a_360_pixel_phone_in_arabic_and_french(live_server, page):
    UserFactory(email="member@example.org", platform_role=User.PlatformRole.COORDINATOR)
    OrganisationFactory(name_ar="جمعية الأمل بالناظور", name_fr="Association Al Amal Nador")
    page.set_viewport_size({"width": 360, "height": 740})
    base = live_server.url
    sign_in(page, base, "member@example.org")
    for language in ("ar", "fr"):
        for name, path in [
            ("home", "/"),
            ("organisation-list", "/organisations/"),
            ("organisation-form", "/organisations/new/"),
            ("territory", "/territory/"),
        ]:
            page.goto(f"{base}/{language}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{language}{path} is {width} pixels wide"
            shot(page, f"{language}-{name}-360")
    assert page.console_errors == []
