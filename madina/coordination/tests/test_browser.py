"""In a real browser, in Arabic: a coordinator creates a space, seats two organisations with
their positions and finds them on the space page; screenshots in Arabic and French."""

from __future__ import annotations

import pytest

from madina.accounts.models import User
from madina.accounts.tests.factories import UserFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.core.tests.test_browser import page, shot, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_space_in_arabic_and_seats_two_members(live_server, page):  # noqa: F811
    UserFactory(email="coord@example.org", platform_role=User.PlatformRole.COORDINATOR)
    commune = OrganisationFactory(name_ar="جماعة الناظور", name_fr="Commune de Nador")
    association = OrganisationFactory(name_ar="جمعية الريف للتضامن", name_fr="Association Rif")
    base = live_server.url
    sign_in(page, base, "coord@example.org")

    page.goto(f"{base}/ar/spaces/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("input[name=name_ar]", "الفضاء التنسيقي بين الجماعات بجهة الشرق")
    page.select_option("select[name=type]", "inter_municipal")
    page.fill("textarea[name=purpose_ar]", "تنسيق عمل الجماعات في مجال الهجرة")
    page.check("input[name=visibility][value=public]")
    shot(page, "ar-space-form")
    page.click("form#space-form button[type=submit]")
    page.wait_for_load_state()
    assert "الفضاء التنسيقي بين الجماعات بجهة الشرق" in page.locator("h1").inner_text()
    space_url = page.url

    for organisation, position in ((commune, "chair"), (association, "secretariat")):
        page.goto(f"{space_url.rstrip('/')}/members/new/")
        page.select_option("select[name=organisation]", str(organisation.pk))
        page.select_option("select[name=position]", position)
        page.fill("input[name=start_date]", "2025-01-15")
        page.click("form#member-form button[type=submit]")
        page.wait_for_load_state()

    members = page.locator("#members").inner_text()
    assert "جماعة الناظور" in members and "جمعية الريف للتضامن" in members
    assert "الرئاسة" in members and "الكتابة" in members
    shot(page, "ar-space-detail")
    # A cheap phone: nothing wider than 360 px on any page of the space.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("", "edit/", "members/new/", "roles/", "close/", "history/"):
        page.goto(f"{space_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto(f"{base}/ar/spaces/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "ar-space-list")
    page.goto(space_url)
    page.goto(space_url.replace("/ar/", "/fr/"))
    assert "présidence" in page.locator("#members").inner_text().lower()
    shot(page, "fr-space-detail")
    assert not page.console_errors
