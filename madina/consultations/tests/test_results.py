"""Results, cross-tabulation with small cells hidden, and the anonymised exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from madina.consultations import exports, selectors, services
from madina.consultations.models import Response
from madina.consultations.selectors import suppress

pytestmark = pytest.mark.django_db


def answer(survey, *, language="fr", commune=None, group="", visited=1, comment="", obstacles=()):
    answers = {services.answer_key(survey.visited): [survey.option(survey.visited, visited)]}
    if visited == 0:
        answers[services.answer_key(survey.welcome)] = ["4"]
    if comment:
        answers[services.answer_key(survey.comment)] = [comment]
    if obstacles:
        answers[services.answer_key(survey.obstacles)] = [
            survey.option(survey.obstacles, i) for i in obstacles
        ]
    return services.response_submit(
        actor=None,
        consultation=survey.consultation,
        channel=Response.Channel.PORTAL,
        language=language,
        answers=answers,
        commune=commune,
        group=group,
    )


@pytest.fixture
def answered(survey, territory):
    """12 in French from Nador (8 yes), 6 in Arabic from Nador (all no), 2 in Spanish from
    Selouane, women (both yes): the Spanish row and its cells are small."""
    for i in range(12):
        answer(survey, language="fr", commune=territory.nador, visited=0 if i < 8 else 1)
    for _i in range(6):
        answer(survey, language="ar", commune=territory.nador, visited=1, obstacles=(0, 1))
    for _i in range(2):
        answer(
            survey,
            language="es",
            commune=territory.selouane,
            group="women",
            visited=0,
            comment='=HYPERLINK("http://x")',
        )
    return survey


def test_suppress_hides_small_cells_and_one_more_where_they_could_be_worked_out():
    cells, totals = suppress([[8, 4], [0, 6], [2, 0]], [12, 6, 2])
    # 4 and 2 are small; the first row then has one hidden cell: 8 is hidden too. The second
    # column has one hidden cell (4): its smallest other one (0) is hidden too. Totals stay.
    assert cells == [["<5", "<5"], ["0", "6"], ["<5", "<5"]]
    assert totals == ["12", "6", "<5"]


def test_results_count_each_option(answered):
    found = selectors.results(answered.consultation)
    assert found["responses"] == 20
    visited = found["questions"][0]
    assert [(row.label, row.count) for row in visited.rows] == [("Oui", 10), ("Non", 10)]
    welcome = found["questions"][1]
    assert welcome.answered == 10 and welcome.mean == 4.0


def test_the_crosstab_hides_small_cells_on_the_page(answered, cast):
    client = cast.client_for("outsider")
    url = f"/en/consultations/{answered.consultation.pk}/results/"
    page = client.get(url, {"question": answered.visited.pk, "by": "language"}).content.decode()
    table = page[page.index('id="crosstab"') :]
    assert "<td>&lt;5</td>" in table
    assert "<td>2</td>" not in table
    data = selectors.crosstab(answered.visited, "language")
    rows = {row["label"]: row for row in data["rows"]}
    assert rows["Spanish"]["cells"] == ["<5", "<5"]
    assert rows["Spanish"]["total"] == "<5"
    # French has one small cell (4): its 8 is hidden too, and in the "no" column the Spanish 0,
    # so that neither can be worked out from the totals; the Arabic row stays whole.
    assert rows["French"]["cells"] == ["<5", "<5"]
    assert rows["Arabic"]["cells"] == ["0", "6"]
    assert rows["French"]["total"] == "12"


def test_markup_in_answers_is_escaped_on_the_results_page(survey, territory, cast):
    answer(survey, comment='<img src=x onerror="alert(1)">')
    page = (
        cast.client_for("member")
        .get(f"/en/consultations/{survey.consultation.pk}/results/")
        .content.decode()
    )
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<img src=x" not in page


def test_the_csv_export_hides_rare_places_and_groups_and_names(answered, cast):
    answered.consultation.anonymous = False
    answered.consultation.save()
    response = cast.client_for("member").get(
        f"/en/consultations/{answered.consultation.pk}/answers.csv"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["number", "language", "commune", "group"]
    assert len(rows) == 21
    assert "Selouane" not in text and "women" not in text and "Spanish" not in text
    spanish = [row for row in rows[1:] if row[-1]]
    assert [row[1:4] for row in spanish] == [["<5", "<5", "<5"]] * 2
    # A formula written by someone answering stays text.
    assert spanish[0][-1] == '\'=HYPERLINK("http://x")'
    assert {row[2] for row in rows[1:]} == {"Nador", "<5"}


def test_the_xlsx_export_opens_and_has_the_figures(answered):
    workbook = load_workbook(exports.xlsx_file(answered.consultation))
    assert workbook.sheetnames == ["Answers", "Figures"]
    answers = list(workbook["Answers"].iter_rows(values_only=True))
    assert len(answers) == 21
    assert not any("Selouane" in str(cell) for row in answers for cell in row)
    figures = list(workbook["Figures"].iter_rows(values_only=True))
    assert figures[0] == ("Question", "Answer", "Count")
    assert ("1. Êtes-vous allé au centre ?", "Oui", 10) in figures
    assert ("1. Êtes-vous allé au centre ?", "answered", 20) in figures
