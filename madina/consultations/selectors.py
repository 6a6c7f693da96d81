"""Reads of consultations: fetch-and-authorise helpers, the portal's lists, and the results.

Results count answers; a cross-tabulation hides every cell under ``SMALL_CELL`` (shown as
“<5”), and then one more cell in any row or column where a single hidden cell could be worked
out from the totals (secondary suppression).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import Organisation
from madina.consultations.models import (
    Answer,
    Consultation,
    Group,
    Option,
    Question,
    Response,
)
from madina.consultations.services import OTHER_LANGUAGE, answer_key
from madina.core.permissions import require
from madina.directory import selectors as directory_selectors
from madina.territory.models import Area

VIEW = "consultations.view_consultation"
SMALL_CELL = 5
HIDDEN = "<5"
DIMENSIONS = {
    "language": gettext_lazy("language"),
    "commune": gettext_lazy("commune"),
    "group": gettext_lazy("group"),
}


# --- Staff ---------------------------------------------------------------------------------------


def consultation_get_for_user(user, pk: int, *, perm: str = VIEW) -> Consultation:
    """404 for whoever may not see it; 403 for whoever sees it but may not do ``perm``."""
    consultation = get_object_or_404(Consultation.objects.select_related("organisation"), pk=pk)
    require(user, VIEW, consultation, visible=False)
    require(user, perm, consultation)
    return consultation


def question_get(consultation: Consultation, pk: int) -> Question:
    return get_object_or_404(consultation.questions.all(), pk=pk)


def consultation_list(user) -> QuerySet[Consultation]:
    """Every published or closed consultation; drafts of the user's organisations."""
    queryset = Consultation.objects.select_related("organisation").annotate(
        response_count=Count("responses", distinct=True)
    )
    if not is_coordinator(user):
        queryset = queryset.filter(
            ~Q(state=Consultation.State.DRAFT) | Q(organisation__in=organisation_ids(user))
        )
    return queryset


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """The organisations for which ``user`` may start a consultation (as for services)."""
    return directory_selectors.organisations_editable_by(user)


def questions_of(consultation: Consultation) -> list[Question]:
    return list(
        consultation.questions.select_related("condition__question").prefetch_related("options")
    )


def condition_choices(consultation: Consultation, before: Question | None = None) -> QuerySet:
    """Options a question may depend on: of earlier one-choice or several-choices questions."""
    queryset = Option.objects.filter(
        question__consultation=consultation, question__kind__in=Question.CONDITION_KINDS
    ).select_related("question")
    if before is not None:
        queryset = queryset.filter(question__order__lt=before.order).exclude(question=before)
    return queryset.order_by("question__order", "question_id", "order", "id")


def commune_choices(consultation: Consultation) -> QuerySet[Area]:
    """The consultation's communes, or every current commune when it names none."""
    chosen = consultation.communes.all()
    if chosen.exists():
        return chosen.order_by("name_fr")
    return Area.objects.communes().current().order_by("name_fr")


def group_choices(consultation: Consultation) -> list[tuple[str, str]]:
    labels = dict(Group.choices)
    codes = consultation.target_groups or Group.values
    return [(code, labels[code]) for code in codes if code in labels]


# --- Portal --------------------------------------------------------------------------------------


def public_list() -> dict[str, list[Consultation]]:
    """Open consultations, and ended ones whose summary is published."""
    today = timezone.localdate()
    published = Consultation.objects.exclude(state=Consultation.State.DRAFT)
    open_now = published.filter(
        state=Consultation.State.PUBLISHED, opens_on__lte=today, closes_on__gte=today
    ).order_by("closes_on", "id")
    ended = (
        published.filter(summary_published=True)
        .filter(Q(state=Consultation.State.CLOSED) | Q(closes_on__lt=today))
        .order_by("-closes_on", "-id")
    )
    return {"open": list(open_now), "ended": list(ended)}


def public_get(pk: int) -> Consultation:
    """A consultation the public may see: not a draft (404 otherwise)."""
    return get_object_or_404(Consultation.objects.exclude(state=Consultation.State.DRAFT), pk=pk)


