"""The roll-up of reach gives the gap matrix exactly the figures of its exact query.

A random sequence of writes — through the services as pages make them, and through the ORM as
the admin, the demo or a shell would — then, for a coordinator, a member and an outsider, with
and without period, target group, status, sector and province: the cells through the roll-up
equal the cells of the exact query, and the roll-up equals a full rebuild.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madina.actors.models import Sector
from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives import analysis, rollup, services
from madina.initiatives.models import (
    Initiative,
    InitiativePartner,
    ReachReport,
    ReachRollup,
    ReachRollupReport,
    TargetGroup,
)
from madina.initiatives.tests.factories import TargetGroupFactory
from madina.territory.models import Area

S = Initiative.Status
MONTHS = [datetime.date(2025 + index // 12, index % 12 + 1, 1) for index in range(18)]
FIRST_DAY = datetime.date(2024, 12, 1)


@dataclass
class Place:
    north: Area
    south: Area
    communes: list[Area]
    sectors: list[Sector]
    subsector: Sector
    groups: list[TargetGroup]


@pytest.fixture
def place(db) -> Place:
    north = AreaFactory(level=Area.Level.PROVINCE, code="R.N", name_fr="Nord", name_ar="الشمال")
    south = AreaFactory(level=Area.Level.PROVINCE, code="R.S", name_fr="Sud", name_ar="الجنوب")
    communes = [
        AreaFactory(code=f"R.{number}", parent=north if number < 3 else south)
        for number in range(4)
    ]
    health = SectorFactory(code="R-HEALTH", name_fr="Santé", name_ar="الصحة")
    sectors = [health, SectorFactory(code="R-SCHOOL"), SectorFactory(code="R-WORK")]
    subsector = SectorFactory(code="R-HEALTH-PSY", kind=Sector.Kind.SUBSECTOR, parent=health)
    groups = [TargetGroupFactory(code=f"r-group-{number}") for number in range(3)]
    return Place(north, south, communes, sectors, subsector, groups)


# --- The writes --------------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=600).map(
    lambda number: FIRST_DAY + datetime.timedelta(days=number)
)
dates = st.one_of(st.none(), days)
masks = st.integers(min_value=1, max_value=15)
group_masks = st.integers(min_value=0, max_value=7)
statuses = st.sampled_from(S.values)
picks = st.integers(min_value=0, max_value=1000)

creates = st.tuples(
    st.just("create"),
    st.booleans(),
    st.integers(0, 2),
    statuses,
    st.booleans(),
    masks,
    group_masks,
    dates,
    st.integers(min_value=0, max_value=500),
)
reports = st.tuples(st.just("report"), picks, picks, st.integers(0, 17), st.integers(0, 60))
operations = st.one_of(
    creates,
    creates,
    reports,
    reports,
    reports,
    st.tuples(
        st.just("update"), picks, st.integers(0, 2), masks, group_masks, dates, st.booleans()
    ),
    st.tuples(st.just("status"), picks, statuses),
    st.tuples(st.just("dates"), picks, dates, st.integers(min_value=0, max_value=500)),
    st.tuples(st.just("groups"), picks, group_masks),
    st.tuples(st.just("communes"), picks, masks),
    st.tuples(st.just("delete report"), picks),
    st.tuples(st.just("delete initiative"), picks),
    st.tuples(st.just("move report"), picks, picks),
    st.tuples(st.just("subsector"), picks),
    st.tuples(st.just("partner"), picks),
    st.tuples(st.just("clear group"), st.integers(0, 2)),
)


def _in_order(choices: dict) -> dict:
    if choices.get("start") and choices.get("end") and choices["end"] < choices["start"]:
        choices["start"], choices["end"] = choices["end"], choices["start"]
    return choices


filter_choices = st.fixed_dictionaries(
    {},
    optional={
        "start": days,
        "end": days,
        "target_group": st.integers(0, 2),
        "status": statuses,
        "province": st.sampled_from(["north", "south"]),
        "sector": st.sampled_from(["health", "school", "subsector"]),
    },
).map(_in_order)


def _chosen(items, mask):
    return [item for index, item in enumerate(items) if mask & (1 << index)]


def _pick(queryset, number):
    rows = list(queryset.order_by("pk"))
    return rows[number % len(rows)] if rows else None


def _dates(start, length):
    end = start + datetime.timedelta(days=length) if start else None
    return start, end


def apply(operation, cast, place) -> None:  # noqa: C901 - one branch per kind of write
    kind, *args = operation
    actor = cast.coordinator
    initiatives = Initiative.objects.all()
    if kind == "create":
        ours, sector, status, shared, communes, groups, start, length = args
        start, end = _dates(start, length)
        services.initiative_create(
            actor=actor,
            data={
                "title": "Initiative",
                "lead_organisation": cast.organisation if ours else cast.other_organisation,
                "sector": place.sectors[sector],
                "status": status,
                "visibility": Initiative.Visibility.SHARED
                if shared
                else Initiative.Visibility.PARTNERS,
                "start_date": start,
                "end_date": end,
                "communes": _chosen(place.communes, communes),
                "target_groups": _chosen(place.groups, groups),
            },
        )
    elif kind == "update" and (initiative := _pick(initiatives, args[0])):
        _number, sector, communes, groups, start, shared = args
        services.initiative_update(
            actor=actor,
            initiative=initiative,
            data={
                "sector": place.sectors[sector],
                "subsector": None,
                "communes": _chosen(place.communes, communes),
                "target_groups": _chosen(place.groups, groups),
                "start_date": start,
                "end_date": None,
                "visibility": Initiative.Visibility.SHARED
                if shared
                else Initiative.Visibility.PARTNERS,
            },
        )
    elif kind == "status" and (initiative := _pick(initiatives, args[0])):
        services.initiative_set_status(actor=actor, initiative=initiative, status=args[1])
    elif kind == "dates" and (initiative := _pick(initiatives, args[0])):
        start, end = _dates(args[1], args[2])
        services.initiative_update(
            actor=actor, initiative=initiative, data={"start_date": start, "end_date": end}
        )
    elif kind == "groups" and (initiative := _pick(initiatives, args[0])):
        # As the admin's form does, without touching the initiative's row.
        initiative.target_groups.set(_chosen(place.groups, args[1]))
    elif kind == "communes" and (initiative := _pick(initiatives, args[0])):
        initiative.communes.set(_chosen(place.communes, args[1]))
    elif kind == "report" and (initiative := _pick(initiatives, args[0])):
        commune = _pick(initiative.communes.all(), args[1])
        services.reach_report_save(
            actor=actor,
            initiative=initiative,
            commune=commune,
            month=MONTHS[args[2]],
            values={"women": args[3], "men": 1, "girls": 2, "boys": 3},
        )
    elif kind == "delete report" and (report := _pick(ReachReport.objects.all(), args[0])):
        report.delete()
    elif kind == "delete initiative" and (initiative := _pick(initiatives, args[0])):
        initiative.delete()
    elif kind == "move report" and (report := _pick(ReachReport.objects.all(), args[0])):
        # As the admin or a shell could: into a commune the initiative may not have.
        report.commune = place.communes[args[1] % len(place.communes)]
        if not ReachReport.objects.filter(
            initiative=report.initiative, commune=report.commune, period=report.period
        ).exists():
            report.save()
    elif kind == "subsector" and (initiative := _pick(initiatives, args[0])):
        # Filed under the health sub-sector whatever its sector (the admin does not check).
        initiative.subsector = place.subsector
        initiative.save()
    elif kind == "partner" and (initiative := _pick(initiatives, args[0])):
        if initiative.lead_organisation_id != cast.organisation.pk:
            InitiativePartner.objects.get_or_create(
                initiative=initiative,
                organisation=cast.organisation,
                role=InitiativePartner.Role.IMPLEMENTING,
            )
    elif kind == "clear group":
        place.groups[args[0]].initiatives.clear()


# --- The comparison ----------------------------------------------------------------------------


def _run(sql: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (commune, sector): (int(count or 0), int(people or 0))
            for commune, sector, count, people in cursor.fetchall()
        }


def exact_cells(user, filters) -> dict:
    sql, params = analysis.gap_cells_sql(
        analysis.gap_initiatives(user=user, filters=filters),
        start=filters.get("start"),
        end=filters.get("end"),
        province=filters["province"].pk if filters.get("province") else None,
    )
    return _run(sql, params)


def rollup_cells(user, filters) -> dict:
    sql, params = analysis.gap_cells_query(user=user, filters=filters)
    assert ReachRollup._meta.db_table in sql
    return _run(sql, params)


def filter_sets(place) -> list[dict]:
    year = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    mid = {"start": datetime.date(2025, 3, 10), "end": datetime.date(2025, 8, 20)}
    return [
        {},
        year,
        mid,
        {"start": datetime.date(2025, 8, 10)},
        {"end": datetime.date(2025, 1, 10)},
        {"target_group": place.groups[0]},
        {"target_group": place.groups[2]},
        {**mid, "target_group": place.groups[1]},
        {"status": S.COMPLETED},
        {**year, "status": S.CANCELLED},
        {"province": place.north},
        {**mid, "province": place.south, "target_group": place.groups[2]},
        {"sector": place.sectors[0]},
        {**year, "sector": place.subsector},
    ]


def drawn(place, choices: dict) -> dict:
    objects = {
        "target_group": place.groups,
        "province": {"north": place.north, "south": place.south},
        "sector": {"health": place.sectors[0], "school": place.sectors[1]}
        | {"subsector": place.subsector},
    }
    return {key: objects[key][value] if key in objects else value for key, value in choices.items()}


def rollup_rows() -> tuple[list, list]:
    cells = sorted(
        ReachRollup.objects.values_list(
            "commune_id", "period_id", "sector_id", "status", "shared", "target_group_id", "people"
        ),
        key=repr,
    )
    loose = sorted(
        ReachRollupReport.objects.values_list("initiative_id", "commune_id", "period_id", "people")
    )
    return cells, loose


def check(cast, place, filters: list[dict]) -> None:
    """Refresh (as after the commit); the roll-up then gives the exact figures and equals a
    rebuild."""
    rollup.refresh()
    assert rollup.readable()
    for user in (cast.coordinator, cast.member, cast.outsider):
        for chosen in filters:
            assert rollup_cells(user, chosen) == exact_cells(user, chosen), (user, chosen)
    followed = rollup_rows()
    call_command("rebuild_reach_rollup", verbosity=0)
    assert rollup_rows() == followed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(operations, min_size=1, max_size=16),
    drawn_filters=st.lists(filter_choices, min_size=4, max_size=8),
)
def test_the_rollup_gives_the_exact_figures_after_any_writes(cast, place, steps, drawn_filters):
    with transaction.atomic():
        rollup.rebuild()
        for step in steps:
            with transaction.atomic():
                try:
                    apply(step, cast, place)
                except ValidationError:
                    pass  # refused writes (a commune-less initiative) write nothing
        check(cast, place, [*filter_sets(place), *(drawn(place, f) for f in drawn_filters)])
        transaction.set_rollback(True)


# Every kind of write, each one where it shows: A starts and ends mid-month, B is kept to its
# (other) organisation, C is completed and filed under health's sub-sector later.
SCENARIO = [
    ("create", True, 0, S.ONGOING, True, 0b0011, 0b011, datetime.date(2025, 1, 15), 200),
    ("create", False, 1, S.ONGOING, False, 0b1100, 0b100, None, 0),
    ("create", False, 2, S.COMPLETED, True, 0b0101, 0b001, datetime.date(2025, 2, 1), 300),
    ("report", 0, 0, 0, 10),  # A, January: the month it starts in (loose)
    ("report", 0, 1, 4, 20),  # A, May: inside
    ("report", 0, 0, 7, 30),  # A, August: the month it ends in (loose)
    ("report", 0, 1, 9, 40),  # A, October: after its end (loose)
    ("report", 1, 0, 3, 50),  # B, April, commune 2
    ("report", 1, 1, 14, 5),  # B, March 2026, commune 3
    ("report", 2, 0, 1, 7),  # C, February: inside
    ("report", 2, 1, 9, 8),  # C, October: inside
    ("report", 2, 1, 10, 9),  # C, November: the month it ends in (loose)
    ("dates", 2, datetime.date(2025, 2, 1), 119),  # C: February inside, later ones not
    ("subsector", 2),
    ("groups", 0, 0b100),
    ("communes", 0, 0b0001),  # A's May report is left in a commune A no longer has
    ("move report", 4, 1),  # B's April report into commune 1, which B does not have
    ("partner", 1),
    ("update", 0, 1, 0b0011, 0b011, datetime.date(2025, 3, 3), False),
    ("status", 1, S.CANCELLED),
    ("clear group", 0),
    ("delete report", 0),
    ("delete initiative", 2),
]


def test_every_kind_of_write_keeps_the_rollup_exact(cast, place):
    """The check after each write of a fixed sequence that goes through every branch."""
    rollup.rebuild()
    for step in SCENARIO:
        apply(step, cast, place)
        # The change waits for its commit (a new partner moves no figure: nothing to wait for).
        assert rollup.readable() == (step[0] == "partner"), step
        check(cast, place, filter_sets(place))
    moved = ReachReport.objects.get(period__month=MONTHS[3])
    assert moved.commune == place.communes[1]
    assert not moved.initiative.communes.filter(pk=place.communes[1].pk).exists()
    assert ReachRollupReport.objects.filter(initiative=moved.initiative).exists()


def test_the_gap_matrix_reads_the_rollup_once_it_is_up_to_date(cast, place):
    apply(("create", True, 0, S.ONGOING, True, 0b0001, 0b001, None, 0), cast, place)
    apply(("report", 0, 0, 0, 10), cast, place)
    # The change waits for the commit: meanwhile the matrix reads the raw reports.
    sql, _params = analysis.gap_cells_query(user=cast.coordinator, filters={})
    assert ReachRollup._meta.db_table not in sql
    rollup.refresh()
    sql, _params = analysis.gap_cells_query(user=cast.coordinator, filters={})
    assert ReachRollup._meta.db_table in sql
    matrix = analysis.gap_matrix(user=cast.coordinator, filters={})
    assert matrix.cells[place.communes[0].pk, place.sectors[0].pk] == (1, 16)


@pytest.mark.parametrize(
    "filters", [{"q": "santé"}, {"organisation": "ours"}, {"commune": "first"}]
)
def test_filters_the_rollup_lacks_take_the_exact_query(cast, place, filters):
    values = {"ours": cast.organisation, "first": place.communes[0]}
    filters = {key: values.get(value, value) for key, value in filters.items()}
    rollup.rebuild()
    sql, _params = analysis.gap_cells_query(user=cast.coordinator, filters=filters)
    assert ReachRollup._meta.db_table not in sql


def test_a_database_with_reports_waits_for_a_rebuild(cast, place):
    apply(("create", True, 0, S.ONGOING, True, 0b0001, 0b001, None, 0), cast, place)
    apply(("report", 0, 0, 0, 10), cast, place)
    rollup.refresh()
    rollup.ReachRollupState.objects.update(ready=False)  # as after the migration
    assert not rollup.readable()
    call_command("rebuild_reach_rollup", verbosity=0)
    assert rollup.readable()
    assert ReachRollup.objects.filter(target_group=None).get().people == 16


def test_a_refresh_of_many_slices_rebuilds_everything(cast, place, monkeypatch):
    apply(("create", True, 0, S.ONGOING, True, 0b0011, 0b001, None, 0), cast, place)
    for month in range(3):
        apply(("report", 0, 0, month, 10), cast, place)
    monkeypatch.setattr(rollup, "REBUILD_ABOVE", 2)
    assert rollup.refresh() == -1
    assert ReachRollup.objects.filter(target_group=None).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_rollup_follows_committed_writes_by_itself(cast, place):
    """Outside a test transaction the refresh runs when each write commits."""
    apply(("create", True, 0, S.ONGOING, True, 0b0011, 0b011, None, 0), cast, place)
    apply(("report", 0, 0, 0, 10), cast, place)
    apply(("report", 0, 1, 1, 10), cast, place)
    apply(("status", 0, S.COMPLETED), cast, place)
    assert rollup.readable()
    followed = rollup_rows()
    rollup.rebuild()
    assert rollup_rows() == followed
    for user in (cast.coordinator, cast.member):
        for filters in filter_sets(place):
            assert rollup_cells(user, filters) == exact_cells(user, filters)


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_slice_lose_nothing(cast, place, monkeypatch):
    """Writer 1's refresh has recomputed the slice but not committed when writer 2 commits a
    report in the same slice: writer 2's refresh waits for the first, then sees both reports.
    (SQLite needs no test of its own: its write transactions begin IMMEDIATE, one at a time.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent PostgreSQL transactions")
    for lead in (True, False):
        apply(("create", lead, 0, S.ONGOING, True, 0b0001, 0b001, None, 0), cast, place)
    recomputed, go_on = threading.Event(), threading.Event()
    real_recompute = rollup._recompute

    def held_open(slices):
        real_recompute(slices)
        if not recomputed.is_set():
            recomputed.set()
            assert go_on.wait(10)

    monkeypatch.setattr(rollup, "_recompute", held_open)

    def write(number, women):
        try:
            apply(("report", number, 0, 0, women), cast, place)
        finally:
            connection.close()

    one = threading.Thread(target=write, args=(0, 10))
    one.start()
    assert recomputed.wait(10)
    two = threading.Thread(target=write, args=(1, 20))
    two.start()
    two.join(1)
    assert two.is_alive()  # its refresh waits
    go_on.set()
    one.join(10)
    two.join(10)
    assert rollup.readable()
    assert ReachRollup.objects.filter(target_group=None).get().people == 16 + 26
    followed = rollup_rows()
    rollup.rebuild()
    assert rollup_rows() == followed
