"""CSV and XLSX exports of a consultation's anonymised answers (``selectors.anonymised_answers``).

Answers come from the public: a cell that a spreadsheet would read as a formula (``=``, ``+``,
``-``, ``@``…) is written with a leading apostrophe, so that it stays text.
"""

from __future__ import annotations

import csv
import io
import tempfile

from django.utils.translation import gettext as _

from madina.consultations import selectors
from madina.consultations.models import Consultation

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(consultation: Consultation) -> str:
    """The answers as CSV, with a BOM so that Excel reads UTF-8."""
    header, rows = selectors.anonymised_answers(consultation)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe(cell) for cell in header])
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return "\ufeff" + output.getvalue()


def xlsx_file(consultation: Consultation):
    """Two sheets: the answers, one row per response, and the figures of the results page."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    answers = workbook.create_sheet(_("Answers"))
    header, rows = selectors.anonymised_answers(consultation)
    answers.append([safe(cell) for cell in header])
    for row in rows:
        answers.append([safe(cell) for cell in row])
    figures = workbook.create_sheet(_("Figures"))
    figures.append([_("Question"), _("Answer"), _("Count")])
    for row in selectors.figures(consultation):
        figures.append([safe(cell) for cell in row])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