def public_summary_get(pk: int) -> Consultation:
    return get_object_or_404(
        Consultation.objects.exclude(state=Consultation.State.DRAFT).filter(summary_published=True),
        pk=pk,
    )


@dataclass
class FormQuestion:
    """A question as the answer form shows it, with what was sent and its errors."""

    question: Question
    number: int
    key: str
    values: list[str]
    errors: list[str]
    options: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    scale: list[dict[str, Any]] = field(default_factory=list)
    condition_text: str = ""
    condition_question: str = ""
    condition_key: str = ""
    condition_value: str = ""

    @property
    def described_by(self) -> str:
        """The ids of the texts that describe the answer: help, condition, errors."""
        ids = []
        if self.question.kind in (Question.Kind.TEXT, Question.Kind.SCALE):
            ids.append(f"{self.key}-help")
        if self.condition_key:
            ids.append(f"{self.key}-condition")
        if self.errors:
            ids.append(f"{self.key}-error")
        return " ".join(ids)


def answer_form(
    questions: list[Question], posted: dict[str, list[str]], errors: dict[str, list[str]]
) -> list[FormQuestion]:
    numbers = {question.pk: position for position, question in enumerate(questions, start=1)}
    items = []
    for question in questions:
        key = answer_key(question)
        values = [str(value) for value in posted.get(key, [])]
        item = FormQuestion(
            question=question,
            number=numbers[question.pk],
            key=key,
            values=values,
            errors=list(errors.get(key, [])),
        )
        options = list(question.options.all())
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            item.options = [
                {"value": str(o.pk), "text": o.text_value, "checked": str(o.pk) in values}
                for o in options
            ]
        elif question.kind == Question.Kind.RANKING:
            item.places = [
                {
                    "place": place,
                    "options": [
                        {
                            "value": str(o.pk),
                            "text": o.text_value,
                            "selected": len(values) >= place and values[place - 1] == str(o.pk),
                        }
                        for o in options
                    ],
                }
                for place in range(1, len(options) + 1)
            ]
        elif question.kind == Question.Kind.SCALE:
            item.scale = [{"value": str(n), "checked": str(n) in values} for n in range(1, 6)]
        if question.condition_id is not None:
            asked = question.condition.question
            item.condition_text = question.condition.text_value
            item.condition_question = str(numbers.get(asked.pk, ""))
            item.condition_key = answer_key(asked)
            item.condition_value = str(question.condition_id)
        items.append(item)
    return items


# --- Results -------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    count: int
    percent: int
    width: int  # of the bar, 0–100
    extra: str = ""

    @property
    def start_rtl(self) -> int:
        """Where the bar starts on a right-to-left page."""
        return 100 - self.width


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


def _rows(
    pairs: list[tuple[str, int]], answered: int, extras: list[str] | None = None
) -> list[Row]:
    top = max([count for _label, count in pairs] or [0])
    return [
        Row(
            label=label,
            count=count,
            percent=round(100 * count / answered) if answered else 0,
            width=round(100 * count / top) if top else 0,
            extra=(extras[i] if extras else ""),
        )
        for i, (label, count) in enumerate(pairs)
    ]


TEXTS_SHOWN = 100


