"""Writes of trainings (participants, attendance, scores) and of advocacy and mobilisation actions.

Keyword-only and atomic, like every service of the platform: check the permission
(``PermissionDenied``), validate (``ValidationError`` per field), write, record the audit event.
A refusal writes nothing. Views, the demo loader and any import go through here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.outreach.models import AdvocacyAction, Attendance, Participant, Training
from madina.territory.models import Area

CHANGE = "outreach.change_records"

TRAINING_FIELDS = (
    "title",
    "topic",
    "starts_on",
    "ends_on",
    "commune",
    "venue",
    "trainers",
    "pre_test_on",
    "post_test_on",
    "max_score",
)
PARTICIPANT_FIELDS = (
    "full_name",
    "sex",
    "organisation",
    "function",
    "population_group",
    "pre_score",
    "post_score",
)
ADVOCACY_FIELDS = (
    "kind",
    "held_on",
    "target",
    "message",
    "commune",
    "people_reached",
    "outcome",
    "outcome_notes",
)
_NULLABLE = {
    "commune",
    "pre_test_on",
    "post_test_on",
    "organisation",
    "pre_score",
    "post_score",
    "people_reached",
}
_STRIPPED = {"title", "venue", "trainers", "full_name", "function", "target"}

# A training lasts at most this many days; the tests are taken at most this many days around it.
LONGEST_TRAINING_DAYS = 60
TEST_WINDOW_DAYS = 30


def _fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    fields = {}
    for key, value in data.items():
        if key in _STRIPPED and isinstance(value, str):
            value = value.strip()
        fields[key] = "" if value is None and key not in _NULLABLE else value
    return fields


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def full_clean(self, instance, *, exclude: Iterable[str] = ()) -> None:
        """Add the model's own field checks, skipping the fields that already failed."""
        try:
            instance.full_clean(exclude=[*exclude, *self])
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                self.setdefault(key, []).extend(messages)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def training_days(training: Training) -> list[datetime.date]:
    """Every day from the first to the last, both included."""
    count = (training.ends_on - training.starts_on).days + 1
    return [training.starts_on + datetime.timedelta(days=index) for index in range(count)]


def training_date_errors(
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    pre_test_on: datetime.date | None,
    post_test_on: datetime.date | None,
) -> dict[str, list[str]]:
    """What is wrong with a training's dates, by field (the forms show the same messages)."""
    errors = _Errors()
    if starts_on is None or ends_on is None:
        return dict(errors)
    if ends_on < starts_on:
        errors.add("ends_on", _("The last day cannot come before the first day."))
    elif (ends_on - starts_on).days + 1 > LONGEST_TRAINING_DAYS:
        errors.add(
            "ends_on",
            _("A training lasts at most %(days)s days; record a longer one as several trainings.")
            % {"days": LONGEST_TRAINING_DAYS},
        )
    earliest = starts_on - datetime.timedelta(days=TEST_WINDOW_DAYS)
    latest = max(starts_on, ends_on) + datetime.timedelta(days=TEST_WINDOW_DAYS)
    for key, day in (("pre_test_on", pre_test_on), ("post_test_on", post_test_on)):
        if day is not None and not earliest <= day <= latest:
            errors.add(
                key,
                _(
                    "A test is taken at most %(days)s days before the first day or after the "
                    "last day of the training."
                )
                % {"days": TEST_WINDOW_DAYS},
            )
    if pre_test_on and post_test_on and post_test_on < pre_test_on and "post_test_on" not in errors:
        errors.add("post_test_on", _("The post-test cannot be taken before the pre-test."))
    return dict(errors)


def score_errors(
    max_score: int, pre_score: Decimal | None, post_score: Decimal | None
) -> dict[str, list[str]]:
    """What is wrong with a participant's scores, by field."""
    errors = _Errors()
    for key, score in (("pre_score", pre_score), ("post_score", post_score)):
        if score is not None and not Decimal(0) <= Decimal(score) <= Decimal(max_score):
            errors.add(
                key,
                _("A score lies between 0 and %(max)s, the highest score of this training.")
                % {"max": max_score},
            )
    return dict(errors)


