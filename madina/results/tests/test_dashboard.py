"""The dashboard of an edition and the alignment view: who reads them, what they show, and a
query count that does not grow with the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madina.actors.tests.factories import SectorFactory
from madina.coordination.tests.factories import ItemFactory
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory
from madina.outreach.models import AwarenessSession
from madina.results import compute
from madina.results.models import IndicatorValue
from madina.results.tests.report_fixtures import edition_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"results:{name}", args=args)[3:]


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider", "coordinator"])
def test_every_signed_in_role_reads_the_dashboard(cast, edition_world, who):
    response = cast.client_for(who).get(_url("dashboard", edition_world["edition"].pk))
    assert response.status_code == 200


def test_signed_out_readers_are_sent_to_sign_in(client, edition_world):
    for url in (_url("dashboard", edition_world["edition"].pk), _url("alignment")):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_dashboard_shows_progress_communes_and_trends(cast, edition_world):
    page = cast.client_for("readonly").get(_url("dashboard", edition_world["edition"].pk))
    html = page.content.decode()
    assert 'class="results-bar"' in html  # the SVG progress bars
    assert 'class="results-chart"' in html  # the chart by period
    assert "63 sur 200" in html or "63 of 200" in html
    assert "Beni Ansar" in html and "Nador" in html
    # No personal data, no inline script or style (CSP).
    assert "Amina" not in html and "Belkadi" not in html
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    # The reports in three languages and the spreadsheet are linked.
    pk = edition_world["edition"].pk
    for language in ("ar", "fr", "en"):
        assert _url("report_pdf", pk, language=language) in html
    assert _url("report_xlsx", pk) in html


def test_the_dashboard_filters_by_outcome_and_period(cast, edition_world):
    children, society = edition_world["outcomes"]
    client = cast.client_for("member")
    url = _url("dashboard", edition_world["edition"].pk)
    html = client.get(url, {"outcome": society.pk}).content.decode()
    shown = html[html.rindex("</form>") :]
    assert "Personnes formées" in shown and "Séances tenues" not in shown
    html = client.get(url, {"start": 1, "end": 1}).content.decode()
    trend = html[html.index("<caption>") :]
    assert "01/04/2025 – 30/06/2025" in trend and "01/01/2025 – 31/03/2025" not in trend
    html = client.get(url, {"indicator": edition_world["indicators"]["1.1.b"].pk}).content.decode()
    assert ">33</text>" in html and ">30</text>" in html
    # A wrong filter is ignored, not an error.
    assert client.get(url, {"outcome": "nonsense"}).status_code == 200


def test_small_cells_are_hidden(cast, edition_world):
    nador = edition_world["communes"]["Nador"]
    total = IndicatorValue.objects.get(
        indicator=edition_world["indicators"]["1.1.a"], is_total=True
    )
    total.breakdown = {"commune": {str(nador.pk): None}}
    total.save()
    html = cast.client_for("member").get(_url("dashboard", edition_world["edition"].pk))
    assert "&lt;5" in html.content.decode()


def test_the_dashboard_reads_stored_values_not_records(
    cast, edition_world, django_assert_max_num_queries
):
    edition = edition_world["edition"]
    client = cast.client_for("coordinator")
    url = _url("dashboard", edition.pk)
    client.get(url)  # warm: session, user
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    assert len(small.captured_queries) <= 15
    assert not any("outreach_" in query["sql"] for query in small.captured_queries)
    school = edition_world["sessions"][0].school
    AwarenessSession.objects.bulk_create(
        AwarenessSession(
            organisation=cast.organisation,
            school=school,
            held_on=dt.date(2025, 3, 1) + dt.timedelta(days=day),
            girls=3,
            boys=4,
        )
        for day in range(200)
    )
    compute.compute_edition(edition)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


# -- alignment ---------------------------------------------------------------------------------


@pytest.fixture
def programmes(cast, edition_world):
    protection = SectorFactory(code="PROT", name_fr="Protection", name_ar="الحماية")
    education = SectorFactory(code="EDU", name_fr="Éducation", name_ar="التعليم")
    schooling = SectorFactory(
        code="EDU-1", kind="subsector", parent=education, name_fr="Scolarisation"
    )
    shared = InitiativeFactory(sector=education, subsector=schooling)
    InitiativeFactory(sector=education)
    hidden = InitiativeFactory(
        sector=protection,
        visibility=Initiative.Visibility.PARTNERS,
        lead_organisation=cast.other_organisation,
    )
    action = ItemFactory(title="Sensibiliser les écoles")
    action.initiatives.set([shared])
    secret = ItemFactory(title="Action protégée")
    secret.initiatives.set([hidden])
    indicators = edition_world["indicators"]
    indicators["1.1.b"].sector = schooling  # a sub-sector counts under its programme
    indicators["1.1.b"].save()
    indicators["2.1.a"].sector = protection
    indicators["2.1.a"].save()
    return {"protection": protection, "education": education}


def _counts(html: str, sector) -> list[str]:
    import re

    row = html[html.index(f'href="#programme-{sector.pk}"') :].split("</tr>")[0]
    return re.findall(r'<td class="text-end">\s*(?:<a [^>]*>)?(\d+)', row)


def test_the_alignment_view_groups_by_programme(cast, programmes):
    html = cast.client_for("member").get(_url("alignment")).content.decode()
    assert _counts(html, programmes["education"]) == ["2", "1", "1"]
    # The member does not see the other organisation's partners-only initiative, nor count the
    # action linked to it.
    assert _counts(html, programmes["protection"]) == ["0", "0", "1"]
    assert "Sensibiliser les écoles" in html and "Action protégée" not in html
    assert "Élèves sensibilisés" in html
    assert f"?sector={programmes['education'].pk}" in html
    html = cast.client_for("coordinator").get(_url("alignment")).content.decode()
    assert _counts(html, programmes["protection"]) == ["1", "1", "1"]


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider", "coordinator"])
def test_every_signed_in_role_reads_the_alignment(cast, programmes, who):
    assert cast.client_for(who).get(_url("alignment")).status_code == 200


# -- map by commune ----------------------------------------------------------------------------


def _map_data(html: str) -> list[dict]:
    import json
    import re

    found = re.search(
        r'<script id="results-map-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "the map's data is embedded with json_script"
    return json.loads(found.group(1))


@pytest.fixture
def placed(edition_world):
    """Coordinates for the communes of the edition's territory."""
    communes = edition_world["communes"]
    for name, (lat, lng) in {"Nador": (35.17, -2.93), "Beni Ansar": (35.26, -2.93)}.items():
        communes[name].latitude = lat
        communes[name].longitude = lng
        communes[name].save()
    return communes


