"""The statistics page: incidents with consent to statistics, by GBVIMS type and one dimension.

Counting and suppression are ``selectors.statistics``'s; this page only names the rows and the
columns, and offers the same suppressed table as a spreadsheet.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from madina.cases import selectors
from madina.cases.forms_referrals import DIMENSION_LABELS, StatisticsForm
from madina.cases.models import AgeBand, Incident, Sex
from madina.cases.views.common import case_view
from madina.territory.models import Area

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUPPRESSED = "<5"


def _column_labels(dimension: str, columns: list) -> list[str]:
    if dimension in {"province", "commune"}:
        areas = Area.objects.in_bulk([c for c in columns if c is not None])
        return [areas[c].name if c in areas else _("not recorded") for c in columns]
    if dimension == "month":
        return [
            date_format(dt.date(int(c[:4]), int(c[5:7]), 1), "YEAR_MONTH_FORMAT") for c in columns
        ]
    choices = dict(AgeBand.choices if dimension == "age_band" else Sex.choices)
    return [str(choices.get(c, c)) for c in columns]


def _note() -> str:
    return _(
        "Cells under 5 are hidden (<5), and only incidents with consent to statistics are "
        "counted; nothing is broken down below the commune."
    )


def _workbook(table: dict, labels: list[str]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Incidents"))[:31]
    sheet.append([str(_("Type of incident")), *labels, str(_("Total"))])

    def cell(value):
        return SUPPRESSED if value is None else value

    for row in table["rows"]:
        sheet.append([row["label"], *map(cell, row["cells"]), cell(row["total"])])
    sheet.append([str(_("Total")), *map(cell, table["column_totals"]), cell(table["total"])])
    sheet.append([])
    sheet.append([_note()])
    return workbook


@case_view
def statistics(request):
    if not selectors.may_see_statistics(request.user):
        raise Http404
    form = StatisticsForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    dimension = data.get("dimension") or "month"
    table = selectors.statistics(
        request.user,
        dimension=dimension,
        start=data.get("start"),
        end=data.get("end"),
        province=data.get("province"),
    )
    types = dict(Incident.Type.choices)
    for row in table["rows"]:
        row["label"] = str(types.get(row["type"], row["type"]))
    labels = _column_labels(dimension, table["columns"])
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="incidents-{dimension}.xlsx"'
        _workbook(table, labels).save(response)
        return response
    return render(
        request,
        "cases/statistics.html",
        {
            "form": form,
            "table": table,
            "labels": labels,
            "dimension_label": DIMENSION_LABELS[dimension],
            "note": _note(),
        },
    )
