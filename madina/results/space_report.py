"""The dashboard of a coordination space: its member organisations' activity, month by month.

Unlike an edition's dashboard, which reads stored indicator values, a space's figures are
counted live from the records, but with aggregate queries only (``GROUP BY`` month or commune,
or one conditional count per month): the database adds up, Python never walks the records, and
the page runs the same number of queries for 10 records or 100,000.

What counts (issue 6, decision 24):

- the member organisations are those whose seat in the space overlaps the period;
- their awareness sessions (and pupils reached, girls and boys), trainings (and people trained),
  advocacy actions and mobilisation events held in the period;
- the initiatives they lead running in a month (among those the reader may see, as in the
  alignment view);
- the space's own meetings held and recommendations marked implemented.

A commune filter keeps the records of that commune; trainings, actions and meetings without a
commune (held online) count everywhere, as in the results framework. Counts of pupils from 1 to
4 are small cells, shown "<5". No name of a person or of a record is ever shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from madina.results import report as reports
from madina.results.sources import SMALL_CELL
from madina.territory.models import Area

MAX_MONTHS = 36
DEFAULT_MONTHS = 12

# The series of the dashboard, in the order of the table; those counting pupils are small-cell
# protected.
SERIES = (
    "sessions",
    "pupils",
    "girls",
    "boys",
    "trainings",
    "people_trained",
    "advocacy",
    "mobilisation",
    "initiatives",
    "meetings",
    "recommendations",
)
PUPILS = {"pupils", "girls", "boys"}


def series_labels() -> dict[str, str]:
    return {
        "sessions": _("Awareness sessions"),
        "pupils": _("Pupils reached"),
        "girls": _("Girls reached"),
        "boys": _("Boys reached"),
        "trainings": _("Trainings"),
        "people_trained": _("People trained"),
        "advocacy": _("Advocacy actions"),
        "mobilisation": _("Mobilisation events"),
        "initiatives": _("Initiatives running (led by a member)"),
        "meetings": _("Meetings of the space held"),
        "recommendations": _("Recommendations of the space implemented"),
    }


@dataclass
class Series:
    code: str
    label: str
    values: list[int | None]  # one per month; None: a suppressed small cell
    total: int | None

    @property
    def cells(self) -> list[str]:
        return [reports.cell(value) for value in self.values]

    @property
    def total_display(self) -> str:
        return reports.cell(self.total)


@dataclass
class CommuneLine:
    pk: int | None
    name: str
    sessions: int
    pupils: int | None
    girls: int | None
    boys: int | None


@dataclass
class SpaceReport:
    months: list[reports.Period]
    members: int  # member organisations over the period
    series: list[Series]
    communes: list[CommuneLine] = field(default_factory=list)

    def get(self, code: str) -> Series:
        return next(line for line in self.series if line.code == code)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, count: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_span(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """First days of the first and last months shown: the last 12 months by default."""
    end = first_of_month(end) if end else first_of_month(timezone.localdate())
    start = first_of_month(start) if start else add_months(end, 1 - DEFAULT_MONTHS)
    if end < start:
        start, end = end, start
    if months_between(start, end) > MAX_MONTHS:
        start = add_months(end, 1 - MAX_MONTHS)
    return start, end


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _small(value: int) -> int | None:
    return None if 0 < value < SMALL_CELL else value


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _localised_area(pk, name_ar, name_fr, name_en) -> str:
    if pk is None:
        return _("No commune")
    return Area(name_ar=name_ar or "", name_fr=name_fr or "", name_en=name_en or "").name


def space_report(space, user, *, start: dt.date, end: dt.date, commune: Area | None = None):
    """Every figure of ``space`` from the month of ``start`` to the month of ``end``.

    A fixed number of queries (nine at most) whatever the number of records.
    """
    from madina.coordination.models import SpaceMember
    from madina.initiatives.models import Initiative
    from madina.initiatives.selectors import visible_initiatives
    from madina.meetings.models import Meeting, Recommendation, RecommendationUpdate
    from madina.outreach.models import AdvocacyAction, AwarenessSession, Training

    first, last = month_span(start, end)
    months = [add_months(first, index) for index in range(months_between(first, last))]
    period_end = add_months(last, 1) - dt.timedelta(days=1)
    bounds = [(month, add_months(month, 1) - dt.timedelta(days=1)) for month in months]
    position = {month: index for index, month in enumerate(months)}

    seats = SpaceMember.objects.filter(space=space, start_date__lte=period_end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    member_ids = seats.values("organisation_id")
    members = seats.values("organisation_id").distinct().count()

    def monthly(rows, name) -> list[int]:
        values = [0] * len(months)
        for row in rows:
            index = position.get(_month(row["month"]))
            if index is not None:
                values[index] += row[name] or 0
        return values

    # Awareness sessions and pupils: by month, and by commune.
    sessions = AwarenessSession.objects.filter(
        organisation_id__in=member_ids, held_on__range=(first, period_end)
    )
    if commune is not None:
        sessions = sessions.filter(school__commune=commune)
    by_month = list(
        sessions.annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(sessions=Count("pk"), girls=Sum("girls"), boys=Sum("boys"))
        .order_by()
    )
    by_commune = (
        sessions.values(
            "school__commune_id",
            "school__commune__name_ar",
            "school__commune__name_fr",
            "school__commune__name_en",
        )
        .annotate(sessions=Count("pk"), girls=Sum("girls"), boys=Sum("boys"))
        .order_by()
    )

    # Trainings and the people trained, by the month of their first day.
    trainings = Training.objects.filter(
        organisation_id__in=member_ids, starts_on__range=(first, period_end)
    )
    if commune is not None:
        trainings = trainings.filter(Q(commune=commune) | Q(commune__isnull=True))
    training_rows = list(
        trainings.annotate(month=TruncMonth("starts_on"))
        .values("month")
        .annotate(trainings=Count("pk", distinct=True), people=Count("participants"))
        .order_by()
    )

    # Advocacy actions and mobilisation events.
    actions = AdvocacyAction.objects.filter(
        organisation_id__in=member_ids, held_on__range=(first, period_end)
    )
    if commune is not None:
        actions = actions.filter(Q(commune=commune) | Q(commune__isnull=True))
    action_rows = list(
        actions.annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(
            advocacy=Count("pk", filter=Q(kind=AdvocacyAction.Kind.ADVOCACY)),
            mobilisation=Count("pk", filter=Q(kind=AdvocacyAction.Kind.MOBILISATION)),
        )
        .order_by()
    )

    # Initiatives led by a member, running in each month: one conditional count per month.
    initiatives = visible_initiatives(user).filter(lead_organisation_id__in=member_ids)
    if commune is not None:
        initiatives = initiatives.filter(
            pk__in=Initiative.objects.filter(communes=commune).values("pk")
        )

    def running(month_start, month_end) -> Q:
        return Q(Q(start_date__isnull=True) | Q(start_date__lte=month_end)) & Q(
            Q(end_date__isnull=True) | Q(end_date__gte=month_start)
        )

    running_counts = initiatives.aggregate(
        total=Count("pk", distinct=True, filter=running(first, period_end)),
        **{
            f"m{index}": Count("pk", distinct=True, filter=running(*span))
            for index, span in enumerate(bounds)
        },
    )

    # The space's meetings held.
    meetings = Meeting.objects.filter(
        space=space, status=Meeting.Status.HELD, starts_at__date__range=(first, period_end)
    )
    if commune is not None:
        meetings = meetings.filter(Q(commune=commune) | Q(commune__isnull=True))
    meeting_rows = list(
        meetings.annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by()
    )

    # The space's recommendations marked implemented, by the date of that update.
    updates = RecommendationUpdate.objects.filter(
        recommendation__meeting__space=space,
        state_after=Recommendation.State.IMPLEMENTED,
        on__range=(first, period_end),
    )
    if commune is not None:
        updates = updates.filter(
            Q(recommendation__meeting__commune=commune)
            | Q(recommendation__meeting__commune__isnull=True)
        )
    implemented = updates.aggregate(
        total=Count("recommendation", distinct=True),
        **{
            f"m{index}": Count("recommendation", distinct=True, filter=Q(on__range=span))
            for index, span in enumerate(bounds)
        },
    )

    girls = monthly(by_month, "girls")
    boys = monthly(by_month, "boys")
    counted = {
        "sessions": monthly(by_month, "sessions"),
        "pupils": [a + b for a, b in zip(girls, boys, strict=True)],
        "girls": girls,
        "boys": boys,
        "trainings": monthly(training_rows, "trainings"),
        "people_trained": monthly(training_rows, "people"),
        "advocacy": monthly(action_rows, "advocacy"),
        "mobilisation": monthly(action_rows, "mobilisation"),
        "initiatives": [running_counts[f"m{index}"] for index in range(len(months))],
        "meetings": monthly(meeting_rows, "meetings"),
        "recommendations": [implemented[f"m{index}"] for index in range(len(months))],
    }
    totals = {code: sum(values) for code, values in counted.items()}
    totals["initiatives"] = running_counts["total"]
    totals["recommendations"] = implemented["total"]
    labels = series_labels()
    series = []
    for code in SERIES:
        values, total = counted[code], totals[code]
        if code in PUPILS:
            values, total = [_small(value) for value in values], _small(total)
        series.append(Series(code, labels[code], values, total))

    lines = [
        CommuneLine(
            pk=row["school__commune_id"],
            name=_localised_area(
                row["school__commune_id"],
                row["school__commune__name_ar"],
                row["school__commune__name_fr"],
                row["school__commune__name_en"],
            ),
            sessions=row["sessions"],
            pupils=_small((row["girls"] or 0) + (row["boys"] or 0)),
            girls=_small(row["girls"] or 0),
            boys=_small(row["boys"] or 0),
        )
        for row in by_commune
    ]
    lines.sort(key=lambda line: line.name)
    return SpaceReport(
        months=[
            reports.Period(
                month,
                end_of_month,
                date_format(month, "YEAR_MONTH_FORMAT"),
                f"{month.month:02d}/{month.year}",
            )
            for month, end_of_month in bounds
        ],
        members=members,
        series=series,
        communes=lines,
    )


def trend_chart(line: Series, months: list[reports.Period]):
    """The month-by-month bars of one series, drawn by the edition report's chart."""
    row = reports.IndicatorRow(
        pk=0,
        code="",
        title=line.label,
        unit="number",
        unit_label="",
        source_label="",
        is_manual=False,
        baseline=Decimal(0),
        target=Decimal(0),
        values=[None if value is None else Decimal(value) for value in line.values],
        total=None,
        progress=None,
    )
    return reports.period_chart(row, months, rtl=translation.get_language_bidi())
