"""The roll-up of reach behind the gap matrix, kept exactly equal to the reach reports.

``ReachRollup`` adds up people reached per commune × month × sector × status × visibility ×
target group; ``ReachRollupReport`` keeps, one by one, the few reports that cannot be added up by
cell (see ``_inside``). Why, and what was weighed: docs/decisions/0010-gap-rollup.md.

How it stays exact:

- Every change that can move a figure records a ``ReachRollupChange`` in the same transaction:
  the receivers at the end of this module follow reach reports (saved, moved, deleted),
  initiatives (sector, status, visibility, dates) and their communes and target groups, whoever
  writes them — services, the admin, the demo, test factories. Writes that bypass the ORM call
  ``record_initiatives`` or ``record_slices`` themselves, or ``rebuild`` afterwards.
- ``refresh`` runs once the transaction commits: holding the lock on the one
  ``ReachRollupState`` row, it takes the recorded changes and recomputes every (commune, month)
  slice they touch from the raw tables — never by adding differences — so two writers cannot
  lose each other's update. Above ``REBUILD_ABOVE`` slices it rebuilds everything.
- ``readable`` is true only when the roll-up has been built and no change is waiting: otherwise
  the gap matrix runs its exact query on the raw tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Exists, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from madina.initiatives.models import (
    Initiative,
    ReachReport,
    ReachRollup,
    ReachRollupChange,
    ReachRollupReport,
    ReachRollupState,
    ReportingPeriod,
    TargetGroup,
)
from madina.territory.models import Area

# Above this many (commune, month) slices to recompute, a refresh rebuilds the whole roll-up.
REBUILD_ABOVE = 3000
# (commune, month) pairs recomputed per statement.
SLICES_PER_STATEMENT = 500
# The fields of an initiative that decide which cells its reports add to.
_CELL_FIELDS = frozenset({"sector", "sector_id", "status", "visibility", "start_date", "end_date"})
_STATE = 1
_PEOPLE = "r.women + r.men + r.girls + r.boys"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _month_end(column: str) -> str:
    """The last day of the month that starts on ``column`` (PostgreSQL or SQLite)."""
    if connection.vendor == "postgresql":
        return f"CAST({column} + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)"
    return f"DATE({column}, '+1 month', '-1 day')"


def _inside() -> str:
    """A report lies inside its initiative when the initiative's dates cover its whole month and
    its commune is one of the initiative's (``l``, left-joined on both). Only then does the
    report's month being in a period imply that the initiative ran in that period, and its
    commune being in a province that the initiative works there: the roll-up adds up exactly
    these. Reports outside (started or ended mid-month, commune since removed) stay loose."""
    return (
        "(i.start_date IS NULL OR i.start_date <= p.month)"
        f" AND (i.end_date IS NULL OR i.end_date >= {_month_end('p.month')})"
        " AND l.id IS NOT NULL"
    )


# --- Reading ----------------------------------------------------------------------------------


def readable() -> bool:
    """Whether the roll-up is built and up to date (one query)."""
    return (
        ReachRollupState.objects.filter(pk=_STATE, ready=True)
        .filter(~Exists(ReachRollupChange.objects.all()))
        .exists()
    )


def cells_sql(
    chosen: QuerySet,
    *,
    seen_whole: str,
    statuses: Sequence[str],
    excluded_status: str | None = None,
    target_group: int | None = None,
    sector: int | None = None,
    province: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> tuple[str, list]:
    """The gap matrix's grouped query, with people reached taken from the roll-up.

    ``chosen`` gives ``(id, sector_id, visibility)`` of the initiatives to count, exactly as the
    exact query has them (visible to the user, active, filtered). ``seen_whole`` says which of
    the roll-up's rows the user sees whole: ``"all"`` (coordinators) or ``"shared"``. The
    initiatives' statuses are ``statuses`` (or any but ``excluded_status``). The people reached
    of the chosen initiatives come from three parts that never overlap:

    - *whole*: the chosen initiatives of the roll-up's rows the user sees whole (and of the
      chosen sector): their inside reports from the roll-up's cells, their loose reports one by
      one;
    - *the others* (a member's partners-only initiatives; with a sector chosen, those filed under
      it through a sub-sector only): all their reports, from the raw table.

    Every cell of the roll-up that the conditions select belongs to a chosen initiative: an
    inside report in a month of the period belongs to an initiative that ran in the period, and
    one in a commune of the province to an initiative that works in the province.
    """
    chosen_sql, chosen_params = chosen.query.get_compiler(using=chosen.db).as_sql()
    months = _Where()
    if start:
        months.add("month >= %s", start.replace(day=1))
    if end:
        months.add("month <= %s", end)
    # Table names come from the models; every value is a parameter.
    in_months = f"SELECT id FROM {_table(ReportingPeriod)}{months.sql()}"  # noqa: S608
    in_province = f"SELECT id FROM {_table(Area)} WHERE parent_id = %s"  # noqa: S608

    def places(where: _Where, alias: str) -> _Where:
        if months.conditions:
            where.add(f"{alias}.period_id IN ({in_months})", *months.params)
        if province:
            where.add(f"{alias}.commune_id IN ({in_province})", province)
        return where

    counted = _Where()
    if province:
        counted.add(f"l.area_id IN ({in_province})", province)
    # The roll-up's cells of the initiatives the user sees whole.
    cells = _Where()
    if target_group:
        cells.add("g.target_group_id = %s", target_group)
    else:
        cells.add("g.target_group_id IS NULL")
    if excluded_status:
        cells.add("g.status <> %s", excluded_status)
    else:
        cells.add(f"g.status IN ({', '.join(['%s'] * len(statuses))})", *statuses)
    if seen_whole != "all":
        cells.add("g.shared = %s", True)
    if sector:
        cells.add("g.sector_id = %s", sector)
    if start:
        cells.add("g.month >= %s", start.replace(day=1))
    if end:
        cells.add("g.month <= %s", end)
    if province:
        cells.add(f"g.commune_id IN ({in_province})", province)
    # Their loose reports.
    loose, seen = _Where(), Q()
    if seen_whole != "all":
        loose.add("c.visibility = %s", Initiative.Visibility.SHARED.value)
        seen &= Q(visibility=Initiative.Visibility.SHARED)
    if sector:
        loose.add("c.sector_id = %s", sector)
        seen &= Q(sector_id=sector)
    places(loose, "d")
    parts = [
        (
            "SELECT l.area_id AS commune_id, c.sector_id AS sector_id,"  # noqa: S608
            " COUNT(*) AS initiatives, 0 AS people"
            f" FROM {_table(Initiative.communes.through)} l"
            f" JOIN chosen c ON c.id = l.initiative_id{counted.sql()}"
            " GROUP BY l.area_id, c.sector_id",
            counted.params,
        ),
        (
            "SELECT g.commune_id, g.sector_id, 0, SUM(g.people)"  # noqa: S608
            f" FROM {_table(ReachRollup)} g{cells.sql()}"
            " GROUP BY g.commune_id, g.sector_id",
            cells.params,
        ),
        (
            "SELECT d.commune_id, c.sector_id, 0, SUM(d.people)"  # noqa: S608
            f" FROM {_table(ReachRollupReport)} d JOIN chosen c ON c.id = d.initiative_id"
            f"{loose.sql()} GROUP BY d.commune_id, c.sector_id",
            loose.params,
        ),
    ]
    if seen:
        # The others, selected from the initiatives table itself rather than from ``chosen``:
        # PostgreSQL then sees how few they are and reads their reports through the index.
        others = chosen.exclude(seen)
        others_sql, others_params = others.query.get_compiler(using=others.db).as_sql()
        raw = places(_Where(), "r")
        parts.append(
            (
                f"SELECT r.commune_id, o.sector_id, 0, SUM({_PEOPLE})"  # noqa: S608
                f" FROM {_table(ReachReport)} r JOIN ({others_sql}) o ON o.id = r.initiative_id"
                f"{raw.sql()} GROUP BY r.commune_id, o.sector_id",
                [*others_params, *raw.params],
            )
        )
    sql = (
        f"WITH chosen AS ({chosen_sql}) "  # noqa: S608
        "SELECT commune_id, sector_id, SUM(initiatives), SUM(people) FROM ("
        + " UNION ALL ".join(part for part, _params in parts)
        + ") cells GROUP BY commune_id, sector_id"
    )
    return sql, [*chosen_params, *(value for _part, params in parts for value in params)]


class _Where:
    """Conditions joined by AND, with their parameters in order."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list = []

    def add(self, condition: str, *params) -> _Where:
        self.conditions.append(condition)
        self.params += params
        return self

    def sql(self) -> str:
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


