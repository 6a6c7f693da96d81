"""The regional strategy view: the table of madina/meetings/strategy.py as a page and as XLSX.

madina/meetings/urls.py includes ``urlpatterns`` under ``strategy/``. ``?space=<id>`` narrows the
table to one space; a space whose content the reader may not see answers 404, as its other pages.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from madina.coordination.models import Space
from madina.coordination.selectors import visible_spaces
from madina.core.forms import BootstrapMixin
from madina.meetings import selectors
from madina.meetings.models import Recommendation
from madina.meetings.strategy import Row, Strategy, strategy_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StrategyFilterForm(BootstrapMixin, forms.Form):
    space = forms.ModelChoiceField(
        label=gettext_lazy("coordination space"),
        required=False,
        queryset=Space.objects.none(),
        empty_label=gettext_lazy("all spaces"),
    )
    start = forms.DateField(label=gettext_lazy("meetings from"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("meetings until"), required=False, widget=DATE_INPUT)
    state = forms.ChoiceField(label=gettext_lazy("state of the recommendations"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = (
            visible_spaces(user).filter(selectors.content_spaces_q(user)).order_by("name_fr", "pk")
        )
        self.fields["state"].choices = [("", _("every state")), *Recommendation.State.choices]
        self.style_widgets()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end of the period comes before its start."))
        return data

    def filters(self) -> dict:
        """The period and state for ``strategy_table``; invalid values are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            start = end = None
        return {"start": start, "end": end, "state": data.get("state") or ""}


def _space(request) -> Space | None:
    """The space asked for by ``?space=``: 404 unless the reader sees its content."""
    value = request.GET.get("space", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return selectors.space_for_meetings(request.user, int(value))


def _table(request) -> tuple[StrategyFilterForm, Space | None, Strategy]:
    space = _space(request)
    form = StrategyFilterForm(request.GET or None, user=request.user)
    return form, space, strategy_table(request.user, space=space, **form.filters())


@login_required
@require_GET
def strategy(request):
    form, space, table = _table(request)
    return render(
        request,
        "meetings/strategy.html",
        {
            "form": form,
            "space": space,
            "table": table,
            "states": Recommendation.State.choices,
            "query": request.GET.urlencode(),
        },
    )


def _programme(row: Row) -> str:
    return row.sector.name if row.sector is not None else _("No programme")


def _values(row: Row) -> list:
    return [
        *row.state_counts,
        row.recommendations,
        row.actions,
        row.linked_actions,
        row.other_actions,
        row.done,
        row.late,
        row.without_lead,
        row.progress_percent,
    ]


@login_required
@require_GET
def strategy_xlsx(request):
    _form, space, table = _table(request)
    header = [
        _("Programme of the national strategy"),
        *[str(label) for _value, label in Recommendation.State.choices],
        _("Recommendations"),
        _("Actions"),
        _("Actions carrying out a recommendation"),
        _("Other actions"),
        _("Actions done"),
        _("Actions late"),
        _("Actions without a lead"),
        _("Average progress of the actions (%)"),
        _("Gap"),
    ]
    rows = [
        [_programme(row), *_values(row), _("nothing yet") if row.is_gap else ""]
        for row in table.rows
    ]
    rows.append([_("Total"), *_values(table.total), ""])
    filename = f"strategy-space-{space.pk}.xlsx" if space else "strategy.xlsx"
    return _xlsx(_("Strategy by programme"), header, rows, filename)


def _xlsx(title: str, header: list[str], rows: list[list], filename: str) -> HttpResponse:
    """A one-sheet workbook, as initiatives' analysis writes them: a bold header row, numbers as
    numbers, right to left in Arabic, text from the records always written as text."""
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
    path("", strategy, name="strategy"),
    path("xlsx/", strategy_xlsx, name="strategy_xlsx"),
]
