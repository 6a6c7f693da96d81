"""Aggregations of the registry: the map of initiatives, the pivot table and the gap matrix.

Every figure is computed over the initiatives the user may see (``selectors.initiative_list``): a
partners-only initiative of another organisation adds nothing to anyone's totals but its own
organisations' and the coordinators'. Each aggregation runs a fixed number of queries, whatever
the number of initiatives or reach reports.

People reached are counted two ways, never mixed:

- *people reached* adds the month's figures (``women + men + girls + boys``) over the months of
  the period;
- *distinct people* takes, for each initiative and commune, the latest de-duplicated cumulative
  figures reported in the period (cumulative figures are never added across months).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils.formats import localize, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from madina.accounts.rules import is_coordinator
from madina.actors.models import Organisation, Sector
from madina.core.text import normalise
from madina.initiatives import rollup
from madina.initiatives.models import Initiative, ReachReport
from madina.initiatives.selectors import initiative_list
from madina.territory.models import Area

# Dimensions of the pivot table, and the grain of its period dimension.
DIMENSIONS = {
    "organisation": gettext_lazy("lead organisation"),
    "sector": gettext_lazy("sector"),
    "province": gettext_lazy("province or prefecture"),
    "period": gettext_lazy("period"),
}
GRAINS = {
    "month": gettext_lazy("month"),
    "quarter": gettext_lazy("quarter"),
    "year": gettext_lazy("year"),
}
MEASURES = {
    "initiatives": gettext_lazy("number of initiatives"),
    "reached": gettext_lazy("people reached (sum of the months)"),
    "distinct": gettext_lazy("distinct people (latest cumulative figures)"),
}
# A period dimension never spans more than this many months when no period is chosen.
MAX_PERIOD_MONTHS = 120
# A map popup lists at most this many initiatives; it says how many more there are.
POPUP_INITIATIVES = 15

_MONTHLY = F("women") + F("men") + F("girls") + F("boys")
_CUMULATIVE = (
    Coalesce("cumulative_women", 0)
    + Coalesce("cumulative_men", 0)
    + Coalesce("cumulative_girls", 0)
    + Coalesce("cumulative_boys", 0)
)
_HAS_CUMULATIVE = (
    Q(cumulative_women__isnull=False)
    | Q(cumulative_men__isnull=False)
    | Q(cumulative_girls__isnull=False)
    | Q(cumulative_boys__isnull=False)
)

FILTER_KEYS = (
    "organisation",
    "sector",
    "province",
    "commune",
    "target_group",
    "status",
    "start",
    "end",
    "q",
)


# --- The initiatives a user may see ---------------------------------------------------------


def _visible_initiatives(user, filters: dict) -> QuerySet[Initiative]:
    """The registry's list as ``user`` may see it (the rule ``initiatives.view_initiative``)."""
    return initiative_list(user=user, filters=_registry_filters(filters))


def _registry_filters(filters: dict) -> dict:
    """Our filters under the names of ``selectors.initiative_list``."""
    names = {"start": "period_start", "end": "period_end"}
    return {
        names.get(key, key): filters[key]
        for key in FILTER_KEYS
        if filters.get(key) not in (None, "")
    }


def _ids(initiatives: QuerySet[Initiative]) -> QuerySet:
    return initiatives.prefetch_related(None).select_related(None).order_by().values("pk")


def _active(initiatives: QuerySet[Initiative], filters: dict) -> QuerySet[Initiative]:
    """Active initiatives: those of the chosen status, else those running in the chosen period,
    else the ongoing ones."""
    if filters.get("status"):
        return initiatives
    if filters.get("start") or filters.get("end"):
        return initiatives.exclude(status=Initiative.Status.CANCELLED)
    return initiatives.filter(status=Initiative.Status.ONGOING)