def results(consultation: Consultation) -> dict[str, Any]:
    """Per question: how many answered, and the count for each option or value."""
    questions = questions_of(consultation)
    answered = dict(
        Answer.objects.filter(question__consultation=consultation)
        .values_list("question")
        .annotate(n=Count("id"))
        .values_list("question", "n")
    )
    chosen = dict(
        Answer.options.through.objects.filter(answer__question__consultation=consultation)
        .values_list("option")
        .annotate(n=Count("id"))
        .values_list("option", "n")
    )
    scales: dict[int, Counter] = defaultdict(Counter)
    for question_pk, value in Answer.objects.filter(
        question__consultation=consultation, question__kind=Question.Kind.SCALE
    ).values_list("question", "scale"):
        scales[question_pk][value] += 1
    rankings: dict[int, list[list[int]]] = defaultdict(list)
    for question_pk, ranking in Answer.objects.filter(
        question__consultation=consultation, question__kind=Question.Kind.RANKING
    ).values_list("question", "ranking"):
        rankings[question_pk].append(ranking)
    texts: dict[int, list[str]] = defaultdict(list)
    for question_pk, text in (
        Answer.objects.filter(
            question__consultation=consultation, question__kind=Question.Kind.TEXT
        )
        .order_by("-id")
        .values_list("question", "text")
    ):
        if len(texts[question_pk]) < TEXTS_SHOWN:
            texts[question_pk].append(text)

    found = []
    for number, question in enumerate(questions, start=1):
        total = answered.get(question.pk, 0)
        result = QuestionResult(question=question, number=number, answered=total)
        options = list(question.options.all())
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            result.rows = _rows([(o.text_value, chosen.get(o.pk, 0)) for o in options], total)
        elif question.kind == Question.Kind.SCALE:
            counts = scales[question.pk]
            result.rows = _rows([(str(n), counts.get(n, 0)) for n in range(1, 6)], total)
            if total:
                result.mean = round(sum(n * c for n, c in counts.items()) / total, 1)
        elif question.kind == Question.Kind.RANKING:
            # Points: the first place gets as many points as there are options, the last one.
            points = Counter()
            first = Counter()
            for ranking in rankings[question.pk]:
                for place, option_pk in enumerate(ranking):
                    points[option_pk] += len(options) - place
                    if place == 0:
                        first[option_pk] += 1
            pairs = sorted(
                ((o.text_value, points.get(o.pk, 0), first.get(o.pk, 0)) for o in options),
                key=lambda item: -item[1],
            )
            result.rows = _rows(
                [(label, score) for label, score, _first in pairs],
                0,
                [str(count) for _label, _score, count in pairs],
            )
        else:
            result.texts = texts[question.pk]
        found.append(result)
    return {"questions": found, "responses": consultation.responses.count()}


def crosstab_questions(consultation: Consultation) -> list[Question]:
    return [q for q in questions_of(consultation) if q.kind in Question.CONDITION_KINDS]


def _language_labels() -> dict[str, str]:
    labels = {code: str(name) for code, name in settings.LANGUAGES}
    labels[OTHER_LANGUAGE] = _("another language")
    return labels


def dimension_labels(consultation: Consultation, by: str, values) -> dict[Any, str]:
    not_given = _("not given")
    if by == "language":
        labels = _language_labels()
    elif by == "group":
        labels = {code: str(label) for code, label in Group.choices}
    else:
        labels = {
            area.pk: area.name for area in Area.objects.filter(pk__in=[v for v in values if v])
        }
    return {
        value: labels.get(value, str(value)) if value not in ("", None) else not_given
        for value in values
    }


def suppress(cells: list[list[int]], totals: list[int]) -> tuple[list[list[str]], list[str]]:
    """Hide counts from 1 to 4, then enough others that none can be worked out from totals.

    Row totals (``totals``) and column totals (the counts of the whole question) are shown;
    a row or column with a single hidden cell gets its smallest other cell hidden too.
    """
    hidden = [[0 < value < SMALL_CELL for value in row] for row in cells]
    total_hidden = [0 < total < SMALL_CELL for total in totals]
    width = len(cells[0]) if cells else 0

    def hide_another(positions: list[tuple[int, int]]) -> bool:
        shown = [(cells[i][j], i, j) for i, j in positions if not hidden[i][j]]
        if not shown or sum(hidden[i][j] for i, j in positions) != 1:
            return False
        _value, i, j = min(shown)
        hidden[i][j] = True
        return True

    changed = True
    while changed:
        changed = False
        for i in range(len(cells)):
            if not total_hidden[i]:
                changed |= hide_another([(i, j) for j in range(width)])
        for j in range(width):
            changed |= hide_another([(i, j) for i in range(len(cells))])
    shown_cells = [
        [HIDDEN if hidden[i][j] else str(value) for j, value in enumerate(row)]
        for i, row in enumerate(cells)
    ]
    shown_totals = [HIDDEN if total_hidden[i] else str(total) for i, total in enumerate(totals)]
    return shown_cells, shown_totals


