"""The gap matrix: commune × sector, active initiatives and people reached, empty cells kept."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from madina.initiatives import analysis
from madina.initiatives.tests.factories import InitiativeFactory, ReachReportFactory
from madina.initiatives.tests.test_analysis_world import FEB, MAR, build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def _cells(matrix) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (row.commune.name, sector.name): cell
        for _province, rows in matrix.provinces
        for row in rows
        for sector, cell in zip(matrix.sectors, row.cells, strict=True)
    }


def test_every_commune_and_sector_is_a_cell_grouped_by_province(cast, world):
    matrix = analysis.gap_matrix(user=cast.coordinator, filters={})
    assert [sector.name for sector in matrix.sectors] == ["Santé", "Éducation"]
    assert [
        (province.name, [row.commune.name for row in rows]) for province, rows in matrix.provinces
    ] == [("Nador", ["Beni Ansar", "Nador ville"]), ("Oujda-Angad", ["Oujda ville"])]
    assert _cells(matrix) == {
        ("Nador ville", "Santé"): (1, 40),
        ("Nador ville", "Éducation"): (1, 0),
        ("Beni Ansar", "Santé"): (1, 0),
        ("Beni Ansar", "Éducation"): (0, 0),
        ("Oujda ville", "Santé"): (1, 100),
        # The completed initiative is not active without a period.
        ("Oujda ville", "Éducation"): (0, 0),
    }
    assert matrix.empty_cells == 2
    covered = {
        row.commune.name: row.sectors_covered for _p, rows in matrix.provinces for row in rows
    }
    assert covered == {"Nador ville": 2, "Beni Ansar": 1, "Oujda ville": 1}


def test_partners_only_figures_are_left_out_for_other_organisations(cast, world):
    cells = _cells(analysis.gap_matrix(user=cast.member, filters={}))
    assert cells["Oujda ville", "Santé"] == (0, 0)
    assert _cells(analysis.gap_matrix(user=cast.outsider, filters={}))["Oujda ville", "Santé"] == (
        1,
        100,
    )


def test_target_group_filter(cast, world):
    cells = _cells(
        analysis.gap_matrix(user=cast.coordinator, filters={"target_group": world.women})
    )
    assert cells["Nador ville", "Santé"] == (1, 40)
    assert cells["Nador ville", "Éducation"] == (0, 0)
    assert cells["Oujda ville", "Santé"] == (0, 0)


def test_period_filter_counts_what_ran_in_it_and_its_months(cast, world):
    cells = _cells(
        analysis.gap_matrix(
            user=cast.coordinator,
            filters={"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)},
        )
    )
    assert cells["Oujda ville", "Éducation"] == (1, 0)
    assert cells["Nador ville", "Santé"] == (0, 0)
    cells = _cells(analysis.gap_matrix(user=cast.coordinator, filters={"start": FEB, "end": MAR}))
    assert cells["Nador ville", "Santé"] == (1, 20)
    assert cells["Oujda ville", "Santé"] == (1, 100)


def test_province_filter_keeps_its_communes(cast, world):
    matrix = analysis.gap_matrix(user=cast.coordinator, filters={"province": world.oujda})
    assert [row.commune.name for _p, rows in matrix.provinces for row in rows] == ["Oujda ville"]


def test_map_colours_communes_by_sectors_covered(cast, world):
    matrix = analysis.gap_matrix(user=cast.coordinator, filters={})
    points = {point["name"]: point for point in analysis.gap_map_data(matrix)}
    assert points["Nador ville"]["covered"] == 2
    assert points["Nador ville"]["level"] == 3
    assert points["Beni Ansar"]["level"] == 1
    with translation.override("en"):
        english = {point["name"]: point for point in analysis.gap_map_data(matrix)}
    assert english["Beni Ansar"]["summary"] == "1 of 2 sectors covered · 0 people reached"
    member = analysis.gap_map_data(analysis.gap_matrix(user=cast.member, filters={}))
    assert {point["name"]: point["level"] for point in member}["Oujda ville"] == 0


def test_coverage_levels():
    assert [analysis.coverage_level(covered, 6) for covered in range(7)] == [0, 1, 2, 2, 3, 3, 3]


def test_the_matrix_costs_the_same_queries_for_more_data(cast, world):
    def fresh_member():
        # A new user object per call, as each request has: roles are cached on the object.
        return type(cast.member).objects.get(pk=cast.member.pk)

    with CaptureQueriesContext(connection) as few:
        analysis.gap_matrix(user=fresh_member(), filters={"target_group": world.women})
    for _number in range(5):
        initiative = InitiativeFactory(
            lead_organisation=cast.organisation,
            sector=world.school,
            communes=[world.c2, world.c3],
            target_groups=[world.women],
        )
        ReachReportFactory(initiative=initiative, commune=world.c2, period__month=FEB)
    with CaptureQueriesContext(connection) as many:
        matrix = analysis.gap_matrix(user=fresh_member(), filters={"target_group": world.women})
    assert _cells(matrix)["Beni Ansar", "Éducation"] == (5, 100)
    assert len(many) == len(few)
    grouped = [query["sql"] for query in many if "GROUP BY" in query["sql"]]
    assert len(grouped) == 1
