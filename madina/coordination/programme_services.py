"""Writes of programmes and roadmaps: their tree, the responsibility matrix, status and reviews.

Keyword-only and atomic like ``services.py``: each function checks the rule, validates (a
translated ``ValidationError``, per field), writes, records an ``AuditEvent`` and, once the
transaction commits, e-mails whom the responsibility matrix names. When it refuses, nothing is
written and nobody is told. Changes of an item's status, due date or title are also announced to
other apps by the ``coordination.signals.item_changed`` signal after the commit. See
docs/decisions/0014.

What each letter of the matrix does:
- the *accountable* organisation (exactly one per action) updates the action's status;
- the *consulted* are asked to review when the lead proposes "done", and the action is done only
  once they all approve (at once when none is consulted);
- the *informed* are e-mailed each change of status, dates or title.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madina.coordination import notifications
from madina.coordination.models import (
    Programme,
    ProgrammeItem,
    Responsibility,
    ReviewRequest,
    Space,
)
from madina.coordination.services import _add, _refuse_if_closed, _unknown_keys
from madina.coordination.signals import send_item_changed
from madina.core.audit import record, snapshot
from madina.core.concurrency import check_version
from madina.core.models import AuditEvent
from madina.core.validation import full_clean_collecting
from madina.initiatives.selectors import visible_initiatives

PROGRAMME_FIELDS = ("kind", "title", "period_start", "period_end", "status", "rollup")
ITEM_FIELDS = (
    "parent",
    "kind",
    "code",
    "title",
    "description",
    "expected_result",
    "start_date",
    "due_date",
    "budget",
    "indicators",
    "weight",
)
ITEM_M2M = ("initiatives",)
RESPONSIBILITY_FIELDS = ("organisation", "role", "scope", "contact")
# What the informed are told about when it changes.
NOTIFIED_FIELDS = ("title", "start_date", "due_date", "status")

Kind = ProgrammeItem.Kind
Status = ProgrammeItem.Status
Role = Responsibility.Role

DUE_BEFORE_START = gettext_lazy("The due date cannot be before the start date.")
PERIOD_BACKWARDS = gettext_lazy("The period cannot end before it starts.")
PLACEMENT = {
    Kind.AXIS: gettext_lazy("An axis stays at the top of the programme."),
    Kind.OBJECTIVE: gettext_lazy("An objective goes at the top of the programme or under an axis."),
    Kind.ACTION: gettext_lazy(
        "An action goes at the top of the programme, under an axis or an objective."
    ),
    Kind.MILESTONE: gettext_lazy("A milestone goes under an action."),
}


def _check_space(actor, space: Space) -> None:
    if not actor.has_perm("coordination.change_programmes", space):
        raise PermissionDenied
    _refuse_if_closed(space)


def _refuse_if_programme_closed(programme: Programme) -> None:
    if programme.status == Programme.Status.CLOSED:
        raise ValidationError(_("This programme is closed: reopen it before changing it."))


_full_clean = full_clean_collecting


# --- Programmes ---------------------------------------------------------------------------------


def _validate_programme(programme: Programme) -> None:
    errors: dict[str, list[str]] = {}
    if not (programme.title or "").strip():
        _add(errors, "title", _("Give the programme a title."))
    start, end = programme.period_start, programme.period_end
    if start and end and end < start:
        _add(errors, "period_end", str(PERIOD_BACKWARDS))
    _full_clean(programme, errors, exclude=["space"])


@transaction.atomic
def programme_create(*, actor, space: Space, data: Mapping[str, Any]) -> Programme:
    """Start a programme or roadmap in a space; its editors and admins and coordinators may."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    _check_space(actor, space)
    _unknown_keys(data, PROGRAMME_FIELDS)
    fields = {key: value.strip() if key == "title" else value for key, value in data.items()}
    programme = Programme(space=space, **fields)
    _validate_programme(programme)
    programme.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=programme,
        after=snapshot(programme),
    )
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, data: Mapping[str, Any]) -> Programme:
    """Change a programme's title, period, status or roll-up; only the keys given change."""
    _check_space(actor, programme.space)
    _unknown_keys(data, PROGRAMME_FIELDS)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(programme)
    for key, value in data.items():
        setattr(programme, key, value.strip() if key == "title" else value)
    _validate_programme(programme)
    programme.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=programme,
        before=before,
        after=snapshot(programme),
    )
    return programme


