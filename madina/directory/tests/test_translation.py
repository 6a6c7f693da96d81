"""No English left on the directory's pages in Arabic and French (see core's coverage test)."""

import pytest

from madina.actors.tests.factories import FocalPersonFactory
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# Words French shares with English, on these pages.
SAME_IN_FRENCH = {
    "Latitude",
    "Longitude",
    "Service",
    "Services",
    "service",
    "services",
    "Tamazight",
    "Consultations",
}
# The test territory's communes have their French names in English too.
SAME_IN_FRENCH |= {"Nador", "Beni Ansar", "Selouane", "Oujda"}
# Names of a standard and a file format, written the same in every language.
SAME_EVERYWHERE_HERE = ("HSDS", "ZIP")


def _names_here_out(text: str) -> str:
    text = _names_out(text)
    for name in SAME_EVERYWHERE_HERE:
        text = text.replace(name, "")
    return text


def _latin(text: str) -> bool:
    text = _names_here_out(text)
    for word in sorted(SAME_IN_FRENCH, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


def test_directory_pages_are_translated(cast, territory):
    person = FocalPersonFactory(organisation=cast.organisation, full_name="سعاد", role="الإحالة")
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    for record, name in [
        (cast.organisation, "جمعية الناظور"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        record.name_ar, record.name_fr = name, ""
        record.save()
    service = ServiceFactory(
        organisation=cast.organisation,
        name_ar="خلية التكفل بالنساء",
        name_fr="",
        description_ar="الاستماع والتوجيه",
        fees="بدون رسوم",
        eligibility="النساء والأطفال",
        opening_hours="كل يوم",
        how_to_access="الحضور مباشرة",
        address="شارع الحسن الثاني",
        commune=territory.nador,
        accepts_referrals=True,
        referral_focal_point=person,
        is_specialised_cell=True,
        cell_kind="court",
    )
    service.communes_served.set([territory.nador])
    client = cast.client_for("coordinator")
    for path in ["/services/", f"/services/{service.pk}/", "/services/new/"]:
        texts = {}
        for language in ("en", "ar", "fr"):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200
            texts[language] = texts_of(response)
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        untranslated = {t for t in everywhere if _LATIN_WORD.search(_names_here_out(t))}
        assert not untranslated, (path, sorted(untranslated))
        for language in ("ar", "fr"):
            same = {t for t in (texts[language] & texts["en"]) - everywhere if _latin(t)}
            assert not same, (path, language, sorted(same))
        latin = {t for t in texts["ar"] if _LATIN_WORD.search(_names_here_out(t))}
        assert not latin, (path, sorted(latin))
