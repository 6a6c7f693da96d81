"""The dashboard of an edition, its donor report (PDF and XLSX), and the alignment view.

All three outputs of an edition read the same figures, built once by ``report.edition_report``
from the stored values: the pages never count records, so they cost the same at any data size.
Every signed-in user reads them (``results.view_edition``): they hold counts, never personal
data, and small cells stay hidden ("<5").
"""

from __future__ import annotations

import dataclasses
import logging
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from madina.actors.models import Sector
from madina.core.forms import BootstrapMixin
from madina.core.pdf import pdf_response, render_pdf
from madina.results import report as reports
from madina.results import space_report as space_reports
from madina.results.models import Edition, Indicator, ReportRender, Result
from madina.results.tasks import render_report_job
from madina.territory.models import Area

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _edition_for(request, pk: int) -> Edition:
    if not request.user.has_perm("results.view_edition"):
        raise PermissionDenied
    return get_object_or_404(Edition, pk=pk)


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


# -- dashboard ---------------------------------------------------------------------------------


class DashboardFilter(BootstrapMixin, forms.Form):
    outcome = forms.TypedChoiceField(
        label=gettext_lazy("outcome"), required=False, coerce=int, empty_value=None
    )
    start = forms.TypedChoiceField(
        label=gettext_lazy("from the period"), required=False, coerce=int, empty_value=None
    )
    end = forms.TypedChoiceField(
        label=gettext_lazy("to the period"), required=False, coerce=int, empty_value=None
    )
    indicator = forms.TypedChoiceField(
        label=gettext_lazy("trend of the indicator"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    map_indicator = forms.TypedChoiceField(
        label=gettext_lazy("map of the indicator"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, outcomes, periods, indicators, mapped=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("every outcome"))]
        self.fields["outcome"].choices = everything + [
            (node.pk, f"{node.code} {node.title}") for node in outcomes
        ]
        spans = [(index, period.label) for index, period in enumerate(periods)]
        self.fields["start"].choices = [("", _("first period")), *spans]
        self.fields["end"].choices = [("", _("last period")), *spans]
        self.fields["indicator"].choices = [("", _("first indicator"))] + [
            (row.pk, f"{row.code} {row.title}") for row in indicators
        ]
        self.fields["map_indicator"].choices = [("", _("first indicator by commune"))] + [
            (row.pk, f"{row.code} {row.title}") for row in mapped
        ]


@login_required
@require_GET
def dashboard(request, pk: int):
    """Progress against target, values by commune and by period, filtered; no personal data."""
    edition = _edition_for(request, pk)
    full = reports.edition_report(edition, _language())
    form = DashboardFilter(
        request.GET or None,
        outcomes=full.outcomes,
        periods=full.periods,
        indicators=full.indicators,
        mapped=full.communes.indicators,
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    data = full
    if chosen.get("outcome") is not None:
        data = reports.edition_report(edition, _language(), outcome=chosen["outcome"])
    first = chosen.get("start") or 0
    last = chosen.get("end")
    last = len(full.periods) - 1 if last is None else last
    if last < first:
        first, last = last, first
    shown_periods = full.periods[first : last + 1]
    trend_rows = [
        dataclasses.replace(row, values=row.values[first : last + 1]) for row in data.indicators
    ]
    trend = next((row for row in trend_rows if row.pk == chosen.get("indicator")), None)
    if trend is None and trend_rows:
        trend = trend_rows[0]
    # The map: one indicator broken down by commune, its communes as proportional circles.
    mapped = data.communes.indicators
    map_row = next((row for row in mapped if row.pk == chosen.get("map_indicator")), None)
    if map_row is None and mapped:
        map_row = mapped[0]
    map_points = reports.commune_map(map_row)
    return render(
        request,
        "results/dashboard.html",
        {
            "edition": edition,
            "report": data,
            "form": form,
            "periods": shown_periods,
            "trend_rows": trend_rows,
            "trend": trend,
            "trend_chart": (
                reports.period_chart(trend, shown_periods, rtl=data.rtl) if trend else ""
            ),
            "languages": [("ar", "العربية"), ("fr", "Français"), ("en", "English")],
            "map_row": map_row,
            "map_points": map_points,
            "map_drawn": any(point["lat"] is not None for point in map_points),
        },
    )


# -- dashboard of a coordination space -----------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"


class SpaceDashboardFilter(BootstrapMixin, forms.Form):
    start = forms.DateField(
        label=gettext_lazy("from the month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(format="%Y-%m", attrs={"dir": "ltr"}),
    )
    end = forms.DateField(
        label=gettext_lazy("to the month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(format="%Y-%m", attrs={"dir": "ltr"}),
    )
    commune = forms.ModelChoiceField(
        label=gettext_lazy("commune"), queryset=Area.objects.none(), required=False
    )
    series = forms.ChoiceField(label=gettext_lazy("trend of"), required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = _("every commune")
        self.fields["series"].choices = list(space_reports.series_labels().items())
        # Where the browser has no month picker, a hint of the format (e.g. "AAAA-MM").
        hint = pgettext("format of a month typed in a filter", "YYYY-MM")
        for name in ("start", "end"):
            self.fields[name].widget.attrs["placeholder"] = hint


def _space_communes(space):
    """The communes of the space's territory (a province or region counts its communes); every
    commune when the space names no territory."""
    territory = space.territory.values("pk")
    communes = Area.objects.communes()
    if space.territory.exists():
        communes = communes.filter(
            Q(pk__in=territory) | Q(parent__in=territory) | Q(parent__parent__in=territory)
        )
    return communes.order_by("name_fr").only("pk", "name_ar", "name_fr", "name_en")


@login_required
@require_GET
def space_dashboard(request, space_pk: int):
    """A coordination space's activity by month and by commune, counted live in aggregates.

    Whoever may see the space reads it (others get 404, as on the space's page); counts only,
    small cells of pupils hidden ("<5").
    """
    from madina.coordination.selectors import space_get_for_user

    space = space_get_for_user(request.user, space_pk)
    form = SpaceDashboardFilter(request.GET or None, communes=_space_communes(space))
    chosen = {}
    if form.is_bound:
        form.is_valid()
        chosen = form.cleaned_data
    start, end = space_reports.month_span(chosen.get("start"), chosen.get("end"))
    data = space_reports.space_report(
        space, request.user, start=start, end=end, commune=chosen.get("commune")
    )
    trend = data.get(chosen.get("series") or "sessions")
    return render(
        request,
        "results/space_dashboard.html",
        {
            "space": space,
            "form": form,
            "report": data,
            "commune": chosen.get("commune"),
            "first_month": data.months[0],
            "last_month": data.months[-1],
            "trend": trend,
            "trend_chart": space_reports.trend_chart(trend, data.months),
            "max_months": space_reports.MAX_MONTHS,
        },
    )


# -- donor report ------------------------------------------------------------------------------


BREAKDOWN_TABLES = (
    ("by_sex", gettext_lazy("By sex"), gettext_lazy("Sex")),
    ("by_age", gettext_lazy("By age band"), gettext_lazy("Age band")),
    ("by_group", gettext_lazy("By population group"), gettext_lazy("Population group")),
)


def breakdown_tables(data: reports.EditionReport) -> list[tuple[str, str, list]]:
    """(title, column, [(indicator row, [(label, count)])]) for each breakdown some indicator
    asks for: the PDF's and the spreadsheet's tables by sex, age band and population group."""
    tables = []
    for attribute, title, column in BREAKDOWN_TABLES:
        rows = [
            (row, getattr(row, attribute)) for row in data.indicators if getattr(row, attribute)
        ]
        if rows:
            tables.append((str(title), str(column), rows))
    return tables


def report_context(data: reports.EditionReport) -> dict:
    """What templates/results/pdf/report.html needs."""
    charts = [
        (row, reports.period_chart(row, data.periods, rtl=data.rtl))
        for row in data.indicators
        if any(value is not None for value in row.values)
    ]
    return {
        "title": _("Results report"),
        "report": data,
        "charts": charts,
        "breakdowns": breakdown_tables(data),
    }


def render_report_pdf(edition: Edition, language: str, progress=None) -> bytes:
    """The donor report as PDF bytes; ``progress(stage)`` is told each stage as it starts."""
    step = progress or (lambda stage: None)
    with translation.override(language):
        step("figures")
        data = reports.edition_report(edition, language)
        step("charts")
        context = report_context(data)
        return render_pdf("results/pdf/report.html", context, language=language, progress=step)


def run_report_render(render_id: int) -> int:
    """The job's work: render, store the file, record each stage; a failure is recorded too."""
    from madina.results.tasks import RENDER_STAGES

    job = ReportRender.objects.select_related("edition").filter(pk=render_id).first()
    if job is None or job.is_finished:
        return 0

    def progress(stage: str) -> None:
        job.progress = RENDER_STAGES.get(stage, job.progress)
        ReportRender.objects.filter(pk=job.pk).update(progress=job.progress)

    ReportRender.objects.filter(pk=job.pk).update(
        status=ReportRender.Status.RUNNING, started_at=timezone.now()
    )
    try:
        pdf = render_report_pdf(job.edition, job.language, progress)
        job.file.save(f"{job.edition_id}.pdf", ContentFile(pdf), save=False)
    except Exception:  # noqa: BLE001 — any failure leaves a failed job, never a stuck one
        logger.exception("The donor report of edition %s could not be rendered", job.edition_id)
        ReportRender.objects.filter(pk=job.pk).update(
            status=ReportRender.Status.FAILED, finished_at=timezone.now()
        )
        return 0
    ReportRender.objects.filter(pk=job.pk).update(
        status=ReportRender.Status.DONE,
        progress=100,
        file=job.file.name,
        size=len(pdf),
        finished_at=timezone.now(),
    )
    return len(pdf)


def _filename(edition: Edition, extension: str, language: str | None = None) -> str:
    language = language or _language()
    return get_valid_filename(f"results-report-{edition.pk}-{language}") + extension


@login_required
@require_POST
def report_pdf(request, pk: int):
    """Ask for the donor report in the reader's language: a background job renders it, and the
    page it leads to shows the progress, then the file."""
    edition = _edition_for(request, pk)
    job = ReportRender.objects.create(
        edition=edition, language=_language(), requested_by=request.user
    )
    transaction.on_commit(lambda: render_report_job(job.pk))
    return redirect(job)


def _render_for(request, pk: int) -> ReportRender:
    job = get_object_or_404(ReportRender.objects.select_related("edition"), pk=pk)
    _edition_for(request, job.edition_id)
    return job


@login_required
@require_GET
def report_render(request, pk: int):
    job = _render_for(request, pk)
    template = (
        "results/_report_render_status.html" if request.htmx else "results/report_render.html"
    )
    return render(request, template, {"job": job, "edition": job.edition})


@login_required
@require_GET
def report_render_file(request, pk: int):
    job = _render_for(request, pk)
    if job.status != ReportRender.Status.DONE or not job.file:
        raise Http404
    with job.file.open("rb") as handle:
        return pdf_response(handle.read(), _filename(job.edition, "", job.language))


def report_workbook(data: reports.EditionReport) -> Workbook:
    """The report's figures as a spreadsheet: the framework, the communes, the narrative."""
    workbook = Workbook()
    bold = Font(bold=True)
    levels = dict(Result.Level.choices)
    framework = workbook.active
    framework.title = _("Framework")[:31]
    framework.append(
        [
            _("Code"),
            _("Level"),
            _("Title"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            *[period.label for period in data.periods],
            _("Total"),
            _("Progress (%)"),
        ]
    )
    for row in data.rows:
        if row.indicator is None:
            framework.append([row.code, str(levels[row.kind]), row.title])
            for column in framework[framework.max_row]:
                column.font = bold
            continue
        line = row.indicator
        framework.append(
            [
                line.code,
                _("indicator"),
                line.title,
                line.unit_label,
                _number(line.baseline),
                _number(line.target),
                *[_number(value) for value in line.values],
                _number(line.total),
                _number(line.progress),
            ]
        )
    for column in framework[1]:
        column.font = bold

    communes = workbook.create_sheet(_("By commune")[:31])
    table = data.communes
    communes.append([_("Commune"), *[f"{row.code} {row.title}" for row in table.indicators]])
    for name, counts in table.rows:
        communes.append([name, *[_count(count) for count in counts]])
    for title, column, rows in breakdown_tables(data):
        communes.append([])
        communes.append([title, column])
        for row, cells in rows:
            for label, count in cells:
                communes.append([f"{row.code} {row.title}", label, _count(count)])
    communes.append([])
    communes.append([_("Cells under 5 are hidden (<5).")])

    narrative = workbook.create_sheet(_("Narrative")[:31])
    narrative.append([_("Section"), _("Text")])
    for section in data.sections:
        narrative.append([section.title, section.body])
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = data.rtl
        for column in sheet[1]:
            column.font = bold
    return workbook


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _count(value):
    return reports.SUPPRESSED if value is None else value


@login_required
@require_GET
def report_xlsx(request, pk: int):
    edition = _edition_for(request, pk)
    data = reports.edition_report(edition, _language())
    buffer = BytesIO()
    report_workbook(data).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, ".xlsx")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- alignment ---------------------------------------------------------------------------------

LISTED = 20  # indicators and actions named under each programme (the counts are complete)


@login_required
@require_GET
def alignment(request):
    """Initiatives, coordination actions and indicators by national-strategy programme.

    Programme actions have no sector of their own: an action counts under the programme of each
    initiative it is linked to. Only what the reader may see is counted.
    """
    if not request.user.has_perm("results.view_edition"):
        raise PermissionDenied
    from madina.coordination.models import ProgrammeItem
    from madina.coordination.programme_selectors import visible_items
    from madina.initiatives.selectors import visible_initiatives

    sectors = list(
        Sector.objects.filter(is_active=True).only(
            "pk", "parent_id", "code", "name_ar", "name_fr", "name_en"
        )
    )
    top = {sector.pk: sector for sector in sectors if sector.parent_id is None}
    programme_of = {
        sector.pk: sector.pk if sector.parent_id is None else sector.parent_id for sector in sectors
    }
    groups = {
        pk: {"sector": sector, "initiatives": 0, "actions": [], "indicators": []}
        for pk, sector in top.items()
    }
    initiatives = visible_initiatives(request.user)
    for row in initiatives.values("sector_id").annotate(count=Count("pk")).order_by():
        group = groups.get(programme_of.get(row["sector_id"]))
        if group is not None:
            group["initiatives"] += row["count"]
    actions = (
        visible_items(request.user)
        .filter(kind=ProgrammeItem.Kind.ACTION, initiatives__in=initiatives)
        .values("pk", "title", "code", "initiatives__sector_id")
        .distinct()
        .order_by("code", "pk")
    )
    seen: set[tuple[int, int]] = set()
    for row in actions:
        programme = programme_of.get(row["initiatives__sector_id"])
        if programme in groups and (programme, row["pk"]) not in seen:
            seen.add((programme, row["pk"]))
            groups[programme]["actions"].append(row)
    indicators = (
        Indicator.objects.filter(sector__isnull=False)
        .select_related("result__edition")
        .order_by("code", "pk")
    )
    for indicator in indicators:
        group = groups.get(programme_of.get(indicator.sector_id))
        if group is not None:
            group["indicators"].append(indicator)
    rows = sorted(groups.values(), key=lambda group: group["sector"].code)
    for group in rows:
        group["action_count"] = len(group["actions"])
        group["indicator_count"] = len(group["indicators"])
        group["actions"] = group["actions"][:LISTED]
        group["indicators"] = group["indicators"][:LISTED]
    return render(request, "results/alignment.html", {"rows": rows, "listed": LISTED})
