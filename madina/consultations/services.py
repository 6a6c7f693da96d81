"""Writes of consultations, their questions and the responses to them (issue 7).

Keyword-only and atomic: check the permission (``PermissionDenied``), validate
(``ValidationError`` per field, translated), write, record the audit event. A refusal writes
nothing. The portal, the staff entry page and the demo loader all answer through
``response_submit``, so every answer is validated the same way.

Portal responses are not audited: an audit event would keep the exact time and link it to the
response, which the response itself does not keep.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.consultations.models import (
    TEXT_LANGUAGES,
    Answer,
    Consultation,
    Group,
    Option,
    Question,
    Response,
)
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.territory.models import Area

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
QUESTION_MAX = 500
OPTION_MAX = 200
SUMMARY_MAX = 10000
ANSWER_MAX = 2000
NAME_MAX = 120
RANKING_MAX_OPTIONS = 10
OTHER_LANGUAGE = "other"

CONSULTATION_FIELDS = ("title", "description", "opens_on", "closes_on", "anonymous")
AUDITED = [
    "title",
    "description",
    "opens_on",
    "closes_on",
    "anonymous",
    "target_groups",
    "state",
    "summary",
    "summary_published",
]


class NotOpen(Exception):
    """The consultation does not take answers now (draft, not yet open, closed)."""


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _texts(
    value: Mapping[str, Any] | None, *, key: str, max_length: int, errors: dict[str, list[str]]
) -> dict[str, str]:
    """A text per language: stripped, empty ones left out, each within ``max_length``."""
    result: dict[str, str] = {}
    for code, text in (value or {}).items():
        if code not in TEXT_LANGUAGES:
            raise ValueError(f"Unknown language: {code}")
        text = (text or "").strip()
        if not text:
            continue
        if len(text) > max_length:
            _add(
                errors,
                f"{key}_{code}",
                _("At most %(limit)s characters (this text has %(count)s).")
                % {"limit": max_length, "count": len(text)},
            )
        result[code] = text
    return result


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _now_to_the_hour() -> datetime.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


# --- Consultations -------------------------------------------------------------------------------


def _consultation_values(
    consultation: Consultation, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> list[Area] | None:
    unknown = set(data) - {*CONSULTATION_FIELDS, "communes", "target_groups"}
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "title" in data:
        consultation.title = _texts(data["title"], key="title", max_length=TITLE_MAX, errors=errors)
    if "description" in data:
        consultation.description = _texts(
            data["description"], key="description", max_length=DESCRIPTION_MAX, errors=errors
        )
    for key in ("opens_on", "closes_on", "anonymous"):
        if key in data:
            setattr(consultation, key, data[key])
    if "target_groups" in data:
        groups = list(data["target_groups"] or [])
        if set(groups) - set(Group.values):
            _add(errors, "target_groups", _("Choose groups from the list."))
        consultation.target_groups = [g for g in Group.values if g in groups]
    if not consultation.title:
        _add(errors, "title_ar", _("Give the title in at least one language."))
    if consultation.opens_on is None:
        _add(errors, "opens_on", _("Give the opening date."))
    if consultation.closes_on is None:
        _add(errors, "closes_on", _("Give the closing date."))
    if consultation.opens_on and consultation.closes_on:
        if consultation.closes_on < consultation.opens_on:
            _add(errors, "closes_on", _("The consultation cannot close before it opens."))
    communes = None
    if "communes" in data:
        communes = list(data["communes"] or [])
        if any(area.level != Area.Level.COMMUNE for area in communes):
            _add(errors, "communes", _("Choose communes from the list."))
    return communes


def _audit(actor, action, consultation: Consultation, before=None) -> None:
    record(
        actor=actor,
        action=action,
        instance=consultation,
        before=before,
        after=snapshot(consultation, AUDITED),
        organisation_id=consultation.organisation_id,
    )


@transaction.atomic
def consultation_create(*, actor, organisation, data: Mapping[str, Any]) -> Consultation:
    """A new draft of ``organisation``: its admins and members, and coordinators."""
    if not actor.has_perm(
        "consultations.change_consultation", Consultation(organisation=organisation)
    ):
        raise PermissionDenied
    consultation = Consultation(organisation=organisation, created_by=actor)
    errors: dict[str, list[str]] = {}
    communes = _consultation_values(consultation, data, errors)
    _raise(errors)
    consultation.save()
    if communes is not None:
        consultation.communes.set(communes)
    _audit(actor, AuditEvent.Action.CREATE, consultation)
    return consultation


@transaction.atomic
def consultation_update(
    *, actor, consultation: Consultation, data: Mapping[str, Any]
) -> Consultation:
    """Change the description of a draft or published consultation; a closed one stays."""
    if not actor.has_perm("consultations.change_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state == Consultation.State.CLOSED:
        raise ValidationError(_("A closed consultation cannot be changed."))
    before = snapshot(consultation, AUDITED)
    errors: dict[str, list[str]] = {}
    communes = _consultation_values(consultation, data, errors)
    _raise(errors)
    consultation.save()
    if communes is not None:
        consultation.communes.set(communes)
    _audit(actor, AuditEvent.Action.UPDATE, consultation, before)
    return consultation


@transaction.atomic
def consultation_publish(*, actor, consultation: Consultation) -> Consultation:
    """Put a draft on the portal. It needs questions, and choices for its choice questions."""
    if not actor.has_perm("consultations.publish_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state != Consultation.State.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    questions = list(consultation.questions.prefetch_related("options"))
    errors: list[str] = []
    if not questions:
        errors.append(_("Add at least one question before publishing."))
    for question in questions:
        if question.has_options and len(question.options.all()) < 2:
            errors.append(
                _("Question %(number)s needs at least two options.") % {"number": question.order}
            )
    if consultation.closes_on < timezone.localdate():
        errors.append(_("The closing date has passed: change it before publishing."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(consultation, AUDITED)
    consultation.state = Consultation.State.PUBLISHED
    consultation.save(update_fields=["state", "updated_at"])
    _audit(actor, AuditEvent.Action.UPDATE, consultation, before)
    return consultation


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation) -> Consultation:
    """Stop taking answers now, whatever the closing date."""
    if not actor.has_perm("consultations.publish_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state != Consultation.State.PUBLISHED:
        raise ValidationError(_("Only a published consultation can be closed."))
    before = snapshot(consultation, AUDITED)
    consultation.state = Consultation.State.CLOSED
    consultation.save(update_fields=["state", "updated_at"])
    _audit(actor, AuditEvent.Action.UPDATE, consultation, before)
    return consultation


@transaction.atomic
def consultation_summary_save(
    *, actor, consultation: Consultation, summary: Mapping[str, str], publish: bool
) -> Consultation:
    """Write “what you told us”; publishing it is for those who may publish the consultation."""
    if not actor.has_perm("consultations.change_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if publish != consultation.summary_published and not actor.has_perm(
        "consultations.publish_consultation", consultation
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    texts = _texts(summary, key="summary", max_length=SUMMARY_MAX, errors=errors)
    if publish and consultation.state == Consultation.State.DRAFT:
        _add(errors, "publish", _("Publish the consultation before its summary."))
    if publish and not texts:
        _add(errors, "summary_ar", _("Write the summary in at least one language to publish it."))
    _raise(errors)
    before = snapshot(consultation, AUDITED)
    consultation.summary = texts
    consultation.summary_published = publish
    consultation.save(update_fields=["summary", "summary_published", "updated_at"])
    _audit(actor, AuditEvent.Action.UPDATE, consultation, before)
    return consultation


# --- Questions -----------------------------------------------------------------------------------


def _require_draft(consultation: Consultation) -> None:
    if consultation.state != Consultation.State.DRAFT:
        raise ValidationError(_("Questions can be changed only while the consultation is a draft."))


@transaction.atomic
def question_save(
    *,
    actor,
    consultation: Consultation,
    question: Question | None = None,
    data: Mapping[str, Any],
    options: Iterable[Mapping[str, Any]] = (),
) -> Question:
    """Add a question (``question`` None) or change one, with its options in their order.

    ``data``: ``kind``, ``required``, ``text`` (per language), ``order`` (None: at the end),
    ``condition`` (an option of an earlier one-choice or several-choices question, or None).
    ``options``: ``{"id": pk or None, "text": {…}}``; options left out are removed.
    """
    if not actor.has_perm("consultations.change_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_draft(consultation)
    if question is not None and question.consultation_id != consultation.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    question = question or Question(consultation=consultation)
    question.kind = data.get("kind") or ""
    if question.kind not in Question.Kind.values:
        _add(errors, "kind", _("Choose the kind of answer."))
    question.required = bool(data.get("required"))
    question.text = _texts(data.get("text"), key="text", max_length=QUESTION_MAX, errors=errors)
    if not question.text:
        _add(errors, "text_ar", _("Write the question in at least one language."))
    order = data.get("order")
    if order in (None, ""):
        if question.pk is None:
            last = consultation.questions.aggregate(last=Max("order"))["last"]
            order = (last or 0) + 1
        else:
            order = question.order
    question.order = int(order)
    condition = data.get("condition")
    if condition is not None:
        asked = condition.question
        if (
            asked.consultation_id != consultation.pk
            or asked.kind not in Question.CONDITION_KINDS
            or asked.pk == question.pk
            or asked.order >= question.order
        ):
            _add(
                errors,
                "condition",
                _(
                    "The condition must be an option of an earlier question "
                    "with one choice or several choices."
                ),
            )
    question.condition = condition

    cleaned_options: list[tuple[int | None, dict[str, str]]] = []
    if question.kind in Question.CHOICE_KINDS:
        option_errors: dict[str, list[str]] = {}
        for option in options:
            texts = _texts(
                option.get("text"), key="option", max_length=OPTION_MAX, errors=option_errors
            )
            if texts:
                cleaned_options.append((option.get("id"), texts))
        if option_errors:
            _add(
                errors,
                "options",
                _("An option is too long: at most %(limit)s characters.") % {"limit": OPTION_MAX},
            )
        if len(cleaned_options) < 2:
            _add(errors, "options", _("Give at least two options."))
        if question.kind == Question.Kind.RANKING and len(cleaned_options) > RANKING_MAX_OPTIONS:
            _add(
                errors,
                "options",
                _("A ranking can have at most %(limit)s options.") % {"limit": RANKING_MAX_OPTIONS},
            )
    _raise(errors)

    created = question.pk is None
    question.save()
    existing = {option.pk: option for option in question.options.all()}
    kept = []
    for position, (pk, texts) in enumerate(cleaned_options, start=1):
        option = existing.get(pk) if pk else None
        if option is None:
            option = Option(question=question)
        option.order = position
        option.text = texts
        option.save()
        kept.append(option.pk)
    question.options.exclude(pk__in=kept).delete()
    _renumber(consultation, question)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        instance=question,
        after={"kind": question.kind, "text": question.text, "options": len(kept)},
        before=None if created else {},
        organisation_id=consultation.organisation_id,
    )
    return question


def _renumber(consultation: Consultation, moved: Question) -> None:
    """Number the questions 1, 2, 3…; ``moved`` goes before a question of the same number.

    A question must come after the one its condition depends on, whatever was moved.
    """
    questions = sorted(
        consultation.questions.select_related("condition"),
        key=lambda q: (q.order, q.pk != moved.pk, q.pk),
    )
    for position, question in enumerate(questions, start=1):
        if question.order != position:
            question.order = position
            question.save(update_fields=["order"])
    orders = {question.pk: question.order for question in questions}
    for question in questions:
        if question.condition is not None:
            if orders[question.condition.question_id] >= question.order:
                raise ValidationError(
                    {
                        "order": _(
                            "A question must come after the question its condition depends on."
                        )
                    }
                )


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    consultation = question.consultation
    if not actor.has_perm("consultations.change_consultation", consultation):
        raise PermissionDenied
    _require_draft(consultation)
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=question,
        before={"kind": question.kind, "text": question.text},
        organisation_id=consultation.organisation_id,
    )
    question.delete()
    for position, other in enumerate(consultation.questions.order_by("order", "id"), start=1):
        if other.order != position:
            other.order = position
            other.save(update_fields=["order"])


# --- Responses -----------------------------------------------------------------------------------


def answer_key(question: Question) -> str:
    """The name of a question's answer in a form and of its errors: ``q<pk>``."""
    return f"q{question.pk}"