# -- trainings ---------------------------------------------------------------------------------


def _validate_training(training: Training) -> None:
    errors = _Errors(
        training_date_errors(
            training.starts_on, training.ends_on, training.pre_test_on, training.post_test_on
        )
    )
    if training.commune_id is not None and training.commune.level != Area.Level.COMMUNE:
        errors.add("commune", _("Choose a commune."))
    if training.pk is not None and training.max_score:
        scores = Participant.objects.filter(training=training)
        if (
            scores.filter(pre_score__gt=training.max_score).exists()
            or scores.filter(post_score__gt=training.max_score).exists()
        ):
            errors.add(
                "max_score",
                _("Some participants scored more than this; correct their scores first."),
            )
    if (
        training.pk is not None
        and training.starts_on
        and training.ends_on
        and "ends_on" not in errors
    ):
        outside = Attendance.objects.filter(participant__training=training).exclude(
            day__range=(training.starts_on, training.ends_on)
        )
        if outside.exists():
            errors.add(
                "ends_on",
                _(
                    "Some participants were present on days outside these dates; correct the "
                    "attendance first."
                ),
            )
    errors.full_clean(training)
    errors.raise_any()


@transaction.atomic
def training_create(*, actor, organisation, data: Mapping[str, Any]) -> Training:
    """Record a training given by ``organisation``; its editors and coordinators."""
    if not actor.has_perm(CHANGE, organisation):
        raise PermissionDenied
    training = Training(organisation=organisation, **_fields(data, TRAINING_FIELDS))
    _validate_training(training)
    training.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=training,
        after=snapshot(training),
        organisation_id=organisation.pk,
    )
    return training


@transaction.atomic
def training_update(*, actor, training: Training, data: Mapping[str, Any]) -> Training:
    """Change a training; only the keys present in ``data`` change. Its organisation stays."""
    if not actor.has_perm(CHANGE, training.organisation):
        raise PermissionDenied
    training = Training.objects.select_for_update().get(pk=training.pk)
    before = snapshot(training)
    for key, value in _fields(data, TRAINING_FIELDS).items():
        setattr(training, key, value)
    _validate_training(training)
    training.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=training,
        before=before,
        after=snapshot(training),
        organisation_id=training.organisation_id,
    )
    return training


# -- participants ------------------------------------------------------------------------------


def _validate_participant(participant: Participant, training: Training) -> None:
    errors = _Errors(
        score_errors(training.max_score, participant.pre_score, participant.post_score)
    )
    if not participant.full_name:
        errors.add("full_name", _("Give the participant's full name."))
    errors.full_clean(participant, exclude=["training"])
    errors.raise_any()


@transaction.atomic
def participant_add(*, actor, training: Training, data: Mapping[str, Any]) -> Participant:
    """Add a participant to a training, with their test scores if known."""
    if not actor.has_perm(CHANGE, training.organisation):
        raise PermissionDenied
    training = Training.objects.select_for_update().get(pk=training.pk)
    participant = Participant(training=training, **_fields(data, PARTICIPANT_FIELDS))
    _validate_participant(participant, training)
    participant.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=participant,
        after=snapshot(participant),
        organisation_id=training.organisation_id,
    )
    return participant


@transaction.atomic
def participant_update(*, actor, participant: Participant, data: Mapping[str, Any]) -> Participant:
    """Change a participant; only the keys present in ``data`` change."""
    training = Training.objects.select_for_update().get(pk=participant.training_id)
    if not actor.has_perm(CHANGE, training.organisation):
        raise PermissionDenied
    participant = Participant.objects.get(pk=participant.pk)
    before = snapshot(participant)
    for key, value in _fields(data, PARTICIPANT_FIELDS).items():
        setattr(participant, key, value)
    _validate_participant(participant, training)
    participant.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=participant,
        before=before,
        after=snapshot(participant),
        organisation_id=training.organisation_id,
    )
    return participant


