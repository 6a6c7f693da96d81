"""In a real browser, in Arabic: a coordinator starts a programme in a space, adds an axis and an
action whose due date comes before its start, reads the refusal in Arabic, corrects it, gives the
action its lead and a consulted organisation, and finds the matrix, the timeline and the overdue
list from the space page; every page fits a 360-pixel phone; screenshots in Arabic and French."""

from __future__ import annotations

import pytest

from madina.accounts.models import User
from madina.accounts.tests.factories import UserFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.coordination.tests.factories import SpaceFactory
from madina.core.tests.test_browser import page, shot, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD = "جمعية الريف للتضامن"
CONSULTED = "جماعة بني انصار"
ACTION = "خريطة خدمات الاستقبال بالناظور"


def fits(page) -> None:  # noqa: F811 (the page is the fixture's)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} pixels wide"


def save(page, form: str) -> None:  # noqa: F811 (the page is the fixture's)
    page.click(f"form#{form} button[type=submit]")
    page.wait_for_load_state()


def test_a_coordinator_builds_a_programme_in_arabic(live_server, page):  # noqa: F811
    UserFactory(email="coord@example.org", platform_role=User.PlatformRole.COORDINATOR)
    space = SpaceFactory(name_ar="الفضاء التنسيقي للمجتمع المدني بالناظور", visibility="private")
    lead = OrganisationFactory(name_ar=LEAD, name_fr="Association Rif Solidarité")
    consulted = OrganisationFactory(name_ar=CONSULTED, name_fr="Commune de Beni Ansar")
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, base, "coord@example.org")

    page.goto(f"{base}/ar/spaces/{space.pk}/programmes/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("input[name=title]", "برنامج العمل المشترك 2025-2026")
    page.fill("input[name=period_start]", "2025-01-01")
    page.fill("input[name=period_end]", "2026-12-31")
    page.select_option("select[name=status]", "adopted")
    fits(page)
    shot(page, "ar-programme-form")
    save(page, "programme-form")
    assert "برنامج العمل المشترك 2025-2026" in page.locator("h1").inner_text()
    programme_url = page.url

    page.goto(f"{programme_url}items/new/")
    page.select_option("select[name=kind]", "axis")
    page.fill("input[name=code]", "1")
    page.fill("input[name=title]", "الحكامة الترابية")
    save(page, "item-form")

    # The action: due before it starts, refused in Arabic on the field, nothing saved.
    page.goto(f"{programme_url}items/new/")
    page.select_option("select[name=kind]", "action")
    page.select_option("select[name=parent]", label="1 الحكامة الترابية")
    page.fill("input[name=code]", "1.1")
    page.fill("input[name=title]", ACTION)
    page.fill("input[name=start_date]", "2025-06-01")
    page.fill("input[name=due_date]", "2025-03-31")
    save(page, "item-form")
    error = page.locator("#id_due_date_error").inner_text()
    assert "لا يمكن أن يسبق تاريخ الاستحقاق تاريخ البداية." in error
    fits(page)
    shot(page, "ar-programme-item-refused")
    page.fill("input[name=start_date]", "2025-01-01")
    save(page, "item-form")
    assert ACTION in page.locator("h1").inner_text()
    action_url = page.url
    assert "ليست لهذا الإجراء جهة قائدة بعد." in page.locator("main").inner_text()

    for organisation, role in ((lead, "accountable"), (consulted, "consulted")):
        page.goto(f"{action_url}responsibilities/new/")
        page.select_option("select[name=organisation]", str(organisation.pk))
        page.select_option("select[name=role]", role)
        fits(page)
        save(page, "responsibility-form")
    matrix = page.locator("section[aria-labelledby=matrix-title]").inner_text()
    assert LEAD in matrix and CONSULTED in matrix
    assert "ليست لهذا الإجراء جهة قائدة بعد." not in matrix
    fits(page)
    shot(page, "ar-programme-action")

    page.goto(f"{programme_url}raci/")
    table = page.locator("table").inner_text()
    assert ACTION in table and LEAD in table and CONSULTED in table
    fits(page)
    shot(page, "ar-programme-raci")

    page.goto(f"{programme_url}timeline/")
    assert ACTION in page.locator("main").inner_text()
    fits(page)
    shot(page, "ar-programme-timeline")

    # From the space page to the overdue list: the action was due on 31 March 2025.
    page.goto(f"{base}/ar/spaces/{space.pk}/")
    page.click(f"a[href='/ar/spaces/{space.pk}/overdue/']")
    page.wait_for_load_state()
    overdue = page.locator("main").inner_text()
    assert ACTION in overdue and LEAD in overdue
    fits(page)
    shot(page, "ar-programme-overdue")

    page.goto(programme_url.replace("/ar/", "/fr/"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert ACTION in page.locator("main").inner_text()
    fits(page)
    shot(page, "fr-programme-detail")
    page.goto(f"{programme_url.replace('/ar/', '/fr/')}raci/")
    assert "Association Rif Solidarité" in page.locator("table").inner_text()
    shot(page, "fr-programme-raci")
    assert not page.console_errors
