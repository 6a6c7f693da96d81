"""The figures of an edition, built once for the dashboard, the PDF report and the spreadsheet.

``edition_report`` reads the stored values (``IndicatorValue``, precomputed by
``compute.compute_edition``): it never counts records, so its cost does not grow with them. It
runs a fixed number of queries whatever the size of the framework. The value a report shows is
``compute.reported_value``'s rule, applied to every value at once: a computed value, or a value
typed by hand once approved; anything else is missing (None).

Charts are server-side SVG (no JavaScript; the pages' CSP forbids inline scripts and styles):
presentation attributes only, so the same markup goes into the HTML page and the PDF. In a
right-to-left language the bars grow from the right and the periods run from right to left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from madina.cases.models import AgeBand
from madina.outreach.models import Participant, PopulationGroup
from madina.results.compute import periods
from madina.results.models import Edition, Indicator, IndicatorValue, NarrativeSection, Result
from madina.results.sources import MANUAL, SOURCES
from madina.territory.models import Area

SUPPRESSED = "<5"
HUNDRED = Decimal(100)
# Colours of the charts (attributes, not CSS): the platform's primary blue and a grey track.
BAR = "#0d6efd"
BAR_DONE = "#198754"
TRACK = "#e9ecef"
INK = "#212529"


@dataclass
class Period:
    start: dt.date
    end: dt.date
    label: str  # "01/01/2025 – 31/03/2025"
    short: str  # "01/2025", under a bar of the chart


@dataclass
class IndicatorRow:
    pk: int
    code: str
    title: str
    unit: str
    unit_label: str
    source_label: str
    is_manual: bool
    baseline: Decimal
    target: Decimal
    values: list[Decimal | None]  # one per reporting period (missing: None)
    total: Decimal | None  # the whole edition
    progress: Decimal | None  # total as a percentage of the target
    # [(label, count or None for a suppressed cell)]
    by_sex: list[tuple[str, int | None]] = field(default_factory=list)
    by_age: list[tuple[str, int | None]] = field(default_factory=list)
    by_group: list[tuple[str, int | None]] = field(default_factory=list)
    # {commune id: count or None}
    by_commune: dict[int, int | None] = field(default_factory=dict)
    suppressed: bool = False  # the whole value is a small cell (confidential sources)
    bar: SafeString = mark_safe("")  # noqa: S308 -- empty.

    @property
    def cells(self) -> list[str]:
        return [figure(value, self.unit) for value in self.values]

    @property
    def total_display(self) -> str:
        return figure(self.total, self.unit)

    @property
    def progress_display(self) -> str:
        return "" if self.progress is None else f"{self.progress:.0f} %"

    @property
    def baseline_display(self) -> str:
        return figure(self.baseline, self.unit)

    @property
    def target_display(self) -> str:
        return figure(self.target, self.unit)


@dataclass
class ResultNode:
    pk: int
    level: str  # "outcome" or "output"
    level_label: str
    code: str
    title: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    outputs: list[ResultNode] = field(default_factory=list)


@dataclass
class Row:
    """One line of the framework table: an outcome, an output or an indicator."""

    kind: str  # "outcome", "output", "indicator"
    code: str
    title: str
    indicator: IndicatorRow | None = None


@dataclass
class CommuneTable:
    indicators: list[IndicatorRow]
    # [(commune name, [count or None per indicator])]
    rows: list[tuple[str, list[int | None]]]


@dataclass
class Section:
    title: str
    body: str


@dataclass
class EditionReport:
    edition: Edition
    language: str
    rtl: bool
    project: str
    lead_organisation: str
    donors: list[str]
    starts_on: dt.date
    ends_on: dt.date
    period_label: str
    reporting_period: str
    territory: list[str]
    periods: list[Period]
    outcomes: list[ResultNode]
    rows: list[Row]
    indicators: list[IndicatorRow]
    communes: CommuneTable
    sections: list[Section]
    computed_at: dt.datetime | None


def figure(value: Decimal | int | None, unit: str = Indicator.Unit.NUMBER) -> str:
    """A value as a report prints it: whole numbers without decimals, "–" when missing."""
    if value is None:
        return "–"
    value = Decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    text = text.replace(",", "\u202f")  # a narrow no-break space between thousands
    return f"{text} %" if unit == Indicator.Unit.PERCENT else text


def cell(value: int | None) -> str:
    """A count of a breakdown: "<5" for a suppressed small cell."""
    return SUPPRESSED if value is None else figure(value)


def _progress(total: Decimal | None, target: Decimal) -> Decimal | None:
    if total is None or not target:
        return None
    return (total * HUNDRED / target).quantize(Decimal("0.1"))


def _period_objects(edition: Edition) -> list[Period]:
    return [
        Period(
            start,
            end,
            f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}",
            f"{start.month:02d}/{start.year}",
        )
        for start, end in periods(edition)
    ]


def _shown(indicator: Indicator, value: IndicatorValue | None) -> IndicatorValue | None:
    """compute.reported_value's rule: a manual value counts once approved."""
    if value is None:
        return None
    if indicator.source == MANUAL and value.state != IndicatorValue.State.APPROVED:
        return None
    return value