def _reports(ids: QuerySet, filters: dict) -> QuerySet[ReachReport]:
    """The reach reports of the initiatives, in the period and the chosen place."""
    reports = ReachReport.objects.filter(initiative__in=ids)
    if start := filters.get("start"):
        reports = reports.filter(period__month__gte=start.replace(day=1))
    if end := filters.get("end"):
        reports = reports.filter(period__month__lte=end)
    if province := filters.get("province"):
        reports = reports.filter(commune__parent=province)
    if commune := filters.get("commune"):
        reports = reports.filter(commune=commune)
    return reports


def _detail_url(pk: int) -> str:
    return reverse("initiatives:initiative_detail", kwargs={"pk": pk})


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


# --- Map of initiatives ----------------------------------------------------------------------


def initiative_map_data(*, user, filters: dict) -> list[dict]:
    """One point per commune with active initiatives: how many, people reached, and the list.

    The counts come from the gap matrix's grouped query (the roll-up of reach when it answers,
    else the exact query: the same figures), summed over sectors; the pop-ups' first
    initiatives by title from a window per commune, so that tens of thousands of titles never
    leave the database; then the communes.
    """
    sql, params = gap_cells_query(user=user, filters=filters)
    counts: dict[int, int] = defaultdict(int)
    reached: dict[int, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for area, _sector, initiatives, people in cursor.fetchall():
            counts[area] += int(initiatives or 0)
            reached[area] += int(people or 0)
    counts = {area: count for area, count in counts.items() if count}
    if commune := _pk(filters.get("commune")):
        counts = {area: count for area, count in counts.items() if area == commune}
    ids = _ids(_active(_visible_initiatives(user, filters), filters))
    links = Initiative.communes.through.objects.filter(initiative__in=ids, area__in=list(counts))
    first = links.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("area_id")],
            order_by=[F("initiative__title").asc(), F("initiative_id").asc()],
        )
    ).filter(rank__lte=POPUP_INITIATIVES)
    by_commune: dict[int, list[tuple]] = defaultdict(list)
    for row in first.values_list(
        "area_id",
        "initiative_id",
        "initiative__title",
        "initiative__lead_organisation__name_ar",
        "initiative__lead_organisation__name_fr",
        "initiative__lead_organisation__name_en",
    ).order_by("initiative__title", "initiative_id"):
        by_commune[row[0]].append(row[1:])
    communes = Area.objects.filter(
        pk__in=counts, latitude__isnull=False, longitude__isnull=False
    ).select_related("parent")
    points = []
    for commune in communes:
        rows = by_commune[commune.pk]
        count, people = counts[commune.pk], reached.get(commune.pk) or 0
        points.append(
            {
                "name": commune.name,
                "province": commune.parent.name if commune.parent else "",
                "lat": float(commune.latitude),
                "lng": float(commune.longitude),
                "count": count,
                "people": people,
                "summary": _map_summary(count, people),
                "initiatives": [
                    {
                        "title": title,
                        "organisation": _organisation_name(name_ar, name_fr, name_en),
                        "url": _detail_url(pk),
                    }
                    for pk, title, name_ar, name_fr, name_en in rows[:POPUP_INITIATIVES]
                ],
                "more": _more(count - POPUP_INITIATIVES),
            }
        )
    points.sort(key=lambda point: (-point["count"], normalise(point["name"])))
    return points


def _map_summary(count: int, people: int) -> str:
    initiatives = ngettext("%(count)s active initiative", "%(count)s active initiatives", count) % {
        "count": _number(count)
    }
    reached = ngettext("%(count)s person reached", "%(count)s people reached", people) % {
        "count": _number(people)
    }
    return f"{initiatives} · {reached}"


def _more(extra: int) -> str:
    if extra <= 0:
        return ""
    return ngettext("and %(count)s more initiative", "and %(count)s more initiatives", extra) % {
        "count": _number(extra)
    }


def _organisation_name(name_ar: str, name_fr: str, name_en: str) -> str:
    return Organisation(name_ar=name_ar, name_fr=name_fr, name_en=name_en).name


