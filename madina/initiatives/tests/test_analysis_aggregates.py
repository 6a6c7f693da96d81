"""The map and pivot aggregations: counts, sums, cumulative figures, filters and permissions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from madina.initiatives import analysis
from madina.initiatives.tests.test_analysis_world import FEB, JAN, MAR, build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def _points(user, **filters):
    return {
        point["name"]: point for point in analysis.initiative_map_data(user=user, filters=filters)
    }


def _table(pivot):
    return {label: (values, total) for label, values, total in pivot.table}


# --- Map -----------------------------------------------------------------------------------------


def test_map_counts_active_initiatives_and_people_reached_by_commune(cast, world):
    points = _points(cast.coordinator)
    assert {name: point["count"] for name, point in points.items()} == {
        "Nador ville": 2,
        "Beni Ansar": 1,
        "Oujda ville": 1,
    }
    assert points["Nador ville"]["people"] == 40
    assert points["Oujda ville"]["people"] == 100
    titles = [item["title"] for item in points["Nador ville"]["initiatives"]]
    assert titles == ["Caravane de santé", "Soutien scolaire"]
    assert points["Nador ville"]["initiatives"][0]["url"].endswith(f"/initiatives/{world.one.pk}/")
    assert points["Nador ville"]["lat"] == pytest.approx(35.168)


def test_map_hides_partners_only_initiatives_of_other_organisations(cast, world):
    points = _points(cast.member)
    assert "Oujda ville" not in points  # only the hidden one is active there
    assert all(
        item["title"] != "Cellule confidentielle"
        for point in points.values()
        for item in point["initiatives"]
    )
    # The hidden initiative's organisation sees it.
    assert _points(cast.outsider)["Oujda ville"]["people"] == 100


def test_map_filters(cast, world):
    assert set(_points(cast.coordinator, sector=world.school)) == {"Nador ville"}
    assert set(_points(cast.coordinator, target_group=world.women)) == {
        "Nador ville",
        "Beni Ansar",
    }
    assert set(_points(cast.coordinator, organisation=cast.other_organisation)) == {
        "Nador ville",
        "Oujda ville",
    }
    completed = _points(cast.coordinator, status="completed")
    assert set(completed) == {"Oujda ville"}
    assert completed["Oujda ville"]["initiatives"][0]["title"] == "Alphabétisation 2025"
    # A period counts what ran in it, and the people reached in its months only.
    february = _points(cast.coordinator, start=FEB, end=datetime.date(2026, 2, 28))
    assert february["Nador ville"]["people"] == 20
    assert february["Oujda ville"]["people"] == 0
    year_2025 = _points(
        cast.coordinator, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert set(year_2025) == {"Oujda ville"}


def test_map_leaves_out_communes_without_a_position(cast, world):
    world.c2.latitude = None
    world.c2.save()
    assert "Beni Ansar" not in _points(cast.coordinator)


# --- Pivot ---------------------------------------------------------------------------------------


def test_pivot_counts_each_initiative_once_per_cell_and_total(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator, filters={}, rows="province", columns="sector"
    )
    assert [label for _key, label in pivot.columns] == ["Éducation", "Santé"]
    assert [label for _key, label in pivot.rows] == ["Nador", "Oujda-Angad"]
    health, school = world.health.pk, world.school.pk
    nador, oujda = world.nador.pk, world.oujda.pk
    # "one" works in two communes of Nador: one initiative in the cell.
    assert pivot.cells[nador, health] == 1
    assert pivot.cells[nador, school] == 1
    assert pivot.cells[oujda, health] == 1
    assert pivot.cells[oujda, school] == 1
    assert pivot.row_totals == {nador: 2, oujda: 2}
    assert pivot.column_totals == {health: 2, school: 2}
    assert pivot.total == 4


def test_pivot_people_reached_adds_the_months(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator, filters={}, rows="sector", measure="reached"
    )
    assert pivot.row_totals == {world.health.pk: 140}
    assert pivot.total == 140


def test_pivot_distinct_people_takes_the_latest_cumulative_figures(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator, filters={}, rows="organisation", measure="distinct"
    )
    # 10 in January, 15 to date in February: 15 distinct people, never 25.
    assert pivot.row_totals[cast.organisation.pk] == 15
    assert pivot.row_totals[cast.other_organisation.pk] == 100
    assert pivot.total == 115


def test_pivot_distinct_people_by_month_keeps_each_months_latest(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"start": JAN, "end": datetime.date(2026, 3, 31)},
        rows="organisation",
        columns="period",
        grain="month",
        measure="distinct",
    )
    ours = cast.organisation.pk
    assert [label for _key, label in pivot.columns] == ["2026-01", "2026-02", "2026-03"]
    assert pivot.cells[ours, (2026, 1)] == 10
    assert pivot.cells[ours, (2026, 2)] == 15
    quarter = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"start": JAN, "end": datetime.date(2026, 3, 31)},
        rows="organisation",
        columns="period",
        grain="quarter",
        measure="distinct",
    )
    assert quarter.cells[ours, (2026, 1)] == 15


def test_pivot_by_period_counts_the_initiatives_running_in_each(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"start": datetime.date(2025, 1, 1), "end": datetime.date(2026, 12, 31)},
        rows="period",
        grain="year",
    )
    assert _table(pivot) == {"2025": ([1], 1), "2026": ([3], 3)}
    reached = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"start": JAN, "end": datetime.date(2026, 3, 31)},
        rows="period",
        grain="month",
        measure="reached",
    )
    assert _table(reached) == {
        "2026-01": ([20], 20),
        "2026-02": ([20], 20),
        "2026-03": ([100], 100),
    }


def test_pivot_without_a_period_spans_the_data(cast, world):
    pivot = analysis.initiative_pivot(user=cast.coordinator, filters={}, rows="period")
    assert [label for _key, label in pivot.rows] == ["2025", "2026"]


def test_pivot_excludes_partners_only_figures_for_other_organisations(cast, world):
    for measure, expected in (("initiatives", 3), ("reached", 40), ("distinct", 15)):
        pivot = analysis.initiative_pivot(
            user=cast.readonly, filters={}, rows="sector", measure=measure
        )
        assert pivot.total == expected, measure
    assert (
        analysis.initiative_pivot(
            user=cast.outsider, filters={}, rows="sector", measure="reached"
        ).total
        == 140
    )


def test_pivot_filters(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator, filters={"province": world.nador}, rows="sector"
    )
    assert pivot.total == 2
    pivot = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"status": "completed"},
        rows="organisation",
    )
    assert pivot.row_totals == {cast.organisation.pk: 1}
    pivot = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"province": world.oujda},
        rows="sector",
        measure="reached",
    )
    assert pivot.total == 100


def test_pivot_refuses_the_same_dimension_twice(cast, world):
    with pytest.raises(ValueError):
        analysis.initiative_pivot(
            user=cast.coordinator, filters={}, rows="sector", columns="sector"
        )


def test_pivot_period_labels_are_chronological(cast, world):
    pivot = analysis.initiative_pivot(
        user=cast.coordinator,
        filters={"start": datetime.date(2025, 11, 1), "end": MAR},
        rows="period",
        grain="quarter",
    )
    assert [key for key, _label in pivot.rows] == [(2025, 4), (2026, 1)]