def _labelled(breakdown: dict | None, choices) -> list[tuple[str, int | None]]:
    """The breakdown's cells in the order of ``choices``, each with its translated label."""
    breakdown = breakdown or {}
    return [(str(label), breakdown[key]) for key, label in choices if key in breakdown]


def _sex_rows(breakdown: dict) -> list[tuple[str, int | None]]:
    return _labelled(breakdown, Participant.Sex.choices)


def _age_rows(breakdown: dict) -> list[tuple[str, int | None]]:
    return _labelled(breakdown, AgeBand.choices)


def _group_rows(breakdown: dict) -> list[tuple[str, int | None]]:
    choices = [
        (key, _("not said or not counted") if key == PopulationGroup.NOT_SAID else label)
        for key, label in PopulationGroup.choices
    ]
    return _labelled(breakdown, choices)


def _communes(breakdown: dict) -> dict[int, int | None]:
    result = {}
    for key, count in (breakdown or {}).items():
        try:
            result[int(key)] = count
        except (TypeError, ValueError):
            continue
    return result


def edition_report(edition: Edition, language: str, *, outcome: int | None = None) -> EditionReport:
    """Every figure of ``edition`` in ``language``; ``outcome`` keeps one outcome's branch."""
    with translation.override(language):
        return _build(edition, language, outcome)


def _build(edition: Edition, language: str, outcome_pk: int | None) -> EditionReport:
    rtl = translation.get_language_bidi()
    edition = Edition.objects.select_related("project__organisation").get(pk=edition.pk)
    project = edition.project
    edition_periods = _period_objects(edition)
    spans = [(period.start, period.end) for period in edition_periods]
    results = list(Result.objects.filter(edition=edition).order_by("code", "pk"))
    indicators = list(Indicator.objects.filter(result__edition=edition).order_by("code", "pk"))
    stored: dict[tuple[int, dt.date, dt.date], IndicatorValue] = {
        (value.indicator_id, value.period_start, value.period_end): value
        for value in IndicatorValue.objects.filter(indicator__result__edition=edition).only(
            "indicator_id", "period_start", "period_end", "value", "breakdown", "state"
        )
    }
    units = dict(Indicator.Unit.choices)
    rows_by_result: dict[int, list[IndicatorRow]] = {}
    for indicator in indicators:
        values = [_shown(indicator, stored.get((indicator.pk, start, end))) for start, end in spans]
        total = _shown(indicator, stored.get((indicator.pk, edition.starts_on, edition.ends_on)))
        breakdown = total.breakdown if total is not None else {}
        source = SOURCES.get(indicator.source)
        asked = set(indicator.disaggregation or [])
        row = IndicatorRow(
            pk=indicator.pk,
            code=indicator.code,
            title=indicator.title,
            unit=indicator.unit,
            unit_label=str(units.get(indicator.unit, indicator.unit)),
            source_label=str(source.label) if source else _("entered by hand, with evidence"),
            is_manual=indicator.is_manual,
            baseline=indicator.baseline,
            target=indicator.target,
            values=[value.value if value is not None else None for value in values],
            total=total.value if total is not None else None,
            progress=_progress(total.value if total is not None else None, indicator.target),
            # The breakdowns the indicator asks for (its source's records hold them).
            by_sex=_sex_rows(breakdown.get("sex")) if "sex" in asked else [],
            by_age=_age_rows(breakdown.get("age_band")) if "age_band" in asked else [],
            by_group=_group_rows(breakdown.get("group")) if "group" in asked else [],
            by_commune=_communes(breakdown.get("commune")),
            suppressed=bool(breakdown.get("suppressed")),
        )
        row.bar = progress_bar(row, rtl=rtl)
        rows_by_result.setdefault(indicator.result_id, []).append(row)

    levels = dict(Result.Level.choices)
    nodes = {
        result.pk: ResultNode(
            result.pk,
            result.level,
            str(levels.get(result.level, result.level)),
            result.code,
            result.title,
            rows_by_result.get(result.pk, []),
        )
        for result in results
    }
    outcomes = []
    for result in results:
        if result.parent_id is None:
            outcomes.append(nodes[result.pk])
        elif result.parent_id in nodes:
            nodes[result.parent_id].outputs.append(nodes[result.pk])
    if outcome_pk is not None:
        outcomes = [node for node in outcomes if node.pk == outcome_pk]

    table: list[Row] = []
    shown_indicators: list[IndicatorRow] = []
    for node in outcomes:
        table.append(Row("outcome", node.code, node.title))
        for row in node.indicators:
            table.append(Row("indicator", row.code, row.title, row))
            shown_indicators.append(row)
        for output in node.outputs:
            table.append(Row("output", output.code, output.title))
            for row in output.indicators:
                table.append(Row("indicator", row.code, row.title, row))
                shown_indicators.append(row)

    areas = list(edition.areas.order_by("name_fr"))
    return EditionReport(
        edition=edition,
        language=language,
        rtl=rtl,
        project=project.name,
        lead_organisation=project.organisation.name,
        donors=[donor.name for donor in project.donors.all()],
        starts_on=edition.starts_on,
        ends_on=edition.ends_on,
        period_label=(
            f"{date_format(edition.starts_on, 'DATE_FORMAT')} – "
            f"{date_format(edition.ends_on, 'DATE_FORMAT')}"
        ),
        reporting_period=str(dict(Edition.Period.choices)[edition.reporting_period]),
        territory=[area.name for area in areas],
        periods=edition_periods,
        outcomes=outcomes,
        rows=table,
        indicators=shown_indicators,
        communes=_commune_table(shown_indicators),
        sections=[
            Section(section.title, section.body)
            for section in NarrativeSection.objects.filter(edition=edition)
        ],
        computed_at=edition.computed_at,
    )


