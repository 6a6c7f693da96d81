"""The regional strategy table: counts by state, actions and progress, gaps, who counts what."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madina.actors.models import Sector
from madina.actors.tests.factories import SectorFactory
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
)
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory
from madina.meetings.models import RecommendationAction
from madina.meetings.strategy import strategy_table
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@dataclass
class World:
    health: Sector
    housing: Sector
    employment: Sector
    governance: Sector


def _recommend(meeting, theme, state, **extra):
    justification = "Pas de budget" if state in {"rejected", "not_implemented"} else ""
    return RecommendationFactory(
        meeting=meeting, theme=theme, state=state, state_justification=justification, **extra
    )


def _link(recommendation, action):
    RecommendationAction.objects.create(recommendation=recommendation, action=action)


@pytest.fixture
def world(cast, meetings, spaces) -> World:
    """In the public space: health has four recommendations and three counted actions (one
    dropped action is not counted), housing two recommendations and no action, employment only
    an action linked to one of its initiatives, governance nothing. One adopted recommendation
    has no theme, and an action with no initiative carries out nothing. In the private space,
    two health recommendations carried out by one action."""
    health = SectorFactory(code="SNIA-03", name_fr="Santé", name_ar="الصحة")
    housing = SectorFactory(code="SNIA-04", name_fr="Logement", name_ar="السكن")
    employment = SectorFactory(code="SNIA-07", name_fr="Emploi", name_ar="التشغيل")
    governance = SectorFactory(code="SNIA-11", name_fr="Gouvernance", name_ar="الحكامة")
    SectorFactory(code="SNIA-99", name_fr="Ancien programme", is_active=False)
    SectorFactory(code="SNIA-03.1", name_fr="Soins", kind="subsector", parent=health)

    public = meetings.public
    adopted = _recommend(public, health, "adopted")
    in_progress = _recommend(public, health, "in_progress")
    _recommend(public, health, "implemented")
    _recommend(public, health, "in_progress")
    _recommend(public, housing, "draft")
    _recommend(public, housing, "rejected")
    _recommend(public, None, "adopted")

    programme = ProgrammeFactory(space=spaces.public)
    surveyed = ItemFactory(programme=programme, progress=40)
    ResponsibilityFactory(item=surveyed)
    trained = ItemFactory(programme=programme, status="done")
    ResponsibilityFactory(item=trained)
    late = ItemFactory(programme=programme, status="late", progress=10)
    dropped = ItemFactory(programme=programme, status="dropped", status_reason="Plus de budget")
    for action in (surveyed, trained, late, dropped):
        _link(adopted, action)
    _link(in_progress, surveyed)
    employed = ItemFactory(programme=programme, progress=70)
    ResponsibilityFactory(item=employed)
    employed.initiatives.add(
        InitiativeFactory(sector=employment, visibility=Initiative.Visibility.SHARED)
    )
    ItemFactory(programme=programme, progress=0)

    private = meetings.private
    hidden = ItemFactory(programme=ProgrammeFactory(space=spaces.private), progress=50)
    for _ in range(2):
        _link(_recommend(private, health, "adopted"), hidden)
    return World(health, housing, employment, governance)


def _row(table, sector):
    return next(row for row in table.rows if row.sector == sector)


def _no_programme(table):
    return next(row for row in table.rows if row.sector is None)


def test_counts_by_state_actions_and_progress(cast, world):
    table = strategy_table(cast.outsider)
    health = _row(table, world.health)
    assert health.states["adopted"] == 1
    assert health.states["in_progress"] == 2
    assert health.states["implemented"] == 1
    assert health.recommendations == 4
    # Three actions: the dropped one does not count; the one carrying out two counts once.
    assert (health.actions, health.linked_actions, health.other_actions) == (3, 3, 0)
    assert (health.done, health.late, health.without_lead) == (1, 1, 1)
    assert health.progress_percent == 50  # (40 + 100 + 10) / 3
    housing = _row(table, world.housing)
    assert housing.states["draft"] == 1 and housing.states["rejected"] == 1
    assert housing.actions == 0 and housing.progress is None
    assert housing.lacks_action and not housing.is_gap


def test_actions_carrying_out_nothing_go_by_initiative_sector_else_no_programme(cast, world):
    table = strategy_table(cast.outsider)
    employment = _row(table, world.employment)
    assert employment.recommendations == 0
    assert (employment.actions, employment.linked_actions, employment.other_actions) == (1, 0, 1)
    assert employment.progress_percent == 70 and not employment.is_gap
    nothing = _no_programme(table)
    assert nothing.states["adopted"] == 1
    assert (nothing.other_actions, nothing.without_lead, nothing.progress_percent) == (1, 1, 0)


def test_every_active_programme_has_a_row_and_empty_ones_are_the_gaps(cast, world):
    table = strategy_table(cast.outsider)
    assert [row.sector for row in table.rows] == [
        world.health,
        world.housing,
        world.employment,
        world.governance,
        None,
    ]
    assert [row.sector for row in table.gaps] == [world.governance]


def test_totals_count_each_recommendation_and_action_once(cast, world):
    total = strategy_table(cast.outsider).total
    assert total.recommendations == 7
    assert total.actions == 5
    assert (total.done, total.late, total.without_lead) == (1, 1, 2)
    assert total.progress == pytest.approx((40 + 100 + 10 + 70 + 0) / 5)


def test_an_outsider_never_counts_a_private_spaces_recommendations(cast, world):
    outsider = _row(strategy_table(cast.outsider), world.health)
    member = _row(strategy_table(cast.member), world.health)
    coordinator = _row(strategy_table(cast.coordinator), world.health)
    assert outsider.states["adopted"] == 1 and outsider.actions == 3
    assert member.states["adopted"] == 3 and member.actions == 4
    assert coordinator.states["adopted"] == 3 and coordinator.actions == 4


def test_an_addressee_outside_the_space_does_not_count_it(cast, world, meetings):
    recommendation = _recommend(meetings.private, world.governance, "adopted")
    recommendation.addressees.add(cast.other_organisation)
    assert _row(strategy_table(cast.outsider), world.governance).is_gap
    assert _row(strategy_table(cast.member), world.governance).recommendations == 1


def test_a_lead_from_outside_a_private_space_does_not_count_its_action(cast, world, spaces):
    action = ItemFactory(programme=ProgrammeFactory(space=spaces.private), progress=20)
    ResponsibilityFactory(item=action, organisation=cast.other_organisation)
    assert strategy_table(cast.outsider).total.actions == 5


def test_one_space_period_and_state_filters(cast, world, meetings, spaces):
    later = MeetingFactory(
        space=spaces.public,
        starts_at=datetime.datetime(2026, 2, 1, 9, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 2, 1, 12, tzinfo=UTC),
    )
    _recommend(later, world.governance, "adopted")
    only_private = strategy_table(cast.member, space=spaces.private)
    assert only_private.total.recommendations == 2
    assert only_private.total.actions == 1
    in_2026 = strategy_table(cast.member, start=datetime.date(2026, 1, 1))
    assert in_2026.total.recommendations == 1
    assert _row(in_2026, world.governance).recommendations == 1
    # The actions of the 2025 recommendations are left out with them; the others stay.
    assert in_2026.total.linked_actions == 0 and in_2026.total.other_actions == 2
    until_2025 = strategy_table(cast.member, end=datetime.date(2025, 12, 31))
    assert until_2025.total.recommendations == 9
    implemented = strategy_table(cast.member, state="implemented")
    assert implemented.total.recommendations == 1 and implemented.total.linked_actions == 0


def test_initiatives_the_reader_may_not_see_do_not_place_an_action(cast, world, spaces):
    action = ItemFactory(programme=ProgrammeFactory(space=spaces.public), progress=0)
    action.initiatives.add(
        InitiativeFactory(sector=world.governance, visibility=Initiative.Visibility.PARTNERS)
    )
    assert _row(strategy_table(cast.outsider), world.governance).is_gap
    assert _row(strategy_table(cast.coordinator), world.governance).other_actions == 1


def test_a_sub_sector_counts_in_its_programme_and_an_inactive_one_keeps_its_row(
    cast, world, meetings
):
    soins = Sector.objects.get(code="SNIA-03.1")
    old = Sector.objects.get(code="SNIA-99")
    _recommend(meetings.public, soins, "adopted")
    _recommend(meetings.public, old, "adopted")
    table = strategy_table(cast.outsider)
    assert _row(table, world.health).states["adopted"] == 2
    assert _row(table, old).recommendations == 1
    assert table.rows[-1].sector is None and table.rows[-2].sector == old


def test_the_number_of_queries_does_not_grow_with_the_records(cast, world, meetings, spaces):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            strategy_table(cast.member)
        return len(context.captured_queries)

    count()  # the user's organisations and space roles are read once, then remembered
    before = count()
    programme = ProgrammeFactory(space=spaces.private)
    for state in ("adopted", "in_progress", "implemented"):
        recommendation = _recommend(meetings.private, world.housing, state)
        for _ in range(3):
            action = ItemFactory(programme=programme, progress=30)
            ItemFactory(programme=programme, kind="milestone", parent=action, progress=60)
            ResponsibilityFactory(item=action)
            _link(recommendation, action)
        loose = ItemFactory(programme=programme)
        loose.initiatives.add(InitiativeFactory(sector=world.employment))
    assert count() == before
