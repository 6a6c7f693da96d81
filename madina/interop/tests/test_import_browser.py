"""The 3W import in a real browser, as a member of an organisation does it on a phone.

Upload a CSV with one bad row: the columns are proposed from the headers, the check refuses the
whole file and the report names the row, the column and the reason, in the page's language.
Upload the corrected file, written with other spellings of the commune: everything is imported,
the names read under another spelling are listed, and the initiatives are in the registry.
Screenshots in Arabic and French go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from madina.accounts.tests.factories import MembershipFactory, UserFactory
from madina.actors.models import Sector
from madina.actors.tests.factories import OrganisationFactory, SectorFactory
from madina.core.tests.test_browser import page, shot, sign_in  # noqa: F401 (the fixture)
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import TargetGroupFactory
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import csv_bytes
from madina.territory.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["ID", "Titre", "Secteur", "Commune", "Groupes cibles", "Statut", "Date de début"]
GOOD = ["R-1", "Caravane médicale", "Santé", "Beni Ansar", "Femmes", "en cours", "2026-01-05"]
ARABIC = ["R-2", "دروس الدعم المدرسي", "الصحة", "الناظور", "النساء", "مخطط لها", "2026-03-01"]
# The third row gives a date that does not exist.
BAD = ["R-3", "Permanence juridique", "Santé", "Nador", "Femmes", "en cours", "2026-02-31"]
MESSAGES = {
    "ar": ("لم يُستورد أي شيء", "تاريخ البداية"),
    "fr": ("Rien n’a été importé", "date de début"),
}


@pytest.fixture
def member(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    province = ProvinceFactory(code="02.381", name_fr="Nador", name_ar="الناضور")
    CommuneFactory(parent=province, code="02.381.01.05", name_fr="Nador", name_ar="الناضور")
    CommuneFactory(parent=province, code="02.381.01.03", name_fr="Bni Ansar", name_ar="بني انصار")
    SectorFactory(code="SNIA-03", kind=Sector.Kind.SECTORAL, name_fr="Santé", name_ar="الصحة")
    TargetGroupFactory(code="women", name_fr="Femmes", name_ar="النساء", name_en="Women")
    organisation = OrganisationFactory(name_fr="Association Rif Solidarité")
    user = UserFactory(email="member@example.org")
    MembershipFactory(user=user, organisation=organisation)
    return organisation


def upload(browser_page, base: str, language: str, name: str, rows: list[list]) -> None:
    browser_page.goto(f"{base}/{language}/data/import/")
    browser_page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "text/csv", "buffer": csv_bytes(rows)}
    )
    browser_page.locator("main form button.btn-primary[type=submit]").click()
    browser_page.wait_for_url("**/columns/")


def confirm_columns(browser_page) -> None:
    browser_page.locator("main form button.btn-primary[type=submit]").click()
    browser_page.locator("#import-status .alert").wait_for(state="visible")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_member_imports_a_3w_sheet_and_sees_the_bad_row_named(
    live_server,
    page,  # noqa: F811 (the fixture imported above)
    member,
    language,
):
    base = live_server.url
    sign_in(page, base, "member@example.org")

    upload(page, base, language, "3w-nador.csv", [HEADERS, GOOD, ARABIC, BAD])
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # The columns were proposed from the French headers; the preview shows the rows.
    assert page.locator("select[name=title]").input_value() != ""
    assert page.locator("select[name=communes]").input_value() != ""
    assert "دروس الدعم المدرسي" in page.locator("table").first.inner_text()
    shot(page, f"{language}-import-columns")

    confirm_columns(page)
    status = page.locator("#import-status")
    refused, column = MESSAGES[language]
    assert refused in status.inner_text()
    report = status.locator("table tbody tr")
    shot(page, f"{language}-import-refused")
    assert report.count() == 1, report.all_inner_texts()
    cells = report.first.locator("td").all_inner_texts()
    assert cells[0] == "4"  # the header is line 1: the third data row is line 4
    assert column.lower() in cells[1].lower() or "Date de début" in cells[1]
    assert Initiative.objects.count() == 0
    shot(page, f"{language}-import-refused")

    # The corrected file imports whole; the other spellings are read and reported.
    upload(page, base, language, "3w-nador-corrected.csv", [HEADERS, GOOD, ARABIC])
    confirm_columns(page)
    assert page.locator("#import-status .alert-success").is_visible()
    notes = page.locator("#import-status ul").inner_text()
    assert "Beni Ansar" in notes
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.created_count) == ("done", 2)
    assert set(Initiative.objects.values_list("external_id", flat=True)) == {"R-1", "R-2"}
    shot(page, f"{language}-import-done")

    # The page fits a phone, and nothing was refused by the content-security policy.
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => {const r = e.getBoundingClientRect();"
        " return r.right > window.innerWidth + 1 || r.left < -1;}).map(e => e.tagName + '.' +"
        " e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '/' +"
        " Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    assert page.console_errors == []
