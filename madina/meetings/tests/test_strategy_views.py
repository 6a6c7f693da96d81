"""The regional strategy page and its XLSX: who sees what, filters, links, languages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from madina.actors.tests.factories import SectorFactory
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
    SpaceRoleFactory,
)
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.meetings.models import Recommendation, RecommendationAction
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

URL = "/{language}/meetings/strategy/"
# Written the same in French and English.
ALSO_SAME = {"Programme", "Total"}
# The name of the file format, written in Latin letters in every language.
FORMAT = "XLSX"
XLSX_URL = "/{language}/meetings/strategy/xlsx/"


@pytest.fixture
def world(cast, meetings, spaces):
    """Health: one adopted recommendation in the public space carried out by a late action
    without a lead, and two in the private space. Governance: nothing (a gap)."""
    health = SectorFactory(code="SNIA-03", name_fr="Santé", name_ar="الصحة", name_en="Health")
    governance = SectorFactory(
        code="SNIA-11", name_fr="Gouvernance", name_ar="الحكامة", name_en="Governance"
    )
    recommendation = RecommendationFactory(meeting=meetings.public, theme=health)
    action = ItemFactory(
        programme=ProgrammeFactory(space=spaces.public), status="late", progress=25
    )
    RecommendationAction.objects.create(recommendation=recommendation, action=action)
    for _ in range(2):
        RecommendationFactory(meeting=meetings.private, theme=health)
    return health, governance


def _table(response):
    return {row.sector: row for row in response.context["table"].rows}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_page_shows_every_programme_and_highlights_the_gaps(cast, world, language):
    health, governance = world
    response = cast.client_for("member").get(URL.format(language=language))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == language
    rows = _table(response)
    assert rows[health].states["adopted"] == 3 and rows[health].late == 1
    assert rows[governance].is_gap
    html = response.content.decode()
    name = governance.name_ar if language == "ar" else governance.name_fr
    assert name in html
    assert html.count('class="table-warning"') == 1
    assert 'class="table-responsive' in html
    # CSP-strict: no inline script or style.
    assert "<script>" not in html and " style=" not in html


def test_the_outsider_counts_only_the_public_space(cast, world):
    health, _governance = world
    response = cast.client_for("outsider").get(URL.format(language="fr"))
    assert response.status_code == 200
    assert _table(response)[health].states["adopted"] == 1
    assert response.context["table"].total.recommendations == 1


@pytest.mark.parametrize("which", ["private", "transparent"])
def test_asking_for_a_space_one_may_not_see_the_content_of_is_404(cast, world, spaces, which):
    space = getattr(spaces, which)
    client = cast.client_for("outsider")
    for url in (URL, XLSX_URL):
        assert client.get(url.format(language="fr"), {"space": space.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_space_that_is_not_there_is_404(cast, world, value):
    response = cast.client_for("coordinator").get(URL.format(language="fr"), {"space": value})
    assert response.status_code == 404


def test_one_space_and_a_state(cast, world, spaces):
    health, _governance = world
    client = cast.client_for("member")
    response = client.get(URL.format(language="fr"), {"space": spaces.private.pk})
    assert response.status_code == 200
    assert response.context["space"] == spaces.private
    assert response.context["table"].total.recommendations == 2
    response = client.get(URL.format(language="fr"), {"state": "implemented"})
    assert response.context["table"].total.recommendations == 0


def test_a_period_ending_before_it_starts_is_refused_and_ignored(cast, world):
    response = cast.client_for("member").get(
        URL.format(language="fr"), {"start": "2025-12-31", "end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["table"].total.recommendations == 3


def test_signing_in_is_required(client, world):
    response = client.get(URL.format(language="fr"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_tracking_page_and_the_meetings_list_link_to_it(cast, world, spaces):
    client = cast.client_for("member")
    tracking = client.get(f"/fr/meetings/spaces/{spaces.private.pk}/recommendations/")
    assert f"/fr/meetings/strategy/?space={spaces.private.pk}" in tracking.content.decode()
    listing = client.get("/fr/meetings/")
    assert 'href="/fr/meetings/strategy/"' in listing.content.decode()


def test_the_page_costs_the_same_number_of_queries_with_more_records(cast, world, meetings):
    health, governance = world
    client = cast.client_for("member")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL.format(language="fr")).status_code == 200
        return len(context.captured_queries)

    count()
    before = count()
    programme = ProgrammeFactory(space=meetings.private.space)
    for theme in (health, governance, None):
        recommendation = RecommendationFactory(meeting=meetings.private, theme=theme)
        for _ in range(3):
            action = ItemFactory(programme=programme, progress=50)
            ResponsibilityFactory(item=action)
            RecommendationAction.objects.create(recommendation=recommendation, action=action)
    MeetingFactory(space=SpaceFactory(visibility="public"))
    assert count() == before


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content)).active


def test_the_workbook_holds_the_table(cast, world, spaces):
    response = cast.client_for("member").get(XLSX_URL.format(language="fr"))
    sheet = _sheet(response)
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[0] == "Programme de la stratégie nationale"
    with translation.override("fr"):
        states = tuple(str(label) for _value, label in Recommendation.State.choices)
    assert header[1:8] == states and states[0] == "brouillon"
    by_name = {row[0]: row for row in rows[1:]}
    # Seven states, then recommendations, actions, carrying out, other, done, late, no lead, %.
    assert by_name["Santé"][1:] == (0, 3, 0, 0, 0, 0, 0, 3, 1, 1, 0, 0, 1, 1, 25, None)
    assert by_name["Gouvernance"][8] == 0 and by_name["Gouvernance"][-1] == "rien encore"
    assert rows[-1][0] == "Total" and rows[-1][8] == 3
    assert not sheet.sheet_view.rightToLeft
    narrowed = cast.client_for("member").get(
        XLSX_URL.format(language="fr"), {"space": spaces.private.pk}
    )
    assert f"strategy-space-{spaces.private.pk}.xlsx" in narrowed["Content-Disposition"]
    assert [tuple(row) for row in _sheet(narrowed).iter_rows(values_only=True)][-1][8] == 2


def test_the_arabic_workbook_reads_right_to_left(cast, world):
    sheet = _sheet(cast.client_for("member").get(XLSX_URL.format(language="ar")))
    assert sheet.sheet_view.rightToLeft
    assert sheet.cell(row=2, column=1).value == "الصحة"


def test_no_english_left_in_arabic_and_french(cast, world, spaces):
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    for space in (spaces.public, spaces.transparent, spaces.private):
        space.name_fr = ""
        space.save()
    SpaceRoleFactory(space=spaces.public, user=cast.coordinator, role="admin")
    client = cast.client_for("coordinator")
    for path in ("/meetings/strategy/", f"/meetings/strategy/?space={spaces.public.pk}"):
        texts = {
            language: texts_of(client.get(f"/{language}{path}")) for language in ("en", "ar", "fr")
        }
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        assert not {text for text in everywhere if _LATIN_WORD.search(_names_out(text))}
        for language in ("ar", "fr"):
            same = {
                text
                for text in (texts[language] & texts["en"]) - everywhere - ALSO_SAME
                if _LATIN_WORD.search(_names_out(text))
            }
            assert not same, f"{language}: untranslated {sorted(same)}"
        latin = {
            text for text in texts["ar"] if _LATIN_WORD.search(_names_out(text).replace(FORMAT, ""))
        }
        assert not latin, f"Arabic page shows Latin text: {sorted(latin)}"