def crosstab(question: Question, by: str) -> dict[str, Any]:
    """The answers to a choice question by language, commune or group, small cells hidden."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    field_name = {"language": "language", "commune": "commune_id", "group": "group"}[by]
    options = list(question.options.all())
    counts: dict[Any, Counter] = defaultdict(Counter)
    for value, option_pk, n in (
        Answer.options.through.objects.filter(answer__question=question)
        .values_list(f"answer__response__{field_name}", "option")
        .annotate(n=Count("id"))
    ):
        counts[value][option_pk] += n
    totals = dict(
        Answer.objects.filter(question=question)
        .values_list(f"response__{field_name}")
        .annotate(n=Count("id"))
        .values_list(f"response__{field_name}", "n")
    )
    labels = dimension_labels(question.consultation, by, list(totals))
    keys = sorted(totals, key=lambda value: (value in ("", None), labels[value]))
    matrix = [[counts[key].get(option.pk, 0) for option in options] for key in keys]
    cells, shown_totals = suppress(matrix, [totals[key] for key in keys])
    return {
        "question": question,
        "by": by,
        "by_label": DIMENSIONS[by],
        "options": [option.text_value for option in options],
        "rows": [
            {"label": labels[key], "cells": cells[i], "total": shown_totals[i]}
            for i, key in enumerate(keys)
        ],
    }


# --- Anonymised answers (exports) ----------------------------------------------------------------


def _generalise(rows: list[dict[str, str]], keys: tuple[str, ...]) -> None:
    """Replace by “<5” the values, then the combinations, that fewer than 5 rows share."""
    for key in keys:
        counts = Counter(row[key] for row in rows)
        for row in rows:
            if counts[row[key]] < SMALL_CELL:
                row[key] = HIDDEN
    for widen in (keys[1:], keys):
        counts = Counter(tuple(row[key] for key in keys) for row in rows)
        for row in rows:
            if counts[tuple(row[key] for key in keys)] < SMALL_CELL:
                for key in widen:
                    row[key] = HIDDEN


def anonymised_answers(consultation: Consultation) -> tuple[list[str], list[list[str]]]:
    """One row per response, without name, contact, time, channel or who entered it.

    Language, commune and group that fewer than 5 responses share are replaced by “<5”; rows
    are numbered in an order that is not the order of arrival.
    """
    questions = questions_of(consultation)
    responses = list(
        Response.objects.filter(consultation=consultation)
        .select_related("commune")
        .prefetch_related("answers__options")
    )
    language_labels = _language_labels()
    group_labels = {code: str(label) for code, label in Group.choices}
    options = {o.pk: o.text_value for q in questions for o in q.options.all()}
    rows = []
    for response in responses:
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        row = {
            "language": language_labels.get(response.language, response.language),
            "commune": response.commune.name if response.commune else "",
            "group": group_labels.get(response.group, ""),
        }
        for question in questions:
            answer = by_question.get(question.pk)
            row[answer_key(question)] = _answer_text(question, answer, options)
        rows.append(row)
    _generalise(rows, ("language", "commune", "group"))
    # Not the order of arrival: sorted on what is shown, which says nothing of time.
    rows.sort(key=lambda row: tuple(row.values()))
    header = [_("number"), _("language"), _("commune"), _("group")] + [
        f"{number}. {question.text_value}" for number, question in enumerate(questions, start=1)
    ]
    table = [[str(position), *row.values()] for position, row in enumerate(rows, start=1)]
    return header, table


def _answer_text(question: Question, answer: Answer | None, options: dict[int, str]) -> str:
    if answer is None:
        return ""
    if question.kind == Question.Kind.TEXT:
        return answer.text
    if question.kind == Question.Kind.SCALE:
        return "" if answer.scale is None else str(answer.scale)
    if question.kind == Question.Kind.RANKING:
        return " > ".join(options.get(pk, "") for pk in answer.ranking)
    return " | ".join(options.get(o.pk, "") for o in answer.options.all())


def figures(consultation: Consultation) -> list[list[Any]]:
    """Question, answer, count: the figures of the results page, as rows."""
    rows: list[list[Any]] = []
    for result in results(consultation)["questions"]:
        title = f"{result.number}. {result.question.text_value}"
        rows.append([title, _("answered"), result.answered])
        for row in result.rows:
            rows.append([title, row.label, row.count])
    return rows
