"""The analysis pages in Arabic (right to left) and French, with no English left in them.

The same check as madina/core/tests/test_translation_coverage.py: each page is rendered in
English, Arabic and French over records named in Arabic only; interface text that comes out the
same in English and in the language under test was not translated.
"""

from __future__ import annotations

import re

import pytest

from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.initiatives.tests.test_analysis_world import build_world

# Words French writes as English does.
SAME_IN_FRENCH = {"Initiatives", "Total", "Commune", "Communes", "Organisation"}


def _latin(text: str) -> bool:
    """Latin words left once proper names and the file format's name are taken out."""
    return bool(_LATIN_WORD.search(_names_out(text).replace("XLSX", "")))


PAGES = [
    "map/",
    "pivot/",
    "pivot/?rows=province&columns=period&grain=quarter&measure=distinct",
    "gaps/",
]


@pytest.fixture
def arabic_world(cast):
    world = build_world(cast)
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    for record in [
        cast.organisation,
        cast.other_organisation,
        world.nador,
        world.oujda,
        world.c1,
        world.c2,
        world.c3,
        world.health,
        world.school,
        world.women,
    ]:
        record.name_fr = record.name_en = ""
        if hasattr(record, "children"):
            # Area.name in English falls back to French only: keep the name on the page.
            record.name_en = record.name_ar
        if hasattr(record, "acronym"):
            record.acronym = ""
        record.save()
    for initiative in (world.one, world.two, world.hid, world.old):
        initiative.title = f"مبادرة {initiative.pk}"
        initiative.save()
    return world


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_right_to_left_in_arabic_and_left_to_right_in_french(cast, arabic_world, page):
    client = cast.client_for("coordinator")
    arabic = client.get(f"/ar/initiatives/{page}").content.decode()
    french = client.get(f"/fr/initiatives/{page}").content.decode()
    assert re.search(r'<html[^>]*\blang="ar"[^>]*\bdir="rtl"', arabic)
    assert re.search(r'<html[^>]*\blang="fr"[^>]*\bdir="ltr"', french)


@pytest.mark.parametrize("page", PAGES)
def test_pages_have_no_untranslated_text(cast, arabic_world, page):
    client = cast.client_for("coordinator")
    texts = {}
    for language in ("en", "ar", "fr"):
        response = client.get(f"/{language}/initiatives/{page}")
        assert response.status_code == 200
        texts[language] = texts_of(response)
    everywhere = texts["en"] & texts["ar"] & texts["fr"]
    english_everywhere = {text for text in everywhere if _latin(text)}
    assert not english_everywhere, f"untranslated {sorted(english_everywhere)}"
    for language, other in (("ar", "fr"), ("fr", "ar")):
        as_english = {
            text
            for text in (texts[language] & texts["en"]) - everywhere
            if _latin(text) and not (language == "fr" and text in SAME_IN_FRENCH)
        }
        as_other = (texts[language] & texts[other]) - everywhere
        same = as_english | as_other
        assert not same, f"{language}: untranslated {sorted(same)}"
    latin = {text for text in texts["ar"] if _latin(text)}
    assert not latin, f"Arabic shows Latin text: {sorted(latin)}"
