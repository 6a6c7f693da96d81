"""The map, pivot and gap pages: sign-in, what each user sees, filters, queries, accessibility."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory, ReachReportFactory
from madina.initiatives.tests.test_analysis_world import FEB, build_world

PAGES = ["map/", "pivot/", "pivot/xlsx/", "gaps/", "gaps/xlsx/"]


@pytest.fixture
def world(cast):
    return build_world(cast)


def _url(page: str, language: str = "fr") -> str:
    return f"/{language}/initiatives/{page}"


def _map_data(response) -> list[dict]:
    match = re.search(
        r'<script id="analysis-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no map data"
    return json.loads(match.group(1))


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, world, page):
    response = client.get(_url(page))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["coordinator", "admin", "member", "readonly", "outsider"])
def test_every_signed_in_user_opens_the_pages(cast, world, page, who):
    assert cast.client_for(who).get(_url(page)).status_code == 200


def test_map_page_lists_initiatives_with_links_to_their_records(cast, world):
    response = cast.client_for("member").get(_url("map/"))
    points = {point["name"]: point for point in _map_data(response)}
    assert set(points) == {"Nador ville", "Beni Ansar"}
    links = {item["url"] for item in points["Nador ville"]["initiatives"]}
    assert links == {f"/fr/initiatives/{world.one.pk}/", f"/fr/initiatives/{world.two.pk}/"}
    content = response.content.decode()
    assert "Cellule confidentielle" not in content
    assert "analysis_map.js" in content
    assert 'data-tile-url=""' in content


def test_map_page_data_is_json_not_html(cast, world):
    world.one.title = '<img src=x onerror="alert(1)">'
    world.one.save()
    content = cast.client_for("member").get(_url("map/")).content.decode()
    assert "<img src=x" not in content
    titles = [
        item["title"]
        for point in _map_data(cast.client_for("member").get(_url("map/")))
        for item in point["initiatives"]
    ]
    assert '<img src=x onerror="alert(1)">' in titles


def test_map_page_filters(cast, world):
    response = cast.client_for("coordinator").get(
        _url("map/"), {"sector": world.school.pk, "status": "completed"}
    )
    assert [point["name"] for point in _map_data(response)] == ["Oujda ville"]


def test_pivot_page_shows_the_table_and_totals(cast, world):
    response = cast.client_for("coordinator").get(
        _url("pivot/"), {"rows": "province", "columns": "sector", "measure": "initiatives"}
    )
    pivot = response.context["pivot"]
    assert pivot.total == 4
    content = response.content.decode()
    assert "<tfoot>" in content
    assert "pivot/xlsx/?rows=province&amp;columns=sector&amp;measure=initiatives" in content


def test_pivot_page_refuses_the_same_dimension_twice_with_a_message(cast, world):
    response = cast.client_for("member").get(
        _url("pivot/"), {"rows": "sector", "columns": "sector"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    # The layout falls back to the default instead of failing.
    assert response.context["pivot"].row_dimension == "sector"
    assert response.context["pivot"].column_dimension == ""


def test_pivot_page_hides_partners_only_figures(cast, world):
    response = cast.client_for("readonly").get(_url("pivot/"), {"measure": "reached"})
    assert response.context["pivot"].total == 40


def test_gap_page_highlights_empty_cells_for_eyes_and_screen_readers(cast, world):
    content = cast.client_for("member").get(_url("gaps/")).content.decode()
    cells = re.findall(r'<td class="([^"]*gap-cell[^"]*)">(.*?)</td>', content, re.S)
    assert len(cells) == 6
    empty = [body for css, body in cells if "gap-empty" in css]
    # Beni Ansar × school, Oujda × health (hidden from the member), Oujda × school.
    assert len(empty) == 3
    assert all('class="visually-hidden"' in body for body in empty)
    assert all("table-danger" in css for css, _body in cells if "gap-empty" in css)
    points = {point["name"]: point["level"] for point in _map_data_from(content)}
    assert points == {"Nador ville": 3, "Beni Ansar": 1, "Oujda ville": 0}


def _map_data_from(content: str) -> list[dict]:
    match = re.search(
        r'<script id="analysis-map-data" type="application/json">(.*?)</script>', content, re.S
    )
    return json.loads(match.group(1))


def test_gap_page_filters_by_target_group(cast, world):
    response = cast.client_for("coordinator").get(_url("gaps/"), {"target_group": world.women.pk})
    # Only "one" is for women: health in Nador ville and Beni Ansar.
    assert response.context["matrix"].empty_cells == 4


def test_bad_filter_values_are_ignored_not_fatal(cast, world):
    response = cast.client_for("member").get(
        _url("gaps/"), {"start": "not a date", "target_group": "999999"}
    )
    assert response.status_code == 200
    assert response.context["matrix"].empty_cells == 3


def test_end_before_start_is_explained(cast, world):
    response = cast.client_for("member").get(
        _url("map/"), {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize(
    "page", ["map/", "pivot/?columns=period&grain=month", "pivot/?measure=distinct", "gaps/"]
)
def test_pages_cost_the_same_queries_for_more_initiatives(cast, world, page):
    client = cast.client_for("member")
    client.get(_url(page))  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(page)).status_code == 200
    for number in range(6):
        initiative = InitiativeFactory(
            lead_organisation=cast.organisation,
            sector=world.school if number % 2 else world.health,
            communes=[world.c2, world.c3],
            visibility=Initiative.Visibility.PARTNERS,
        )
        ReachReportFactory(
            initiative=initiative, commune=world.c3, period__month=FEB, cumulative_men=3
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(page)).status_code == 200
    assert len(many) == len(few), page


def test_a_bad_value_leaves_the_other_filters_in_force(cast, world):
    response = cast.client_for("coordinator").get(
        _url("map/"), {"start": "not a date", "sector": world.school.pk}
    )
    assert response.context["form"].errors
    assert [point["name"] for point in _map_data(response)] == ["Nador ville"]