def test_the_map_holds_the_stored_breakdown_by_commune(cast, edition_world, placed):
    pupils = edition_world["indicators"]["1.1.b"]
    client = cast.client_for("readonly")
    url = _url("dashboard", edition_world["edition"].pk)
    html = client.get(url, {"map_indicator": pupils.pk}).content.decode()
    stored = IndicatorValue.objects.get(indicator=pupils, is_total=True).breakdown["commune"]
    points = _map_data(html)
    assert {str(point["id"]): point["value"] for point in points} == stored
    assert {point["name"]: point["value"] for point in points} == {"Nador": 40, "Beni Ansar": 23}
    nador = next(point for point in points if point["name"] == "Nador")
    assert (nador["lat"], nador["lng"]) == (35.17, -2.93)
    assert 'id="results-map"' in html and "aria-label=" in html
    assert "vendor/leaflet/leaflet.js" in html and "results/dashboard_map.js" in html
    # The table by commune stays, as the accessible alternative.
    table = html[html.index('id="results-map"') :]
    assert "<table" in table and "<bdi>Beni Ansar</bdi>" in table and ">40\n<" in table
    # No inline script: only json_script data and files served by the platform.
    for tag in html.split("<script")[1:]:
        assert tag.startswith(' id="results-map-data" type="application/json"') or (
            ' src="' in tag.split(">")[0] and tag.split(">", 1)[1].startswith("</script")
        )
    assert "<style" not in html and " style=" not in html
    # The first indicator by commune by default (sessions).
    sessions = edition_world["indicators"]["1.1.a"]
    stored = IndicatorValue.objects.get(indicator=sessions, is_total=True).breakdown["commune"]
    points = _map_data(client.get(url).content.decode())
    assert {str(point["id"]): point["value"] for point in points} == stored


def test_the_map_shows_small_cells_as_hidden(cast, edition_world, placed):
    nador, beni_ansar = placed["Nador"], placed["Beni Ansar"]
    total = IndicatorValue.objects.get(
        indicator=edition_world["indicators"]["1.1.a"], is_total=True
    )
    total.breakdown = {"commune": {str(nador.pk): None, str(beni_ansar.pk): 7}}
    total.save()
    html = cast.client_for("member").get(_url("dashboard", edition_world["edition"].pk))
    points = {point["id"]: point for point in _map_data(html.content.decode())}
    assert points[nador.pk]["value"] is None and points[nador.pk]["label"] == "<5"
    assert points[beni_ansar.pk]["value"] == 7 and points[beni_ansar.pk]["label"] == "7"


def test_no_map_without_coordinates_but_the_table_stays(cast, edition_world):
    html = cast.client_for("member").get(_url("dashboard", edition_world["edition"].pk))
    html = html.content.decode()
    assert 'id="results-map"' not in html and "leaflet.js" not in html
    assert "<table" in html and "<bdi>Beni Ansar</bdi>" in html


def test_the_map_costs_one_query(cast, edition_world, placed, django_assert_max_num_queries):
    edition = edition_world["edition"]
    client = cast.client_for("coordinator")
    url = _url("dashboard", edition.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries.captured_queries) <= 15
    assert sum('"territory_area"' in query["sql"] for query in queries.captured_queries) <= 3
    assert not any("outreach_" in query["sql"] for query in queries.captured_queries)
