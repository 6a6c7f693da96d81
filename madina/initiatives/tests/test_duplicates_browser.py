"""Acceptance 2 in a real browser: a draft typed in Arabic finds the French initiative it repeats.

A coordinator opens the create form, chooses the commune and the sector, types an Arabic title
that renders an initiative registered in French; the panel beside the form proposes it, with its
score and its reasons, and the coordinator records a decision. In Arabic and in French, with
screenshots in test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from madina.accounts.models import User
from madina.accounts.tests.factories import UserFactory
from madina.actors.models import Sector
from madina.actors.tests.factories import OrganisationFactory, SectorFactory
from madina.core.tests.test_browser import page, shot, sign_in  # noqa: F401 (the fixture)
from madina.initiatives.models import DraftDecision
from madina.initiatives.tests.factories import InitiativeFactory
from madina.territory.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRENCH_TITLE = "Caravane médicale au profit des migrants à Nador"
ARABIC_DRAFT = "قافلة طبية لفائدة المهاجرين بالناظور"


@pytest.fixture
def registry():
    province = ProvinceFactory(code="02.381", name_fr="Nador", name_ar="الناضور")
    nador = CommuneFactory(parent=province, code="02.381.01.05", name_fr="Nador", name_ar="الناضور")
    CommuneFactory(parent=province, code="02.381.01.19", name_fr="Selouane", name_ar="سلوان")
    health = SectorFactory(
        code="SNIA-03", kind=Sector.Kind.SECTORAL, name_fr="Santé", name_ar="الصحة"
    )
    SectorFactory(code="SNIA-01", kind=Sector.Kind.SECTORAL, name_fr="Éducation", name_ar="التربية")
    existing = InitiativeFactory(
        title=FRENCH_TITLE,
        lead_organisation=OrganisationFactory(name_fr="Association Oujda Accueil"),
        sector=health,
        communes=[nador],
    )
    OrganisationFactory(name_fr="Association Rif Solidarité", name_ar="جمعية الريف للتضامن")
    UserFactory(email="coord@example.org", platform_role=User.PlatformRole.COORDINATOR)
    return {"nador": nador, "health": health, "existing": existing}


def type_draft(browser_page, registry) -> None:
    form = browser_page.locator("#initiative-form")
    form.locator("select[name=sector]").select_option(str(registry["health"].pk))
    form.locator("select[name=communes]").select_option([str(registry["nador"].pk)])
    form.locator("[name=title]").press_sequentially(ARABIC_DRAFT, delay=15)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_an_arabic_draft_finds_the_french_initiative_it_repeats(
    live_server,
    page,  # noqa: F811 (the fixture imported above)
    registry,
    language,
):
    base = live_server.url
    sign_in(page, base, "coord@example.org")
    page.goto(f"{base}/{language}/initiatives/new/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    script = page.locator("script[src*='initiatives/duplicates.js']")
    assert script.count() == 1, "the create page must load initiatives/duplicates.js"
    type_draft(page, registry)

    card = page.locator(f"#duplicate-candidate-{registry['existing'].pk}")
    card.wait_for(state="visible")
    # On a phone the panel is below the form; a notice above the Save button points to it.
    page.locator("#duplicate-alert").wait_for(state="visible")
    text = card.inner_text()
    assert FRENCH_TITLE in text
    assert "%" in card.locator(".duplicate-score").inner_text()
    reasons = card.locator(".duplicate-reasons li").all_inner_texts()
    assert len(reasons) >= 3  # commune, sector, title (and the dates)
    assert any(("الناضور" if language == "ar" else "Nador") in reason for reason in reasons)
    assert any(("الصحة" if language == "ar" else "Santé") in reason for reason in reasons)
    link = card.locator("a[target=_blank]")
    assert link.get_attribute("href").endswith(f"/initiatives/{registry['existing'].pk}/")
    shot(page, f"{language}-initiative-duplicate-proposed")

    # The coordinator says what they decide; it is kept, and the form carries its id.
    page.select_option("#initiative-form select[name=lead_organisation]", index=1)
    card.locator("input[value=complementary]").check()
    card.locator("button[type=submit]").click()
    recorded = page.locator("[data-draft-decision]")
    recorded.wait_for(state="visible")
    decision = DraftDecision.objects.get()
    assert decision.candidate == registry["existing"]
    assert decision.decision == "complementary"
    assert decision.draft_title == ARABIC_DRAFT
    hidden = page.locator("#initiative-form input[name=draft_decisions]")
    hidden.wait_for(state="attached")
    assert hidden.get_attribute("value") == str(decision.pk)
    shot(page, f"{language}-initiative-duplicate-decided")

    # Nothing was refused by the content-security policy.
    assert page.console_errors == []