# --- Recording changes ------------------------------------------------------------------------


def record_initiatives(ids: Iterable[int]) -> None:
    """Note, in the current transaction, that these initiatives' reports may have moved (their
    sector, status, visibility, dates, communes or target groups changed); the roll-up follows
    once the transaction commits. For writes that bypass the ORM's signals."""
    changes = [ReachRollupChange(initiative_id=pk) for pk in sorted(set(ids))]
    if changes:
        ReachRollupChange.objects.bulk_create(changes, batch_size=5000)
        _refresh_after_commit()


def record_slices(slices: Iterable[tuple[int, int]]) -> None:
    """Note that the reports of these (commune id, reporting period id) pairs changed."""
    changes = [
        ReachRollupChange(commune_id=commune, period_id=period)
        for commune, period in sorted(set(slices))
    ]
    if changes:
        ReachRollupChange.objects.bulk_create(changes, batch_size=5000)
        _refresh_after_commit()


def _refresh_after_commit() -> None:
    """One refresh per transaction, after it commits (at once outside a transaction)."""
    if connection.in_atomic_block and any(
        function is refresh for _savepoints, function, _robust in connection.run_on_commit
    ):
        return
    # A refresh that fails is logged and does not undo the committed write: its changes stay
    # recorded, the gap matrix reads the raw tables meanwhile, and the next refresh retries.
    transaction.on_commit(refresh, robust=True)


