"""No English left on the results pages in Arabic and French (see core's coverage test)."""

import re

import pytest

from madina.coordination.tests.factories import SpaceFactory
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.results import compute
from madina.results.models import Edition, Indicator, NarrativeSection, Project, Result
from madina.results.tests.fixtures_pages import build_world

pytestmark = pytest.mark.django_db

# Words French shares with English on these pages, and the codes of the framework.
SAME_IN_FRENCH = {
    "Total",
    "total",
    "Source",
    "source",
    "Commune",
    "commune",
    "Communes",
    "Code",
    "code",
    "Nador",
    "Oujda",
    "Type",
    "Action",
    "Actions",
    "Initiatives",
    "initiatives",
    "Date",
    "Sections",
    "Section",
    "Note",
    "Organisation",
    "organisation",
    "Programme",
    "programme",
    "Programmes",
    "Description",
    "Edition",
    "Indicateur",
    "Indicateurs",
    "Format",
}
# The dashboard offers the report in each language, each link written in its own language.
IN_THEIR_OWN_LANGUAGE = {"Report (PDF) — English", "Rapport (PDF) — Français"}


# File formats are written the same in every language.
FORMATS = re.compile(r"\b(XLSX|PDF|Excel|CSV)\b|\.[a-z]{3,4}\b")


def _clean(text: str) -> str:
    return _names_out(FORMATS.sub("", text))


def _latin(text: str) -> bool:
    text = _clean(text)
    for word in sorted(SAME_IN_FRENCH, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


@pytest.fixture
def world(cast):
    for organisation, name in [
        (cast.organisation, "جمعية الريف"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        organisation.name_ar, organisation.name_fr = name, ""
        organisation.save()
    for user, name in [
        (cast.admin, "سعاد"),
        (cast.member, "كريم"),
        (cast.readonly, "إلهام"),
        (cast.outsider, "مريم"),
        (cast.coordinator, "سميرة"),
    ]:
        user.full_name = name
        user.save()
    world = build_world(cast)
    # Arabic-only names, so that any Latin word left on an Arabic page is interface text.
    for model, field in (
        (Project, "name"),
        (Edition, "name"),
        (Result, "title"),
        (Indicator, "title"),
    ):
        for record in model.objects.all():
            setattr(record, f"{field}_ar", f"عنوان {record.pk}")
            setattr(record, f"{field}_fr", "")
            record.save()
    for area in (world.province, world.nador, world.oujda):
        area.name_ar = "الناظور"
        area.save()
    for school in world.schools.values():
        school.name_ar, school.name_fr = "مدرسة الأمل", ""
        school.save()
    NarrativeSection.objects.create(edition=world.edition, title_ar="السياق", body_ar="نص")
    compute.compute_edition(world.edition)
    return world


def test_results_pages_are_translated(cast, world):
    edition, pupils = world.edition, world.pupils
    value = pupils.values.filter(is_total=True).get()
    client = cast.client_for("coordinator")
    space = SpaceFactory(name_en="Nador coordination space")
    paths = [
        "/results/",
        f"/results/editions/{edition.pk}/",
        f"/results/editions/{edition.pk}/dashboard/",
        f"/results/indicators/{pupils.pk}/",
        f"/results/indicators/{world.manual.pk}/",
        f"/results/indicators/{world.manual.pk}/manual/",
        f"/results/values/{value.pk}/records/",
        f"/results/editions/{edition.pk}/sections/",
        f"/results/results/{world.output.pk}/indicators/new/",
        "/results/alignment/",
        f"/results/spaces/{space.pk}/dashboard/?start=2025-01&end=2025-06",
    ]
    for path in paths:
        texts = {}
        for language in ("en", "ar", "fr"):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            texts[language] = texts_of(response)
        everywhere = (texts["en"] & texts["ar"] & texts["fr"]) - IN_THEIR_OWN_LANGUAGE
        untranslated = {t for t in everywhere if _LATIN_WORD.search(_clean(t))}
        assert not untranslated, (path, sorted(untranslated))
        for language in ("ar", "fr"):
            same = {
                t
                for t in (texts[language] & texts["en"]) - everywhere - IN_THEIR_OWN_LANGUAGE
                if _latin(t)
            }
            assert not same, (path, language, sorted(same))
        latin = {t for t in texts["ar"] - IN_THEIR_OWN_LANGUAGE if _LATIN_WORD.search(_clean(t))}
        assert not latin, (path, sorted(latin))