# --- Items of the tree --------------------------------------------------------------------------


def _descendant_ids(item: ProgrammeItem) -> set[int]:
    found: set[int] = set()
    frontier = [item.pk]
    while frontier:
        frontier = list(
            ProgrammeItem.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found.update(frontier)
    return found


def _validate_item(*, actor, item: ProgrammeItem, initiatives: list | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (item.title or "").strip():
        _add(errors, "title", _("Give the item a title."))
    if item.start_date and item.due_date and item.due_date < item.start_date:
        _add(errors, "due_date", str(DUE_BEFORE_START))
    parent = item.parent
    if parent is not None and parent.programme_id != item.programme_id:
        _add(errors, "parent", _("Choose a part of the same programme."))
    elif (
        parent is not None
        and item.pk is not None
        and (parent.pk == item.pk or parent.pk in _descendant_ids(item))
    ):
        _add(
            errors, "parent", _("An item cannot be placed under itself or under one of its parts.")
        )
    elif (
        item.kind in PLACEMENT
        and (parent.kind if parent else None) not in (ProgrammeItem.ALLOWED_PARENTS[item.kind])
    ):
        _add(errors, "parent", str(PLACEMENT[item.kind]))
    if item.pk is not None and item.kind in PLACEMENT:
        child_kinds = set(item.children.values_list("kind", flat=True))
        if any(item.kind not in ProgrammeItem.ALLOWED_PARENTS[kind] for kind in child_kinds):
            _add(errors, "kind", _("Its parts could not stay under an item of this kind."))
        if item.kind != Kind.ACTION and item.responsibilities.exists():
            _add(
                errors,
                "kind",
                _("Only actions have a responsibility matrix: remove its responsibilities first."),
            )
    if initiatives:
        visible = visible_initiatives(actor).filter(pk__in=[each.pk for each in initiatives])
        if visible.count() != len({each.pk for each in initiatives}):
            _add(errors, "initiatives", _("Choose initiatives you can see."))
    _full_clean(item, errors, exclude=["programme", "status", "progress"])


def _item_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], list | None]:
    _unknown_keys(data, ITEM_FIELDS + ITEM_M2M)
    fields = {}
    for key, value in data.items():
        if key in ITEM_M2M:
            continue
        if isinstance(value, str):
            value = value.strip()
        elif value is None and key not in {"parent", "start_date", "due_date", "budget"}:
            value = 1 if key == "weight" else ""
        fields[key] = value
    initiatives = list(data["initiatives"] or []) if "initiatives" in data else None
    return fields, initiatives


def _item_snapshot(item: ProgrammeItem) -> dict[str, Any]:
    return snapshot(item)


@transaction.atomic
def item_create(*, actor, programme: Programme, data: Mapping[str, Any]) -> ProgrammeItem:
    """Add an axis, objective, action or milestone to a programme's tree."""
    _check_space(actor, programme.space)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _refuse_if_programme_closed(programme)
    fields, initiatives = _item_fields(data)
    item = ProgrammeItem(programme=programme, **fields)
    _validate_item(actor=actor, item=item, initiatives=initiatives)
    item.save()
    if initiatives is not None:
        item.initiatives.set(initiatives)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=item,
        after=_item_snapshot(item),
    )
    return item