def _clean_one(question: Question, values: list[str], options: dict[int, Option]):
    """The answer to one question, ``None`` when empty; ``ValidationError`` when wrong."""
    values = [value.strip() if isinstance(value, str) else value for value in values]
    values = [value for value in values if value not in ("", None)]
    if not values:
        return None
    kind = question.kind
    if kind == Question.Kind.TEXT:
        text = values[0]
        if len(text) > ANSWER_MAX:
            raise ValidationError(
                _("Your answer is too long: at most %(limit)s characters (it has %(count)s).")
                % {"limit": f"{ANSWER_MAX:,}".replace(",", " "), "count": len(text)}
            )
        return text
    if kind == Question.Kind.SCALE:
        if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
            raise ValidationError(_("Choose a value from 1 to 5."))
        return int(values[0])
    chosen = []
    for value in values:
        option = options.get(int(value)) if str(value).isdigit() else None
        if option is None:
            raise ValidationError(_("Choose from the options given."))
        chosen.append(option)
    if kind == Question.Kind.SINGLE and len(chosen) != 1:
        raise ValidationError(_("Choose one option only."))
    if len({option.pk for option in chosen}) != len(chosen):
        if kind == Question.Kind.RANKING:
            raise ValidationError(_("Give each option one place only."))
        chosen = list(dict.fromkeys(chosen))
    return chosen


