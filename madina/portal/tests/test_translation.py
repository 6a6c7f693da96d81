"""Every public page reads wholly in Arabic, French and Spanish: header, menus, footer, forms,
messages; no English left where the page is in another language. The data are the demo's."""

from __future__ import annotations

import pytest
from django.test import Client

from madina.actors.models import Organisation
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.directory.models import Service
from madina.meetings.models import Meeting, Recommendation, RecommendationUpdate
from madina.portal.tests.test_browser import demo, portal_pages  # noqa: F401 -- the fixture
from madina.territory.models import Area

pytestmark = pytest.mark.django_db

# Written the same in English and in French or Spanish on these pages.
SAME = {
    "fr": {
        "Consultations",
        "Services",
        "services",
        "Initiatives",
        "initiatives",
        "Total",
        "Date",
        "Organisation",
        "organisations",
        "Commune",
        "Communes",
        "Type",
        "Message",
        "migrant",
        "Latitude",
        "Longitude",
        "Description",
        "Statut",
        "Action",
        "Actions",
        "Transport",
        "P-code",
        "Place",
        "Protection",
        "protection",
        "Question",
        "Licence",
    },
    "es": {"Total", "P-code"},
}


def _data_names() -> set[str]:
    """Names that are data, not interface: organisations, places, services, in every language."""
    names = set()
    for organisation in Organisation.objects.all():
        names |= {
            organisation.name_fr,
            organisation.name_ar,
            organisation.name_en or "",
            organisation.acronym or "",
        }
    for area in Area.objects.all():
        names |= {area.name_fr, area.name_ar}
    # What organisations wrote, in the language they wrote it: addresses, hours, descriptions…
    for service in Service.objects.all():
        names |= {
            service.name_fr,
            service.name_ar,
            service.name_en,
            service.address,
            service.opening_hours,
            service.how_to_access,
            service.eligibility,
            service.fees,
            service.description_fr,
            service.description_ar,
            service.description_en,
        }
    for meeting in Meeting.objects.all():
        names.add(meeting.title)
    for recommendation in Recommendation.objects.all():
        names |= {recommendation.title, recommendation.text}
    for update in RecommendationUpdate.objects.all():
        names.add(update.text)
    return {" ".join(name.split()) for name in names if name}


# Each language's name in itself, in the language menu of every page.
LANGUAGE_NAMES = {"Español", "English", "Français"}
# Names of standards, formats and tools, written the same in every language.
TECHNICAL = {
    "Humanitarian Exchange Language",
    "Open Referral",
    "Frictionless",
    "OpenStreetMap",
    "HDX",
    "HXL",
    "HSDS",
    "CSV",
    "XLSX",
    "ZIP",
    "UTF-8",
    "3W",
    "ACDEF-GHJKM",
    "Tamazight",
}


def _english(text: str, data: set[str], same: set[str]) -> bool:
    text = _names_out(text)
    if text in LANGUAGE_NAMES or text in data:
        return False
    for word in sorted(data | same | TECHNICAL, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


def test_every_portal_page_is_translated(demo):  # noqa: F811 -- the fixture
    client = Client()
    data = _data_names()
    problems = {}
    for _name, path in portal_pages("en"):
        if path == "/":
            continue
        texts = {}
        for language in ("en", "ar", "fr", "es"):
            response = client.get(path.replace("/en/", f"/{language}/", 1))
            assert response.status_code == 200, (language, path)
            texts[language] = texts_of(response)
        # Arabic pages: no Latin word but names and data.
        latin = {t for t in texts["ar"] if _english(t, data, set())}
        if latin:
            problems[(path, "ar")] = sorted(latin)
        for language in ("fr", "es"):
            same = {t for t in texts[language] & texts["en"] if _english(t, data, SAME[language])}
            if same:
                problems[(path, language)] = sorted(same)
    assert problems == {}, "\n".join(f"{key}: {value}" for key, value in problems.items())