@transaction.atomic
def item_update(
    *, actor, item: ProgrammeItem, data: Mapping[str, Any], version: str | None = None
) -> ProgrammeItem:
    """Change an item, or move it in the tree; the informed hear of new dates or a new title.

    A new due date ends a status set by hand over "late": it was justified by the old date.
    ``version`` is the one the editor loaded (``core.concurrency``): if someone saved the item
    since, nothing is written.
    """
    _check_space(actor, item.programme.space)
    _refuse_if_programme_closed(item.programme)
    fields, initiatives = _item_fields(data)
    item = (
        ProgrammeItem.objects.select_for_update().select_related("programme__space").get(pk=item.pk)
    )
    check_version(item, version)
    before = _item_snapshot(item)
    for key, value in fields.items():
        setattr(item, key, value)
    if item.due_date != _date(before["due_date"]):
        item.status_overridden = False
    _validate_item(actor=actor, item=item, initiatives=initiatives)
    item.save()
    if initiatives is not None:
        item.initiatives.set(initiatives)
    after = _item_snapshot(item)
    record(actor=actor, action=AuditEvent.Action.UPDATE, instance=item, before=before, after=after)
    _notify_informed_of_changes(item, before, after)
    send_item_changed(item=item, actor=actor, before=before, after=after)
    return item


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


# --- Responsibility matrix ----------------------------------------------------------------------


def _validate_responsibility(responsibility: Responsibility) -> None:
    errors: dict[str, list[str]] = {}
    item = responsibility.item
    if item.kind != Kind.ACTION:
        raise ValidationError(_("Responsibilities are given on actions."))
    others = Responsibility.objects.filter(item=item).exclude(pk=responsibility.pk)
    if responsibility.role == Role.ACCOUNTABLE and others.filter(role=Role.ACCOUNTABLE).exists():
        _add(
            errors,
            "role",
            _(
                "This action already has a lead organisation: an action has only one. Change "
                "the lead's role first, or give this organisation another role."
            ),
        )
    organisation_id = responsibility.organisation_id
    if organisation_id and others.filter(organisation_id=organisation_id).exists():
        _add(errors, "organisation", _("This organisation already has a role in this action."))
    contact = responsibility.contact
    if contact is not None and (
        contact.organisation_id != organisation_id or not contact.is_public
    ):
        _add(
            errors,
            "contact",
            _("The contact person must be a focal person this organisation has made public."),
        )
    _full_clean(responsibility, errors, exclude=["item"])


def _responsibility_snapshot(responsibility: Responsibility) -> dict[str, Any]:
    return snapshot(responsibility, ["item", "organisation", "role", "scope", "contact"])


@transaction.atomic
def responsibility_add(*, actor, item: ProgrammeItem, data: Mapping[str, Any]) -> Responsibility:
    """Give an organisation a role in an action; an action has exactly one accountable lead."""
    _check_space(actor, item.programme.space)
    _refuse_if_programme_closed(item.programme)
    _unknown_keys(data, RESPONSIBILITY_FIELDS)
    item = ProgrammeItem.objects.select_for_update().get(pk=item.pk)
    fields = {
        key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()
    }
    if fields.get("scope") is None:
        fields["scope"] = ""
    responsibility = Responsibility(item=item, **fields)
    _validate_responsibility(responsibility)
    responsibility.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=responsibility,
        after=_responsibility_snapshot(responsibility),
        organisation_id=responsibility.organisation_id,
    )
    return responsibility


@transaction.atomic
def responsibility_update(
    *, actor, responsibility: Responsibility, data: Mapping[str, Any]
) -> Responsibility:
    """Change an organisation's role, scope or contact person in an action."""
    item = responsibility.item
    _check_space(actor, item.programme.space)
    _refuse_if_programme_closed(item.programme)
    _unknown_keys(data, RESPONSIBILITY_FIELDS)
    ProgrammeItem.objects.select_for_update().get(pk=item.pk)
    responsibility = Responsibility.objects.select_related("item").get(pk=responsibility.pk)
    before = _responsibility_snapshot(responsibility)
    for key, value in data.items():
        if key == "organisation" and value != responsibility.organisation:
            raise ValidationError(
                {"organisation": _("Give the other organisation its own role instead.")}
            )
        setattr(responsibility, key, (value or "") if key == "scope" else value)
    _validate_responsibility(responsibility)
    responsibility.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=responsibility,
        before=before,
        after=_responsibility_snapshot(responsibility),
        organisation_id=responsibility.organisation_id,
    )
    return responsibility