def clean_answers(
    questions: Iterable[Question], answers: Mapping[str, list[str]]
) -> tuple[dict[int, Any], dict[str, list[str]]]:
    """The answers to the questions shown, and the errors, keyed by ``answer_key``.

    A question whose condition is not met is not shown: whatever is sent for it is ignored.
    ``answers`` maps ``answer_key(question)`` to the values sent (a form's ``getlist``).
    """
    cleaned: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    chosen: dict[int, set[int]] = {}
    for question in questions:
        if question.condition_id is not None:
            asked = question.condition.question_id
            if question.condition_id not in chosen.get(asked, set()):
                continue
        key = answer_key(question)
        options = {option.pk: option for option in question.options.all()}
        try:
            value = _clean_one(question, list(answers.get(key, [])), options)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if value is None:
            if question.required:
                errors[key] = [_("This question needs an answer.")]
            continue
        cleaned[question.pk] = value
        if question.kind in Question.CONDITION_KINDS:
            chosen[question.pk] = {option.pk for option in value}
    return cleaned, errors


def response_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def response_submit(
    *,
    actor,
    consultation: Consultation,
    channel: str,
    language: str,
    answers: Mapping[str, list[str]],
    commune: Area | None = None,
    group: str = "",
    name: str = "",
    contact: str = "",
) -> Response:
    """Store one person's answers, from the portal or entered by staff.

    ``NotOpen`` when the consultation takes no answers now; ``ValidationError`` keyed by
    ``answer_key`` (and ``commune``, ``group``, ``name``, ``contact``, ``__all__``) when an
    answer is wrong. Nothing is written on refusal. No address, account or user is kept for a
    portal answer, and the time only to the hour.
    """
    consultation = (
        Consultation.objects.select_for_update()
        .prefetch_related("communes")
        .get(pk=consultation.pk)
    )
    if channel == Response.Channel.PORTAL:
        entered_by = None
    elif channel in Response.STAFF_CHANNELS:
        if not actor.has_perm("consultations.enter_response", consultation):
            raise PermissionDenied
        entered_by = actor
    else:
        raise ValueError(f"Unknown channel: {channel}")
    if not consultation.is_open():
        raise NotOpen
    errors: dict[str, list[str]] = {}
    languages = response_languages()
    if entered_by is not None:
        languages.append(OTHER_LANGUAGE)
    if language not in languages:
        _add(errors, "language", _("Choose a language from the list."))
    if commune is not None:
        allowed = list(consultation.communes.all())
        if (allowed and commune not in allowed) or commune.level != Area.Level.COMMUNE:
            _add(errors, "commune", _("Choose a commune from the list."))
    if group and group not in Group.values:
        _add(errors, "group", _("Choose a group from the list."))
    name, contact = (name or "").strip(), (contact or "").strip()
    if consultation.anonymous:
        # Never kept for an anonymous consultation, whatever is sent.
        name = contact = ""
    for key, value in (("name", name), ("contact", contact)):
        if len(value) > NAME_MAX:
            _add(
                errors,
                key,
                _("At most %(limit)s characters (this text has %(count)s).")
                % {"limit": NAME_MAX, "count": len(value)},
            )
    questions = list(consultation.questions.select_related("condition").prefetch_related("options"))
    cleaned, answer_errors = clean_answers(questions, answers)
    errors.update(answer_errors)
    if not cleaned and not answer_errors:
        _add(errors, "__all__", _("Answer at least one question."))
    _raise(errors)

    response = Response.objects.create(
        consultation=consultation,
        submitted_at=_now_to_the_hour(),
        channel=channel,
        language=language,
        commune=commune,
        group=group,
        entered_by=entered_by,
        respondent_name=name,
        respondent_contact=contact,
    )
    by_pk = {question.pk: question for question in questions}
    for question_pk, value in cleaned.items():
        question = by_pk[question_pk]
        answer = Answer(response=response, question=question)
        if question.kind == Question.Kind.TEXT:
            answer.text = value
        elif question.kind == Question.Kind.SCALE:
            answer.scale = value
        elif question.kind == Question.Kind.RANKING:
            answer.ranking = [option.pk for option in value]
        answer.save()
        if question.has_options:
            answer.options.set(value)
    if entered_by is not None:
        # Staff entries are audited (who entered what, when), without the respondent's details.
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=response,
            after={"channel": channel, "answers": len(cleaned)},
            organisation_id=consultation.organisation_id,
        )
    return response