# --- Pivot table -----------------------------------------------------------------------------


@dataclass
class Pivot:
    rows: list[tuple[object, str]]
    columns: list[tuple[object, str]]
    cells: dict[tuple[object, object], int]
    row_totals: dict[object, int]
    column_totals: dict[object, int]
    total: int
    measure: str
    row_dimension: str
    column_dimension: str

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        """(row label, [value per column], row total) for each row, in order."""
        return [
            (
                label,
                [self.cells.get((key, column), 0) for column, _label in self.columns],
                self.row_totals.get(key, 0),
            )
            for key, label in self.rows
        ]

    @property
    def column_values(self) -> list[int]:
        return [self.column_totals.get(key, 0) for key, _label in self.columns]


def _period_key(month: datetime.date, grain: str) -> tuple[int, ...]:
    if grain == "year":
        return (month.year,)
    if grain == "quarter":
        return (month.year, (month.month - 1) // 3 + 1)
    return (month.year, month.month)


def _period_label(key: tuple[int, ...], grain: str) -> str:
    if grain == "year":
        return str(key[0])
    if grain == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": key[1], "year": key[0]}
    return f"{key[0]}-{key[1]:02d}"


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _period_span(ids: QuerySet, filters: dict) -> tuple[datetime.date, datetime.date]:
    """The chosen period, or the span of the initiatives' dates and reports (two queries)."""
    start, end = filters.get("start"), filters.get("end")
    if start and end:
        return start, end
    today = datetime.date.today()  # noqa: DTZ011 - a calendar date, not an instant
    dates = Initiative.objects.filter(pk__in=ids).aggregate(
        first=Min("start_date"), last=Max("end_date")
    )
    months = ReachReport.objects.filter(initiative__in=ids).aggregate(
        first=Min("period__month"), last=Max("period__month")
    )
    firsts = [day for day in (dates["first"], months["first"]) if day]
    lasts = [day for day in (dates["last"], months["last"]) if day]
    end = end or (max(lasts) if lasts else today)
    start = start or (min(firsts) if firsts else end.replace(month=1, day=1))
    earliest = datetime.date(end.year - MAX_PERIOD_MONTHS // 12, end.month, 1)
    return max(start, earliest), end


def initiative_pivot(
    *,
    user,
    filters: dict,
    rows: str = "sector",
    columns: str = "",
    grain: str = "year",
    measure: str = "initiatives",
) -> Pivot:
    """Counts of initiatives, people reached or distinct people by two dimensions, with totals.

    An initiative counts once in every cell it belongs to (a commune in each of two provinces,
    a period that covers several months) and once in each total.
    """
    if rows not in DIMENSIONS or (columns and columns not in DIMENSIONS) or rows == columns:
        raise ValueError("unknown or repeated dimension")
    if measure not in MEASURES or grain not in GRAINS:
        raise ValueError("unknown measure or grain")
    ids = _ids(_visible_initiatives(user, filters))
    dimensions = [rows, *([columns] if columns else [])]
    periods: list[tuple[int, ...]] = []
    if "period" in dimensions:
        start, end = _period_span(ids, filters)
        periods = sorted({_period_key(month, grain) for month in _months(start, end)})
    if measure == "initiatives" and _counted_in_sql(dimensions, filters):
        return _initiative_pivot_sql(ids, rows, columns, grain, periods, measure)
    facts = (
        _initiative_facts(ids, filters, grain, periods)
        if measure == "initiatives"
        else _reach_facts(ids, filters, grain, measure, "period" in dimensions)
    )
    cells: dict = defaultdict(set if measure == "initiatives" else int)
    row_totals: dict = defaultdict(set if measure == "initiatives" else int)
    column_totals: dict = defaultdict(set if measure == "initiatives" else int)
    grand: set | list = set() if measure == "initiatives" else [0]
    for fact, value in facts:
        row_key = fact[rows]
        column_key = fact[columns] if columns else None
        if measure == "initiatives":
            cells[row_key, column_key].add(value)
            row_totals[row_key].add(value)
            column_totals[column_key].add(value)
            grand.add(value)
        else:
            cells[row_key, column_key] += value
            row_totals[row_key] += value
            column_totals[column_key] += value
            grand[0] += value

    def size(value):
        return len(value) if isinstance(value, set) else value

    labels = _labels(dimensions, row_totals, column_totals, rows, columns, grain, periods)
    return Pivot(
        rows=labels[rows],
        columns=labels[columns] if columns else [(None, _("Total"))],
        cells={key: size(value) for key, value in cells.items()},
        row_totals={key: size(value) for key, value in row_totals.items()},
        column_totals={key: size(value) for key, value in column_totals.items()},
        total=size(grand) if isinstance(grand, set) else grand[0],
        measure=measure,
        row_dimension=rows,
        column_dimension=columns,
    )


# The dimensions the database can count initiatives by without expanding periods in Python.
_SQL_DIMENSIONS = {
    "organisation": "lead_organisation_id",
    "sector": "sector_id",
    "province": "communes__parent_id",
}


def _counted_in_sql(dimensions: list[str], filters: dict) -> bool:
    """Counts of initiatives by organisation, sector or province, without a place filter, are
    ``COUNT(DISTINCT)`` in the database (four aggregates) instead of a set of ids per cell built
    from every initiative × commune row (issue 8: 100,000 initiatives). Periods, and a place
    filter that must hold for the very commune counted, go through ``_initiative_facts``."""
    return (
        all(dimension in _SQL_DIMENSIONS for dimension in dimensions)
        and not filters.get("province")
        and not filters.get("commune")
    )


def _initiative_pivot_sql(ids, rows, columns, grain, periods, measure) -> Pivot:
    base = Initiative.objects.filter(pk__in=ids).order_by()

    def counted(*dimensions):
        fields = [_SQL_DIMENSIONS[dimension] for dimension in dimensions]
        return base.values(*fields).annotate(n=Count("pk", distinct=True)).values_list(*fields, "n")

    row_totals = dict(counted(rows))
    if columns:
        cells = {(row, column): n for row, column, n in counted(rows, columns)}
        column_totals = dict(counted(columns))
    else:
        cells = {(row, None): n for row, n in row_totals.items()}
    total = base.aggregate(n=Count("pk", distinct=True))["n"]
    if not columns:
        column_totals = {None: total}
    dimensions = [rows, *([columns] if columns else [])]
    labels = _labels(dimensions, row_totals, column_totals, rows, columns, grain, periods)
    return Pivot(
        rows=labels[rows],
        columns=labels[columns] if columns else [(None, _("Total"))],
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        measure=measure,
        row_dimension=rows,
        column_dimension=columns,
    )


def _initiative_facts(ids, filters, grain, periods):
    """(dimensions, initiative id) for every initiative × commune (× period it runs in)."""
    province, commune = filters.get("province"), filters.get("commune")
    rows = (
        Initiative.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "lead_organisation_id",
            "sector_id",
            "communes__id",
            "communes__parent_id",
            "start_date",
            "end_date",
        )
    )
    for pk, organisation, sector, area, parent, start, end in rows:
        if (province and parent != province.pk) or (commune and area != commune.pk):
            continue
        fact = {"organisation": organisation, "sector": sector, "province": parent}
        if not periods:
            yield fact, pk
            continue
        first = _period_key(start, grain) if start else periods[0]
        last = _period_key(end, grain) if end else periods[-1]
        for period in periods:
            if first <= period <= last:
                yield {**fact, "period": period}, pk


def _reach_facts(ids, filters, grain, measure, by_period: bool):
    reports = _reports(ids, filters)
    if measure == "reached":
        grouped = (
            reports.values(
                "initiative__lead_organisation_id",
                "initiative__sector_id",
                "commune__parent_id",
                "period__month",
            )
            .annotate(people=Sum(_MONTHLY))
            .values_list(
                "initiative__lead_organisation_id",
                "initiative__sector_id",
                "commune__parent_id",
                "period__month",
                "people",
            )
            .order_by()
        )
        for organisation, sector, province, month, people in grouped:
            yield (
                {
                    "organisation": organisation,
                    "sector": sector,
                    "province": province,
                    "period": _period_key(month, grain),
                },
                people or 0,
            )
        return
    # Distinct people: the latest cumulative figures per initiative × commune (× period).
    latest: dict[tuple, tuple] = {}
    for row in (
        reports.filter(_HAS_CUMULATIVE)
        .annotate(people=_CUMULATIVE)
        .values_list(
            "initiative_id",
            "commune_id",
            "period__month",
            "initiative__lead_organisation_id",
            "initiative__sector_id",
            "commune__parent_id",
            "people",
        )
        .order_by("period__month")
    ):
        initiative, area, month, *rest = row
        bucket = _period_key(month, grain) if by_period else None
        latest[initiative, area, bucket] = (bucket, *rest)
    for bucket, organisation, sector, province, people in latest.values():
        yield (
            {
                "organisation": organisation,
                "sector": sector,
                "province": province,
                "period": bucket,
            },
            people,
        )


def _labels(dimensions, row_totals, column_totals, rows, columns, grain, periods):
    present = {rows: set(row_totals)}
    if columns:
        present[columns] = set(column_totals)
    labels: dict[str, list[tuple[object, str]]] = {}
    for dimension in dimensions:
        keys = present[dimension]
        if dimension == "period":
            labels[dimension] = [(key, _period_label(key, grain)) for key in periods]
            continue
        model = {"organisation": Organisation, "sector": Sector, "province": Area}[dimension]
        names = {record.pk: record.name for record in model.objects.filter(pk__in=keys)}
        items = sorted(
            ((key, names[key]) for key in keys if key in names),
            key=lambda item: normalise(item[1]),
        )
        if None in keys:
            items.append((None, _("not given")))
        labels[dimension] = items
    return labels


# --- Gap analysis ----------------------------------------------------------------------------


@dataclass
class GapRow:
    commune: Area
    cells: list[tuple[int, int]]
    sectors_covered: int

    def cells_html(self) -> str:
        """The row's cells as table data, built here rather than by a template loop: a matrix
        has thousands of cells, and the template engine took most of the page's time on them."""
        empty = format_html(
            '<td class="text-center gap-cell gap-empty table-danger"><span aria-hidden="true">'
            '—</span><span class="visually-hidden">{}</span></td>',
            _("no initiative"),
        )
        parts = []
        for count, people in self.cells:
            if not count:
                parts.append(empty)
            elif people:
                parts.append(
                    format_html(
                        '<td class="text-center gap-cell">{}<span class="d-block small '
                        'text-body-secondary">{}</span></td>',
                        localize(count),
                        localize(people),
                    )
                )
            else:
                parts.append(
                    format_html('<td class="text-center gap-cell">{}</td>', localize(count))
                )
        return mark_safe("".join(parts))  # noqa: S308 - each part is built by format_html


@dataclass
class GapMatrix:
    sectors: list[Sector]
    provinces: list[tuple[Area | None, list[GapRow]]]
    cells: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def communes(self) -> int:
        return sum(len(rows) for _province, rows in self.provinces)

    @property
    def empty_cells(self) -> int:
        return sum(
            1 for _p, rows in self.provinces for row in rows for count, _n in row.cells if not count
        )


def gap_cells_sql(chosen: QuerySet, *, start=None, end=None, province=None) -> tuple[str, list]:
    """The exact query: active initiatives and people reached per commune × sector, grouped once.

    ``chosen`` gives ``(id, sector_id, …)`` of the initiatives to count (already restricted to
    what the user may see and to the active ones); it is joined once in each branch, so that
    PostgreSQL hashes it once and scans the reach reports once. Reach reports are counted in
    the months of [start, end]; with a province, only its communes' cells are computed (the
    matrix shows no other). The statement runs on SQLite, PostgreSQL and DuckDB alike.
    """
    chosen_sql, chosen_params = chosen.query.get_compiler(using=chosen.db).as_sql()
    links = Initiative.communes.through._meta.db_table
    reports = ReachReport._meta.db_table
    periods = ReachReport._meta.get_field("period").related_model._meta.db_table
    # Table names come from the models; every value is a parameter.
    in_province = f"SELECT id FROM {Area._meta.db_table} WHERE parent_id = %s"  # noqa: S608
    months, month_params = [], []
    if start:
        months.append("month >= %s")
        month_params.append(start.replace(day=1))
    if end:
        months.append("month <= %s")
        month_params.append(end)
    link_where, link_params, report_where, report_params = "", [], [], []
    if months:
        in_months = f"SELECT id FROM {periods} WHERE {' AND '.join(months)}"  # noqa: S608
        report_where.append(f"r.period_id IN ({in_months})")
        report_params += month_params
    if province:
        link_where, link_params = f" WHERE l.area_id IN ({in_province})", [province]
        report_where.append(f"r.commune_id IN ({in_province})")
        report_params.append(province)
    in_reports = f" WHERE {' AND '.join(report_where)}" if report_where else ""
    sql = (
        "SELECT commune_id, sector_id, SUM(initiatives), SUM(people) FROM ("  # noqa: S608
        " SELECT l.area_id AS commune_id, c.sector_id AS sector_id,"
        " COUNT(*) AS initiatives, 0 AS people"
        f" FROM {links} l JOIN ({chosen_sql}) c ON c.id = l.initiative_id{link_where}"
        " GROUP BY l.area_id, c.sector_id"
        " UNION ALL"
        " SELECT r.commune_id, c.sector_id, 0, SUM(r.women + r.men + r.girls + r.boys)"
        f" FROM {reports} r JOIN ({chosen_sql}) c ON c.id = r.initiative_id{in_reports}"
        " GROUP BY r.commune_id, c.sector_id"
        ") cells GROUP BY commune_id, sector_id"
    )
    return sql, [*chosen_params, *link_params, *chosen_params, *report_params]


def gap_initiatives(*, user, filters: dict) -> QuerySet:
    """``(id, sector_id, visibility)`` of the active initiatives the gap matrix counts."""
    return (
        _active(_visible_initiatives(user, filters), filters)
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .values("id", "sector_id", "visibility")
    )


def _pk(value):
    return getattr(value, "pk", value) or None


def _seen_whole(user) -> str | None:
    """Which rows of the roll-up ``user`` sees whole, by the rule of
    ``selectors.visible_initiatives``: coordinators all of them, any other signed-in user those of
    initiatives shared with every organisation (the rest of what they see is added one by one)."""
    if not user.is_authenticated:
        return None
    return "all" if is_coordinator(user) else "shared"


def _rollup_answers(filters: dict) -> bool:
    """The roll-up has no organisation, text or single-commune dimension."""
    q = filters.get("q")
    return not (filters.get("organisation") or filters.get("commune") or (q and str(q).strip()))


def gap_cells_query(*, user, filters: dict) -> tuple[str, list]:
    """The gap matrix's one grouped query: through the roll-up of reach
    (madina/initiatives/rollup.py) when it is up to date and has the filters' dimensions, else
    the exact query over the reach reports. Both give the same figures."""
    chosen = gap_initiatives(user=user, filters=filters)
    start, end, province = filters.get("start"), filters.get("end"), _pk(filters.get("province"))
    seen_whole = _seen_whole(user)
    if seen_whole and _rollup_answers(filters) and rollup.readable():
        # The statuses of ``_active``.
        statuses, excluded = [Initiative.Status.ONGOING.value], None
        if filters.get("status"):
            statuses = [filters["status"]]
        elif start or end:
            statuses, excluded = [], Initiative.Status.CANCELLED.value
        return rollup.cells_sql(
            chosen,
            seen_whole=seen_whole,
            statuses=statuses,
            excluded_status=excluded,
            target_group=_pk(filters.get("target_group")),
            sector=_pk(filters.get("sector")),
            province=province,
            start=start,
            end=end,
        )
    return gap_cells_sql(chosen, start=start, end=end, province=province)


def gap_matrix(*, user, filters: dict) -> GapMatrix:
    """Commune × sector: active initiatives and people reached, with every empty cell kept.

    Rows are every current commune (of the chosen province), grouped by province; columns are
    the active programmes (or the chosen sector). Four queries: whether the roll-up of reach is
    up to date, the grouped cells, the communes, the sectors.
    """
    sql, params = gap_cells_query(user=user, filters=filters)
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for commune, sector, initiatives, people in cursor.fetchall():
            cells[commune, sector] = (int(initiatives or 0), int(people or 0))
    communes = Area.objects.current().communes().select_related("parent")
    if province := filters.get("province"):
        communes = communes.filter(parent=province)
    if sector := filters.get("sector"):
        sectors = [sector]
    else:
        used = {sector for _commune, sector in cells}
        sectors = list(
            Sector.objects.filter(
                Q(is_active=True, parent__isnull=True) & ~Q(kind=Sector.Kind.SUBSECTOR)
                | Q(pk__in=used)
            ).order_by("code")
        )
    groups: dict[int | None, list[GapRow]] = defaultdict(list)
    provinces: dict[int | None, Area | None] = {}
    for commune in communes:
        row = [cells.get((commune.pk, sector.pk), (0, 0)) for sector in sectors]
        covered = sum(1 for count, _people in row if count)
        groups[commune.parent_id].append(GapRow(commune, row, covered))
        provinces[commune.parent_id] = commune.parent
    ordered = sorted(
        groups,
        key=lambda pk: (
            provinces[pk] is None,
            normalise(provinces[pk].name) if provinces[pk] else "",
        ),
    )
    return GapMatrix(
        sectors=sectors,
        provinces=[
            (provinces[pk], sorted(groups[pk], key=lambda row: normalise(row.commune.name)))
            for pk in ordered
        ],
        cells=cells,
    )


def gap_map_data(matrix: GapMatrix) -> list[dict]:
    """The communes of the matrix with a position, coloured by the number of sectors covered."""
    points = []
    total = len(matrix.sectors)
    for _province, rows in matrix.provinces:
        for row in rows:
            commune = row.commune
            if commune.latitude is None or commune.longitude is None:
                continue
            people = sum(people for _count, people in row.cells)
            points.append(
                {
                    "name": commune.name,
                    "lat": float(commune.latitude),
                    "lng": float(commune.longitude),
                    "covered": row.sectors_covered,
                    "level": coverage_level(row.sectors_covered, total),
                    "summary": _gap_summary(row.sectors_covered, total, people),
                }
            )
    return points


def coverage_level(covered: int, total: int) -> int:
    """0 none, 1 one sector, 2 up to half the sectors, 3 more than half."""
    if covered == 0:
        return 0
    if covered == 1:
        return 1
    return 2 if covered <= math.ceil(total / 2) else 3


def _gap_summary(covered: int, total: int, people: int) -> str:
    sectors = ngettext(
        "%(covered)s of %(total)s sector covered", "%(covered)s of %(total)s sectors covered", total
    ) % {"covered": _number(covered), "total": _number(total)}
    reached = ngettext("%(count)s person reached", "%(count)s people reached", people) % {
        "count": _number(people)
    }
    return f"{sectors} · {reached}"


def initiative_counts(*, user, filters: dict) -> dict:
    """How many initiatives the figures cover (shown above the map and the matrix)."""
    return _active(_visible_initiatives(user, filters), filters).aggregate(
        initiatives=Count("pk", distinct=True)
    )