# -- attendance --------------------------------------------------------------------------------


def _attendance_state(training: Training) -> list[str]:
    rows = Attendance.objects.filter(participant__training=training).order_by("participant", "day")
    return [
        f"{participant}:{day.isoformat()}"
        for participant, day in rows.values_list("participant_id", "day")
    ]


@transaction.atomic
def attendance_save(
    *, actor, training: Training, present: Mapping[int, Iterable[datetime.date]]
) -> int:
    """Replace the training's attendance: ``present`` maps a participant's id to their days.

    Participants left out were present on no day. Returns the number of days present recorded.
    """
    if not actor.has_perm(CHANGE, training.organisation):
        raise PermissionDenied
    training = Training.objects.select_for_update().get(pk=training.pk)
    participant_ids = set(training.participants.values_list("pk", flat=True))
    days = set(training_days(training))
    errors = _Errors()
    rows = []
    for participant_id, chosen in present.items():
        if participant_id not in participant_ids:
            errors.add("__all__", _("Record attendance for the training's participants only."))
            break
        for day in sorted(set(chosen)):
            if day not in days:
                errors.add(
                    "__all__",
                    _(
                        "%(day)s is not a day of the training; choose days from %(first)s to "
                        "%(last)s."
                    )
                    % {
                        "day": date_format(day, "SHORT_DATE_FORMAT"),
                        "first": date_format(training.starts_on, "SHORT_DATE_FORMAT"),
                        "last": date_format(training.ends_on, "SHORT_DATE_FORMAT"),
                    },
                )
            else:
                rows.append(Attendance(participant_id=participant_id, day=day))
    errors.raise_any()
    before = _attendance_state(training)
    Attendance.objects.filter(participant__training=training).delete()
    Attendance.objects.bulk_create(rows)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=training,
        before={"attendance": before},
        after={"attendance": _attendance_state(training)},
        organisation_id=training.organisation_id,
    )
    return len(rows)


# -- advocacy and mobilisation -----------------------------------------------------------------


def _validate_action(action: AdvocacyAction) -> None:
    errors = _Errors()
    if action.held_on and action.held_on > timezone.localdate():
        errors.add("held_on", _("The date cannot be in the future."))
    if not action.target:
        errors.add("target", _("Say whom the action addressed."))
    if not (action.message or "").strip():
        errors.add("message", _("Say what the action asked for or conveyed."))
    if action.people_reached is not None and action.people_reached < 0:
        errors.add("people_reached", _("The number of people reached cannot be negative."))
    if action.commune_id is not None and action.commune.level != Area.Level.COMMUNE:
        errors.add("commune", _("Choose a commune."))
    errors.full_clean(action)
    errors.raise_any()


@transaction.atomic
def advocacy_create(*, actor, organisation, data: Mapping[str, Any]) -> AdvocacyAction:
    """Record an advocacy action or a mobilisation event of ``organisation``."""
    if not actor.has_perm(CHANGE, organisation):
        raise PermissionDenied
    action = AdvocacyAction(organisation=organisation, **_fields(data, ADVOCACY_FIELDS))
    _validate_action(action)
    action.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=action,
        after=snapshot(action),
        organisation_id=organisation.pk,
    )
    return action


@transaction.atomic
def advocacy_update(*, actor, action: AdvocacyAction, data: Mapping[str, Any]) -> AdvocacyAction:
    """Change an advocacy or mobilisation action; only the keys in ``data`` change."""
    if not actor.has_perm(CHANGE, action.organisation):
        raise PermissionDenied
    action = AdvocacyAction.objects.select_for_update().get(pk=action.pk)
    before = snapshot(action)
    for key, value in _fields(data, ADVOCACY_FIELDS).items():
        setattr(action, key, value)
    _validate_action(action)
    action.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=action,
        before=before,
        after=snapshot(action),
        organisation_id=action.organisation_id,
    )
    return action