@transaction.atomic
def responsibility_remove(*, actor, responsibility: Responsibility) -> None:
    """Take an organisation out of an action's matrix (removing the lead leaves a gap, flagged)."""
    item = responsibility.item
    _check_space(actor, item.programme.space)
    _refuse_if_programme_closed(item.programme)
    before = _responsibility_snapshot(responsibility)
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=responsibility,
        before=before,
        organisation_id=responsibility.organisation_id,
    )
    if responsibility.role == Role.CONSULTED:
        ReviewRequest.objects.filter(
            item=item, organisation=responsibility.organisation, state=ReviewRequest.State.PENDING
        ).update(state=ReviewRequest.State.WITHDRAWN)
    responsibility.delete()


# --- Status, reviews, lateness ------------------------------------------------------------------


def _status_snapshot(item: ProgrammeItem) -> dict[str, Any]:
    return snapshot(item, ["status", "status_reason", "status_overridden", "progress"])


def _withdraw_pending(item: ProgrammeItem) -> None:
    ReviewRequest.objects.filter(item=item, state=ReviewRequest.State.PENDING).update(
        state=ReviewRequest.State.WITHDRAWN, updated_at=timezone.now()
    )


def _finish(item: ProgrammeItem) -> None:
    item.status, item.progress, item.status_overridden = Status.DONE, 100, False


@transaction.atomic
def item_set_status(
    *,
    actor,
    item: ProgrammeItem,
    status: str,
    reason: str = "",
    progress: int | None = None,
    today: datetime.date | None = None,
) -> ProgrammeItem:
    """Update an action's or milestone's status (its lead's people, the space's editors).

    Proposing "done" on an action with consulted organisations asks each of them for a review
    and leaves the status as it is; the action is done when they have all approved. Overriding
    the automatic "late" of an action past its due date, or dropping it, needs a reason.
    """
    if not actor.has_perm("coordination.update_item_status", item):
        raise PermissionDenied
    today = today or timezone.localdate()
    item = (
        ProgrammeItem.objects.select_for_update().select_related("programme__space").get(pk=item.pk)
    )
    _refuse_if_closed(item.programme.space)
    _refuse_if_programme_closed(item.programme)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not item.is_tracked:
        raise ValidationError(_("Only actions and milestones have a status of their own."))
    if status not in Status.values:
        _add(errors, "status", _("Choose a status."))
    past_due = item.due_date is not None and item.due_date < today
    overrides = past_due and status not in (Status.LATE, *ProgrammeItem.CLOSED_STATUSES)
    if overrides and not reason:
        _add(
            errors,
            "reason",
            _(
                "The due date has passed, so the action is late: say why it should show "
                "another status."
            ),
        )
    if status == Status.DROPPED and not reason:
        _add(errors, "reason", _("Say why the action is dropped."))
    if progress is not None and not 0 <= progress <= 100:
        _add(errors, "progress", _("Progress is a percentage, from 0 to 100."))
    if progress is not None and item.children.exists():
        _add(errors, "progress", _("The progress of an item with parts comes from its parts."))
    pending = item.reviews.filter(state=ReviewRequest.State.PENDING)
    if status == Status.DONE and pending.exists():
        _add(
            errors,
            "status",
            _("This action is already waiting for the review of its consulted organisations."),
        )
    if errors:
        raise ValidationError(errors)

    before = _status_snapshot(item)
    if status == Status.DONE and item.kind == Kind.ACTION:
        consulted = list(
            item.responsibilities.filter(role=Role.CONSULTED).select_related("organisation")
        )
        if consulted:
            _withdraw_pending(item)
            if progress is not None:
                item.progress = progress
                item.save(update_fields=["progress", "updated_at"])
            reviews = [
                ReviewRequest.objects.create(
                    item=item, organisation=each.organisation, requested_by=actor
                )
                for each in consulted
            ]
            for review in reviews:
                record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    instance=review,
                    after=snapshot(review, ["item", "organisation", "state"]),
                    organisation_id=review.organisation_id,
                )
            notifications.review_requested(item, reviews)
            return item

    _withdraw_pending(item)
    if status == Status.DONE:
        _finish(item)
    else:
        item.status = status
        item.status_overridden = bool(overrides)
        if progress is not None:
            item.progress = progress
    item.status_reason = reason
    item.save(
        update_fields=["status", "status_reason", "status_overridden", "progress", "updated_at"]
    )
    after = _status_snapshot(item)
    record(actor=actor, action=AuditEvent.Action.UPDATE, instance=item, before=before, after=after)
    if before["status"] != after["status"]:
        notifications.status_changed(item)
    send_item_changed(item=item, actor=actor, before=before, after=after)
    return item