def _commune_table(indicators: list[IndicatorRow]) -> CommuneTable:
    broken_down = [row for row in indicators if row.by_commune]
    commune_ids = sorted({pk for row in broken_down for pk in row.by_commune})
    names = {
        area.pk: area.name
        for area in Area.objects.filter(pk__in=commune_ids).only(
            "pk", "name_ar", "name_fr", "name_en"
        )
    }
    rows = [
        (names.get(pk, str(pk)), [row.by_commune.get(pk, 0) for row in broken_down])
        for pk in commune_ids
    ]
    rows.sort(key=lambda item: item[0])
    return CommuneTable(broken_down, rows)


def commune_map(row: IndicatorRow | None) -> list[dict]:
    """The points of the dashboard's map: one per commune of ``row``'s breakdown, in one query.

    Every commune of the stored breakdown is listed (``lat``/``lng`` None when the area has no
    coordinates: the map leaves it out, the table by commune still shows it); a suppressed small
    cell has ``value`` None and the label "<5". Counts only, never a record.
    """
    if row is None or not row.by_commune:
        return []
    areas = Area.objects.only(
        "pk", "name_ar", "name_fr", "name_en", "latitude", "longitude"
    ).in_bulk(list(row.by_commune))
    points = []
    for pk, value in row.by_commune.items():
        area = areas.get(pk)
        known = area is not None and area.latitude is not None and area.longitude is not None
        points.append(
            {
                "id": pk,
                "name": area.name if area is not None else str(pk),
                "lat": float(area.latitude) if known else None,
                "lng": float(area.longitude) if known else None,
                "value": value,
                "label": cell(value),
            }
        )
    points.sort(key=lambda point: point["name"])
    return points


# -- charts ------------------------------------------------------------------------------------


def progress_bar(row: IndicatorRow, *, rtl: bool) -> SafeString:
    """A horizontal bar: the total against the target (full width = the target)."""
    width, height = 200, 14
    share = min(row.progress or Decimal(0), HUNDRED)
    filled = float(share) * width / 100
    x = width - filled if rtl else 0
    label = _("%(value)s of a target of %(target)s (%(progress)s)") % {
        "value": row.total_display,
        "target": row.target_display,
        "progress": row.progress_display or "–",
    }
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="results-bar" viewBox="0 0 {w} {h}" '
        'width="100%" height="{h}" preserveAspectRatio="none" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<rect x="0" y="0" width="{w}" height="{h}" rx="3" fill="{track}"/>'
        '<rect x="{x}" y="0" width="{filled}" height="{h}" rx="3" fill="{colour}"/>'
        "</svg>",
        w=width,
        h=height,
        label=label,
        track=TRACK,
        x=f"{x:.1f}",
        filled=f"{filled:.1f}",
        colour=BAR_DONE if share >= HUNDRED else BAR,
    )


def period_chart(row: IndicatorRow, edition_periods: list[Period], *, rtl: bool) -> SafeString:
    """Vertical bars, one per reporting period, the value above each bar, the period under it."""
    count = max(len(edition_periods), 1)
    slot, chart, top, bottom = 60, 120, 18, 20
    width, height = slot * count, top + chart + bottom
    known = [value for value in row.values if value is not None]
    highest = max([*known, Decimal(0)])
    parts = []
    for index, (period, value) in enumerate(zip(edition_periods, row.values, strict=False)):
        position = count - 1 - index if rtl else index
        middle = position * slot + slot / 2
        size = float(value) * chart / float(highest) if value and highest else 0
        parts.append(
            (
                f"{middle - slot * 0.3:.1f}",
                f"{top + chart - size:.1f}",
                f"{slot * 0.6:.1f}",
                f"{size:.1f}",
                BAR,
                f"{middle:.1f}",
                f"{top + chart - size - 4:.1f}",
                INK,
                figure(value, row.unit),
                f"{middle:.1f}",
                height - 5,
                period.short,
            )
        )
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
        parts,
    )
    label = _("%(indicator)s by reporting period") % {"indicator": f"{row.code} {row.title}"}
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="results-chart" viewBox="0 0 {w} {h}" '
        'width="100%" role="img" aria-label="{label}"><title>{label}</title>'
        '<line x1="0" y1="{base}" x2="{w}" y2="{base}" stroke="{ink}" stroke-width="1"/>'
        "{bars}</svg>",
        w=width,
        h=height,
        base=top + chart,
        ink=INK,
        label=label,
        bars=bars,
    )
