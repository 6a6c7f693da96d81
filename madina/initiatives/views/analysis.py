"""Analysis pages: the map of initiatives, the pivot table and the gap analysis (with XLSX).

madina/initiatives/urls.py gathers ``urlpatterns``. Every figure comes from
madina/initiatives/analysis.py, over what the signed-in user may see.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from madina.actors.models import Organisation, Sector
from madina.core.forms import EVERY, BootstrapMixin
from madina.initiatives import analysis, selectors
from madina.initiatives.models import Initiative, TargetGroup
from madina.territory.models import Area

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AnalysisFilterForm(BootstrapMixin, forms.Form):
    """The registry's filters (and the pivot's layout); each page keeps the fields it uses."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=EVERY["organisation"],
    )
    sector = forms.ModelChoiceField(
        label=gettext_lazy("sector"),
        required=False,
        queryset=Sector.objects.none(),
        empty_label=EVERY["sector"],
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("province or prefecture"),
        required=False,
        queryset=Area.objects.none(),
        empty_label=EVERY["province"],
    )
    target_group = forms.ModelChoiceField(
        label=gettext_lazy("target group"),
        required=False,
        queryset=TargetGroup.objects.none(),
        empty_label=EVERY["target_group"],
    )
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False)
    start = forms.DateField(
        label=gettext_lazy("from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rows = forms.ChoiceField(label=gettext_lazy("rows"), required=False)
    columns = forms.ChoiceField(label=gettext_lazy("columns"), required=False)
    grain = forms.ChoiceField(label=gettext_lazy("periods by"), required=False)
    measure = forms.ChoiceField(label=gettext_lazy("figures"), required=False)

    def __init__(self, *args, keep: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        choices = {
            "organisation": Organisation.objects.filter(is_active=True),
            # The programmes of the national strategy: the columns of the gap matrix.
            "sector": selectors.top_level_sectors(),
            "province": Area.objects.current().provinces(),
            "target_group": TargetGroup.objects.filter(is_active=True),
        }
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "sector" in self.fields:
            self.fields["sector"].widget.choices = [
                ("", EVERY["sector"]),
                *[(sector.pk, sector.name) for sector in choices["sector"]],
            ]
        options = {
            "status": [("", EVERY["status"]), *Initiative.Status.choices],
            "rows": list(analysis.DIMENSIONS.items()),
            "columns": [("", _("none")), *analysis.DIMENSIONS.items()],
            "grain": list(analysis.GRAINS.items()),
            "measure": list(analysis.MEASURES.items()),
        }
        for name, values in options.items():
            if name in self.fields:
                self.fields[name].choices = values
        self.style_widgets()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end of the period comes before its start."))
        if data.get("rows") and data.get("rows") == data.get("columns"):
            raise ValidationError(_("Choose two different dimensions for rows and columns."))
        return data

    def filters(self) -> dict:
        """The filters for madina.initiatives.analysis; invalid values are left out."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            data["start"] = data["end"] = None
        return {key: data.get(key) for key in analysis.FILTER_KEYS if key in self.fields}

    def layout(self) -> dict:
        """The pivot's rows, columns, grain and measure; invalid choices fall back to defaults."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        rows = data.get("rows") or "sector"
        columns = data.get("columns") or ""
        return {
            "rows": rows,
            "columns": "" if columns == rows else columns,
            "grain": data.get("grain") or "year",
            "measure": data.get("measure") or "initiatives",
        }


_MAP_FIELDS = ("organisation", "sector", "province", "target_group", "status", "start", "end")
_PIVOT_FIELDS = (*_MAP_FIELDS, "rows", "columns", "grain", "measure")
_GAP_FIELDS = ("province", "target_group", "start", "end")


def _form(request, keep) -> AnalysisFilterForm:
    return AnalysisFilterForm(request.GET or None, keep=keep)


@login_required
def initiative_map(request):
    form = _form(request, _MAP_FIELDS)
    filters = form.filters()
    points = analysis.initiative_map_data(user=request.user, filters=filters)
    return render(
        request,
        "initiatives/analysis/map.html",
        {
            "form": form,
            "points": points,
            "initiatives": analysis.initiative_counts(user=request.user, filters=filters)[
                "initiatives"
            ],
        },
    )


@login_required
def initiative_pivot(request):
    form = _form(request, _PIVOT_FIELDS)
    pivot = analysis.initiative_pivot(user=request.user, filters=form.filters(), **form.layout())
    return render(
        request,
        "initiatives/analysis/pivot.html",
        {
            "form": form,
            "pivot": pivot,
            "row_label": analysis.DIMENSIONS[pivot.row_dimension],
            "measure_label": analysis.MEASURES[pivot.measure],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def initiative_pivot_xlsx(request):
    form = _form(request, _PIVOT_FIELDS)
    pivot = analysis.initiative_pivot(user=request.user, filters=form.filters(), **form.layout())
    header = [
        str(capfirst(analysis.DIMENSIONS[pivot.row_dimension])),
        *[str(label) for _key, label in pivot.columns],
    ]
    if pivot.column_dimension:
        header.append(_("Total"))
    rows = []
    for label, values, total in pivot.table:
        rows.append([label, *values, *([total] if pivot.column_dimension else [])])
    footer = [
        _("Total"),
        *[pivot.column_totals.get(key, 0) for key, _label in pivot.columns],
    ]
    if pivot.column_dimension:
        footer.append(pivot.total)
    rows.append(footer)
    return _xlsx(_("Pivot table"), header, rows, "initiatives-pivot.xlsx")


@login_required
def gap_analysis(request):
    form = _form(request, _GAP_FIELDS)
    matrix = analysis.gap_matrix(user=request.user, filters=form.filters())
    return render(
        request,
        "initiatives/analysis/gap.html",
        {
            "form": form,
            "matrix": matrix,
            "points": analysis.gap_map_data(matrix),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def gap_analysis_xlsx(request):
    form = _form(request, _GAP_FIELDS)
    matrix = analysis.gap_matrix(user=request.user, filters=form.filters())
    header = [_("Province or prefecture"), _("Commune")]
    for sector in matrix.sectors:
        header += [
            _("%(sector)s: initiatives") % {"sector": sector.name},
            _("%(sector)s: people reached") % {"sector": sector.name},
        ]
    header.append(_("Sectors covered"))
    rows = []
    for province, communes in matrix.provinces:
        for row in communes:
            values: list = [province.name if province else "", row.commune.name]
            for count, people in row.cells:
                values += [count, people]
            values.append(row.sectors_covered)
            rows.append(values)
    return _xlsx(_("Gap analysis"), header, rows, "initiatives-gaps.xlsx")


def _xlsx(title: str, header: list[str], rows: list[list], filename: str) -> HttpResponse:
    """A one-sheet workbook: a bold header row, numbers as numbers, right to left in Arabic.

    Text from the records is always written as text, never as a formula.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    sheet.sheet_view.rightToLeft = (get_language() or "").startswith("ar")
    for row_number, values in enumerate([header, *rows], start=1):
        for column_number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if row_number == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]


urlpatterns = [
    path("map/", initiative_map, name="initiative_map"),
    path("pivot/", initiative_pivot, name="initiative_pivot"),
    path("pivot/xlsx/", initiative_pivot_xlsx, name="initiative_pivot_xlsx"),
    path("gaps/", gap_analysis, name="gap_analysis"),
    path("gaps/xlsx/", gap_analysis_xlsx, name="gap_analysis_xlsx"),
]