# --- Refreshing and rebuilding ----------------------------------------------------------------


def _lock() -> ReachRollupState:
    """Lock the state row (created on first use) until the end of the transaction.

    On SQLite, whose transactions begin IMMEDIATE here (settings), the transaction itself holds
    the database's write lock."""
    state = ReachRollupState.objects.select_for_update().filter(pk=_STATE).first()
    if state is None:
        # A database emptied by ``flush``: an empty roll-up is exact for no reports.
        ReachRollupState.objects.get_or_create(pk=_STATE, defaults={"ready": True})
        state = ReachRollupState.objects.select_for_update().get(pk=_STATE)
    return state


def _take_changes() -> list[tuple[int | None, int | None, int | None]]:
    """Delete and return the recorded changes that are committed now (exactly those)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table(ReachRollupChange)} "  # noqa: S608
            "RETURNING initiative_id, commune_id, period_id"
        )
        return cursor.fetchall()


def refresh() -> int:
    """Recompute the slices the recorded changes touched; return how many (or -1 for a rebuild).

    Runs in its own transaction under the roll-up's lock, so refreshes follow one another and
    each reads what was committed before it took the lock.
    """
    with transaction.atomic():
        state = _lock()
        changes = _take_changes()
        if not changes:
            return 0
        slices = {(commune, period) for _i, commune, period in changes if commune and period}
        initiatives = sorted({initiative for initiative, _c, _p in changes if initiative})
        for start in range(0, len(initiatives), 1000):
            if len(slices) > REBUILD_ABOVE:
                break
            slices.update(
                ReachReport.objects.filter(initiative_id__in=initiatives[start : start + 1000])
                .order_by()
                .values_list("commune_id", "period_id")
                .distinct()
            )
        if len(slices) > REBUILD_ABOVE:
            _recompute(None)
            _rebuilt(state)
            return -1
        ordered = sorted(slices)
        for start in range(0, len(ordered), SLICES_PER_STATEMENT):
            _recompute(ordered[start : start + SLICES_PER_STATEMENT])
        return len(ordered)


def rebuild() -> None:
    """Recompute the whole roll-up from the raw tables and mark it ready to be read."""
    with transaction.atomic():
        state = _lock()
        _take_changes()
        _recompute(None)
        _rebuilt(state)


def _rebuilt(state: ReachRollupState) -> None:
    state.ready = True
    state.rebuilt_at = timezone.now()
    state.save(update_fields=["ready", "rebuilt_at"])


def _recompute(slices: list[tuple[int, int]] | None) -> None:
    """Replace the roll-up's rows of these (commune, period) slices, or all of them (None)."""
    if slices is None:
        only, only_params, raw_only, raw_params = "", [], "", []
    else:
        pairs = ", ".join(["(%s, %s)"] * len(slices))
        only = f"(commune_id, period_id) IN (VALUES {pairs})"
        only_params = [value for pair in slices for value in pair]
        # The communes and the months alone as well: PostgreSQL then expects few reports and
        # looks their initiatives up by key, instead of hashing the whole initiatives table.
        communes = sorted({commune for commune, _period in slices})
        periods = sorted({period for _commune, period in slices})
        raw_only = (
            f"r.commune_id IN ({', '.join(['%s'] * len(communes))})"
            f" AND r.period_id IN ({', '.join(['%s'] * len(periods))})"
            f" AND (r.commune_id, r.period_id) IN (VALUES {pairs})"
        )
        raw_params = [*communes, *periods, *only_params]
    rollup, loose = _table(ReachRollup), _table(ReachRollupReport)
    source = (
        f" FROM {_table(ReachReport)} r"
        f" JOIN {_table(Initiative)} i ON i.id = r.initiative_id"
        f" JOIN {_table(ReportingPeriod)} p ON p.id = r.period_id"
        f" LEFT JOIN {_table(Initiative.communes.through)} l"
        " ON l.initiative_id = r.initiative_id AND l.area_id = r.commune_id"
    )
    groups = _table(Initiative.target_groups.through)
    columns = "commune_id, period_id, month, sector_id, status, shared, target_group_id, people"
    cell = "r.commune_id, r.period_id, p.month, i.sector_id, i.status, i.visibility = %s"
    keys = "r.commune_id, r.period_id, p.month, i.sector_id, i.status, i.visibility"
    inside = _inside()
    shared = Initiative.Visibility.SHARED.value
    where_inside = f" WHERE {inside}" + (f" AND {raw_only}" if only else "")
    where_loose = f" WHERE NOT ({inside})" + (f" AND {raw_only}" if only else "")
    # Table names come from the models; every value is a parameter.
    statements = [
        (f"DELETE FROM {rollup}" + (f" WHERE {only}" if only else ""), only_params),  # noqa: S608
        (f"DELETE FROM {loose}" + (f" WHERE {only}" if only else ""), only_params),  # noqa: S608
        (
            f"INSERT INTO {rollup} ({columns})"  # noqa: S608
            f" SELECT {cell}, CAST(NULL AS BIGINT), SUM({_PEOPLE}){source}{where_inside}"
            f" GROUP BY {keys}",
            [shared, *raw_params],
        ),
        (
            f"INSERT INTO {rollup} ({columns})"  # noqa: S608
            f" SELECT {cell}, t.targetgroup_id, SUM({_PEOPLE}){source}"
            f" JOIN {groups} t ON t.initiative_id = r.initiative_id{where_inside}"
            f" GROUP BY {keys}, t.targetgroup_id",
            [shared, *raw_params],
        ),
        (
            f"INSERT INTO {loose} (initiative_id, commune_id, period_id, people)"  # noqa: S608
            f" SELECT r.initiative_id, r.commune_id, r.period_id, {_PEOPLE}{source}{where_loose}",
            raw_params,
        ),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# --- Following the writes ---------------------------------------------------------------------


@receiver(pre_save, sender=ReachReport, dispatch_uid="rollup_report_moving")
def _report_moving(sender, instance: ReachReport, update_fields=None, **kwargs) -> None:
    """A report saved into another commune or month leaves its old slice too."""
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {
        "commune",
        "commune_id",
        "period",
        "period_id",
    }:
        return
    before = (
        ReachReport.objects.filter(pk=instance.pk).values_list("commune_id", "period_id").first()
    )
    if before is not None and before != (instance.commune_id, instance.period_id):
        record_slices([before])


@receiver(post_save, sender=ReachReport, dispatch_uid="rollup_report_saved")
@receiver(post_delete, sender=ReachReport, dispatch_uid="rollup_report_deleted")
def _report_changed(sender, instance: ReachReport, **kwargs) -> None:
    record_slices([(instance.commune_id, instance.period_id)])


@receiver(post_save, sender=Initiative, dispatch_uid="rollup_initiative_saved")
def _initiative_saved(sender, instance: Initiative, created, update_fields=None, **kwargs) -> None:
    # A new initiative has no reports yet; a save of other fields moves none.
    if created or (update_fields is not None and not set(update_fields) & _CELL_FIELDS):
        return
    record_initiatives([instance.pk])


@receiver(m2m_changed, sender=Initiative.communes.through, dispatch_uid="rollup_communes")
@receiver(m2m_changed, sender=Initiative.target_groups.through, dispatch_uid="rollup_groups")
def _links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Communes decide which reports lie inside; target groups, which cells they add to."""
    if action in ("post_add", "post_remove") and pk_set:
        record_initiatives(pk_set if reverse else [instance.pk])
    elif action == "pre_clear":
        if not reverse:
            record_initiatives([instance.pk])
            return
        # Cleared from the commune's or target group's side: every initiative it had.
        record_initiatives(
            sender.objects.filter(**{f"{instance._meta.model_name}_id": instance.pk}).values_list(
                "initiative_id", flat=True
            )
        )


@receiver(pre_delete, sender=TargetGroup, dispatch_uid="rollup_target_group_deleted")
def _target_group_deleted(sender, instance: TargetGroup, **kwargs) -> None:
    """Deleting a target group removes its links without a signal: recompute its initiatives."""
    record_initiatives(
        Initiative.target_groups.through.objects.filter(targetgroup_id=instance.pk).values_list(
            "initiative_id", flat=True
        )
    )