@transaction.atomic
def review_answer(
    *, actor, review: ReviewRequest, approve: bool, comment: str = ""
) -> ReviewRequest:
    """A consulted organisation approves the lead's "done", or asks for changes (with a comment).

    The last approval marks the action done. Asking for changes ends the round: the other
    pending reviews are withdrawn, the lead is told, and proposes "done" again when ready.
    """
    if not actor.has_perm("coordination.answer_review", review):
        raise PermissionDenied
    review = ReviewRequest.objects.select_for_update().select_related("item").get(pk=review.pk)
    comment = (comment or "").strip()
    if review.state != ReviewRequest.State.PENDING:
        raise ValidationError(_("This review has already been answered or withdrawn."))
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what should change before it is done.")})
    item = ProgrammeItem.objects.select_for_update().get(pk=review.item_id)
    before = snapshot(review, ["state", "comment"])
    review.state = (
        ReviewRequest.State.APPROVED if approve else ReviewRequest.State.CHANGES_REQUESTED
    )
    review.comment, review.answered_by, review.answered_at = comment, actor, timezone.now()
    review.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=review,
        before=before,
        after=snapshot(review, ["state", "comment"]),
        organisation_id=review.organisation_id,
    )
    if not approve:
        _withdraw_pending(item)
        notifications.changes_requested(item, review)
    elif not item.reviews.filter(state=ReviewRequest.State.PENDING).exists():
        item_before = _status_snapshot(item)
        _finish(item)
        item.save(update_fields=["status", "status_overridden", "progress", "updated_at"])
        item_after = _status_snapshot(item)
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=item,
            before=item_before,
            after=item_after,
        )
        notifications.status_changed(item)
        send_item_changed(item=item, actor=actor, before=item_before, after=item_after)
    return review


@transaction.atomic
def mark_late(*, today: datetime.date | None = None) -> list[ProgrammeItem]:
    """Mark "late" every action and milestone past its due date that is not done or dropped,
    unless its status was set by hand with a reason. Run daily by ``tasks.mark_late_daily``."""
    today = today or timezone.localdate()
    items = list(
        ProgrammeItem.objects.select_for_update()
        .filter(
            kind__in=ProgrammeItem.TRACKED,
            due_date__lt=today,
            status_overridden=False,
            programme__status=Programme.Status.ADOPTED,
            programme__space__closed_on__isnull=True,
        )
        .exclude(status__in=[Status.LATE, *ProgrammeItem.CLOSED_STATUSES])
        .select_related("programme__space")
    )
    for item in items:
        before = _status_snapshot(item)
        item.status = Status.LATE
        item.save(update_fields=["status", "updated_at"])
        after = _status_snapshot(item)
        record(
            actor=None, action=AuditEvent.Action.UPDATE, instance=item, before=before, after=after
        )
        notifications.status_changed(item)
        send_item_changed(item=item, actor=None, before=before, after=after)
    return items


def _notify_informed_of_changes(
    item: ProgrammeItem, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    if any(before.get(key) != after.get(key) for key in NOTIFIED_FIELDS):
        notifications.item_changed(item)
