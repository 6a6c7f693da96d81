"""A programme as a workbook (XLSX) and as a timeline (the bars of the Gantt-like page).

The PDF is a template (``coordination/programmes/programme_pdf.html``) rendered by
``core.pdf.render_pdf``; both documents read the same tree as the programme's page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from madina.coordination.programme_selectors import Node, Tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTH = 1000


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31] or "-"


def _roles(node: Node, role: str) -> str:
    return ", ".join(
        each.organisation.name for each in node.item.responsibilities.all() if each.role == role
    )


def programme_workbook(tree: Tree) -> Workbook:
    """One row per item, in the tree's order, indented by level; right to left in Arabic.

    Text from the records is always written as text, never as a formula.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(tree.programme.title)
    sheet.sheet_view.rightToLeft = get_language_bidi()
    header = [
        _("Code"),
        _("Kind"),
        _("Title"),
        _("Expected result"),
        _("Start date"),
        _("Due date"),
        _("Status"),
        _("Progress (%)"),
        _("Lead organisation"),
        _("Responsible"),
        _("Consulted"),
        _("Informed"),
        _("Budget (MAD)"),
        _("Indicators"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for node in tree.nodes:
        item = node.item
        values = [
            item.code,
            item.get_kind_display(),
            item.title,
            item.expected_result,
            item.start_date,
            item.due_date,
            item.get_status_display() if item.is_tracked else "",
            node.progress_percent,
            node.lead.organisation.name if node.lead else "",
            _roles(node, "responsible"),
            _roles(node, "consulted"),
            _roles(node, "informed"),
            item.budget,
            item.indicators,
        ]
        sheet.append(values)
        row = sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, str):
                cell.data_type = "s"
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=3).alignment = Alignment(indent=node.depth * 2)
    sheet.freeze_panes = "D2"
    return workbook


@dataclass
class Bar:
    node: Node
    x: int
    width: int
    start: datetime.date
    end: datetime.date


@dataclass
class Timeline:
    start: datetime.date
    end: datetime.date
    bars: list[Bar]
    today_x: int | None


def timeline(tree: Tree, *, today: datetime.date) -> Timeline:
    """Each dated item as a bar on the programme's period, in units of 1/1000 of its width.

    An item with only a due date is drawn as a short mark on it. The axis runs from right to
    left in a right-to-left language, as time does on the page.
    """
    programme = tree.programme
    dated = [node for node in tree.nodes if node.item.start_date or node.item.due_date]
    dates = [programme.period_start, programme.period_end]
    for node in dated:
        dates += [date for date in (node.item.start_date, node.item.due_date) if date]
    start, end = min(dates), max(dates)
    days = max((end - start).days, 1)
    mirrored = get_language_bidi()

    def place(first: datetime.date, last: datetime.date) -> tuple[int, int]:
        x = round((first - start).days * WIDTH / days)
        width = max(round((last - first).days * WIDTH / days), 6)
        x = min(x, WIDTH - width)
        return (WIDTH - x - width if mirrored else x), width

    bars = []
    for node in dated:
        first = node.item.start_date or node.item.due_date
        last = node.item.due_date or node.item.start_date
        x, width = place(first, last)
        bars.append(Bar(node, x, width, first, last))
    today_x = None
    if start <= today <= end:
        offset = round((today - start).days * WIDTH / days)
        today_x = WIDTH - offset if mirrored else offset
    return Timeline(start, end, bars, today_x)
