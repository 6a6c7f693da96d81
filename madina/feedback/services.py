"""Writes of feedback, its lifecycle, the sensitive teams and "you said, we did" (issue 7).

Keyword-only and atomic: check the permission (``PermissionDenied``), validate
(``ValidationError`` per field, translated), write, record the step in ``FeedbackEvent``. A refusal
writes nothing. The public portal comes through ``feedback_submit``, which takes no request: it
cannot store an address or an account even by mistake.

The general audit trail (``core.audit``) is not used for feedback items themselves: it stores a
record's values in clear, and these are encrypted. The lifecycle log is their audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.accounts.models import Membership, User
from madina.actors.models import Organisation
from madina.core.audit import record
from madina.core.models import AuditEvent
from madina.feedback import rules as feedback_rules
from madina.feedback.models import (
    CONTACT_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    RESPONSE_MAX,
    Feedback,
    FeedbackEvent,
    SensitiveTeamMember,
    YouSaidWeDid,
    new_reference,
)
from madina.territory.models import Area

S = Feedback.Status
A = FeedbackEvent.Action

SUBMIT_FIELDS = (
    "organisation",
    "type",
    "category",
    "commune",
    "language",
    "message",
    "answer_by",
    "contact",
    "is_sensitive",
)
ENTRY_FIELDS = (*SUBMIT_FIELDS, "channel", "sensitive_kind")
YOU_SAID_FIELDS = (
    "category",
    "said_ar",
    "said_fr",
    "said_en",
    "said_es",
    "did_ar",
    "did_fr",
    "did_en",
    "did_es",
    "done_on",
    "is_published",
)

# The steps each action may start from.
ACKNOWLEDGE_FROM = {S.RECEIVED}
ASSIGN_FROM = {S.RECEIVED, S.ACKNOWLEDGED, S.ASSIGNED}
ANSWER_FROM = {S.RECEIVED, S.ACKNOWLEDGED, S.ASSIGNED, S.ANSWERED}
CLOSE_FROM = {S.ACKNOWLEDGED, S.ASSIGNED, S.ANSWERED}


def _phone_ok(value: str) -> bool:
    digits = [ch for ch in value if ch.isdigit()]
    allowed = set("0123456789 +-.()")
    return 8 <= len(digits) <= 15 and set(value) <= allowed


def _clean_feedback(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the sender's part of a feedback item; raise ValidationError with every error."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    message = (fields.get("message") or "").strip()
    contact = (fields.get("contact") or "").strip()
    if not message:
        add("message", _("Write your message."))
    elif len(message) > MESSAGE_MAX:
        add(
            "message",
            _("The message is too long: at most %(max)d characters, it has %(count)d.")
            % {"max": MESSAGE_MAX, "count": len(message)},
        )
    choices = {
        "type": Feedback.Type,
        "category": Feedback.Category,
        "language": Feedback.Language,
        "answer_by": Feedback.AnswerBy,
        "channel": Feedback.Channel,
    }
    for key, enum in choices.items():
        if key in fields and fields[key] not in enum.values:
            add(key, _("Choose one of the options."))
    if fields.get("sensitive_kind") and fields["sensitive_kind"] not in (
        Feedback.SensitiveKind.values
    ):
        add("sensitive_kind", _("Choose one of the options."))
    commune = fields.get("commune")
    if commune is not None and (
        not isinstance(commune, Area) or commune.level != Area.Level.COMMUNE
    ):
        add("commune", _("Choose one of the options."))
    organisation = fields.get("organisation")
    if organisation is not None and not (
        isinstance(organisation, Organisation) and organisation.is_active
    ):
        add("organisation", _("Choose one of the options."))
    answer_by = fields.get("answer_by")
    if answer_by == Feedback.AnswerBy.PHONE:
        if not contact:
            add("contact", _("Give a phone number to be called back, or choose another way."))
        elif not _phone_ok(contact):
            add("contact", _("This does not look like a phone number."))
    elif answer_by == Feedback.AnswerBy.EMAIL:
        if not contact:
            add("contact", _("Give an e-mail address to be answered, or choose another way."))
        else:
            try:
                EmailValidator()(contact)
            except ValidationError:
                add("contact", _("This does not look like an e-mail address."))
    else:
        # Kept minimal: a contact is kept only when it is how the person wants to be answered.
        contact = ""
    if len(contact) > CONTACT_MAX:
        add("contact", _("This is too long."))
    if errors:
        raise ValidationError(errors)
    fields["message"], fields["contact"] = message, contact
    fields["is_sensitive"] = bool(fields.get("is_sensitive"))
    if not fields["is_sensitive"]:
        fields["sensitive_kind"] = ""
    return fields


def _split(data: Mapping[str, Any], allowed) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return dict(data)


def _event(feedback: Feedback, *, actor, action: str, **extra) -> FeedbackEvent:
    return FeedbackEvent.objects.create(
        feedback=feedback,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        **extra,
    )


def _create(fields: dict[str, Any], *, entered_by: User | None, note: str = "") -> Feedback:
    while True:
        reference = new_reference()
        if not Feedback.objects.filter(reference=reference).exists():
            break
    feedback = Feedback.objects.create(reference=reference, entered_by=entered_by, **fields)
    _event(feedback, actor=entered_by, action=A.RECEIVED, organisation=feedback.organisation)
    if feedback.is_sensitive:
        _event(feedback, actor=entered_by, action=A.FLAGGED, note=note)
    return feedback


@transaction.atomic
def feedback_submit(*, data: Mapping[str, Any]) -> Feedback:
    """Feedback given on the public portal: anonymous; no account, no address is stored."""
    fields = _clean_feedback(_split(data, SUBMIT_FIELDS))
    fields["channel"] = Feedback.Channel.PORTAL
    return _create(fields, entered_by=None)


@transaction.atomic
def feedback_create(*, actor: User, data: Mapping[str, Any]) -> Feedback:
    """Feedback received by another channel and entered by staff."""
    if not actor.has_perm("feedback.add_feedback"):
        raise PermissionDenied
    fields = _clean_feedback(_split(data, ENTRY_FIELDS))
    organisation = fields.get("organisation")
    if organisation is not None and not (
        actor.is_coordinator or feedback_rules.is_org_editor(actor, organisation)
    ):
        raise ValidationError(
            {"organisation": _("You may enter feedback only for your own organisations.")}
        )
    return _create(fields, entered_by=actor)


def _require_handle(actor: User, feedback: Feedback) -> None:
    if not actor.has_perm("feedback.handle_feedback", feedback):
        raise PermissionDenied


def _refuse_step(feedback: Feedback) -> ValidationError:
    return ValidationError(
        _("This cannot be done while the feedback is “%(status)s”.")
        % {"status": feedback.get_status_display()}
    )


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note is too long: at most %(max)d characters.") % {"max": NOTE_MAX}}
        )
    return note


@transaction.atomic
def feedback_acknowledge(*, actor: User, feedback: Feedback) -> Feedback:
    _require_handle(actor, feedback)
    if feedback.status not in ACKNOWLEDGE_FROM:
        raise _refuse_step(feedback)
    feedback.status = S.ACKNOWLEDGED
    feedback.acknowledged_at = timezone.now()
    feedback.save(update_fields=["status", "acknowledged_at", "updated_at"])
    _event(feedback, actor=actor, action=A.ACKNOWLEDGED)
    return feedback


def assignable_users(feedback: Feedback):
    """Who may be given a feedback item to handle: those who may handle it."""
    if feedback.is_sensitive:
        team = SensitiveTeamMember.objects.filter(organisation=feedback.organisation)
        users = User.objects.filter(pk__in=team.values("user_id"), is_active=True)
        if feedback.organisation is None:
            return users.filter(
                platform_role__in=[User.PlatformRole.COORDINATOR, User.PlatformRole.ADMIN]
            )
        members = Membership.objects.active().filter(organisation=feedback.organisation)
        return users.filter(pk__in=members.values("user_id"))
    coordinators = User.objects.filter(
        is_active=True,
        platform_role__in=[User.PlatformRole.COORDINATOR, User.PlatformRole.ADMIN],
    )
    if feedback.organisation is None:
        return coordinators
    editors = Membership.objects.active().filter(
        organisation=feedback.organisation,
        role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER],
    )
    return User.objects.filter(is_active=True, pk__in=editors.values("user_id")) | coordinators


@transaction.atomic
def feedback_assign(*, actor: User, feedback: Feedback, assignee: User, note: str = "") -> Feedback:
    _require_handle(actor, feedback)
    if feedback.status not in ASSIGN_FROM:
        raise _refuse_step(feedback)
    note = _note(note)
    if not assignable_users(feedback).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("This person may not handle this feedback.")})
    now = timezone.now()
    feedback.status = S.ASSIGNED
    feedback.assigned_to = assignee
    feedback.assigned_at = now
    feedback.acknowledged_at = feedback.acknowledged_at or now
    feedback.save(
        update_fields=["status", "assigned_to", "assigned_at", "acknowledged_at", "updated_at"]
    )
    _event(feedback, actor=actor, action=A.ASSIGNED, assigned_to=assignee, note=note)
    return feedback


@transaction.atomic
def feedback_answer(*, actor: User, feedback: Feedback, response: str, channel: str) -> Feedback:
    """Record the answer given; it is shown on the status page to whoever holds the code."""
    _require_handle(actor, feedback)
    if feedback.status not in ANSWER_FROM:
        raise _refuse_step(feedback)
    response = (response or "").strip()
    errors: dict[str, list[str]] = {}
    if not response:
        errors["response"] = [_("Write the answer.")]
    elif len(response) > RESPONSE_MAX:
        errors["response"] = [
            _("The answer is too long: at most %(max)d characters.") % {"max": RESPONSE_MAX}
        ]
    if channel not in Feedback.ResponseChannel.values:
        errors["channel"] = [_("Choose one of the options.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    feedback.status = S.ANSWERED
    feedback.response = response
    feedback.response_channel = channel
    feedback.answered_at = now
    feedback.acknowledged_at = feedback.acknowledged_at or now
    feedback.save(
        update_fields=[
            "status",
            "response",
            "response_channel",
            "answered_at",
            "acknowledged_at",
            "updated_at",
        ]
    )
    _event(feedback, actor=actor, action=A.ANSWERED)
    return feedback


@transaction.atomic
def feedback_close(*, actor: User, feedback: Feedback, note: str = "") -> Feedback:
    """Close: answered, or acknowledged when no answer was asked for (or possible)."""
    _require_handle(actor, feedback)
    if feedback.status not in CLOSE_FROM:
        raise _refuse_step(feedback)
    note = _note(note)
    if feedback.status != S.ANSWERED and feedback.answer_by != Feedback.AnswerBy.NONE and not note:
        raise ValidationError(
            {"note": _("Say why it is closed without an answer: the person asked for one.")}
        )
    feedback.status = S.CLOSED
    feedback.closed_at = timezone.now()
    feedback.save(update_fields=["status", "closed_at", "updated_at"])
    _event(feedback, actor=actor, action=A.CLOSED, note=note)
    return feedback


@transaction.atomic
def feedback_refer(
    *, actor: User, feedback: Feedback, organisation: Organisation | None, note: str
) -> Feedback:
    """Pass the feedback on to another organisation (or to the coordination, with None)."""
    _require_handle(actor, feedback)
    if feedback.status == S.CLOSED:
        raise _refuse_step(feedback)
    note = _note(note)
    if organisation is not None and not organisation.is_active:
        raise ValidationError({"organisation": _("Choose one of the options.")})
    if organisation == feedback.organisation:
        raise ValidationError({"organisation": _("The feedback is already addressed there.")})
    if not note:
        raise ValidationError(
            {"note": _("Say why it is referred, for the organisation receiving it.")}
        )
    feedback.organisation = organisation
    feedback.assigned_to = None
    if feedback.status == S.ASSIGNED:
        feedback.status = S.ACKNOWLEDGED
    feedback.save(update_fields=["organisation", "assigned_to", "status", "updated_at"])
    _event(feedback, actor=actor, action=A.REFERRED, organisation=organisation, note=note)
    return feedback


@transaction.atomic
def feedback_set_sensitive(
    *, actor: User, feedback: Feedback, sensitive: bool, kind: str = "", note: str = ""
) -> Feedback:
    """Mark sensitive (anyone who handles it; they may then lose sight of it) or clear the mark
    (only the sensitive team, who alone see it)."""
    _require_handle(actor, feedback)
    note = _note(note)
    if sensitive == feedback.is_sensitive:
        raise ValidationError(
            _("The feedback is already marked sensitive.")
            if sensitive
            else _("The feedback is not marked sensitive.")
        )
    if sensitive and kind not in Feedback.SensitiveKind.values:
        raise ValidationError({"kind": _("Choose one of the options.")})
    feedback.is_sensitive = sensitive
    feedback.sensitive_kind = kind if sensitive else ""
    if sensitive:
        # The person handling it may not be on the sensitive team.
        feedback.assigned_to = None
        if feedback.status == S.ASSIGNED:
            feedback.status = S.ACKNOWLEDGED
    feedback.save(
        update_fields=["is_sensitive", "sensitive_kind", "assigned_to", "status", "updated_at"]
    )
    _event(feedback, actor=actor, action=A.FLAGGED if sensitive else A.UNFLAGGED, note=note)
    return feedback


# --- Sensitive teams -----------------------------------------------------------------------------


@transaction.atomic
def sensitive_team_add(
    *, actor: User, organisation: Organisation | None, user: User
) -> SensitiveTeamMember:
    if not actor.has_perm("feedback.manage_sensitive_team", organisation):
        raise PermissionDenied
    if organisation is None:
        if not user.is_coordinator:
            raise ValidationError(
                {"user": _("Only coordinators may be on the coordination's team.")}
            )
    elif not Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise ValidationError({"user": _("This person is not a member of the organisation.")})
    if SensitiveTeamMember.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"user": _("This person is already on the team.")})
    member = SensitiveTeamMember.objects.create(
        organisation=organisation, user=user, added_by=actor
    )
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=member,
        after={"sensitive_team": str(user.pk)},
        organisation_id=organisation.pk if organisation else None,
    )
    return member


@transaction.atomic
def sensitive_team_remove(*, actor: User, member: SensitiveTeamMember) -> None:
    if not actor.has_perm("feedback.manage_sensitive_team", member.organisation):
        raise PermissionDenied
    record(
        actor=actor,
        action=AuditEvent.Action.ACCESS,
        instance=member,
        before={"sensitive_team": str(member.user_id)},
        organisation_id=member.organisation_id,
    )
    member.delete()


# --- You said, we did ----------------------------------------------------------------------------


def _clean_you_said(entry: YouSaidWeDid) -> None:
    errors: dict[str, list[str]] = {}
    if not any(getattr(entry, f"said_{code}") for code in ("ar", "fr", "en", "es")):
        errors["said_ar"] = [_("Write what was said in at least one language.")]
    if not any(getattr(entry, f"did_{code}") for code in ("ar", "fr", "en", "es")):
        errors["did_ar"] = [_("Write what was done in at least one language.")]
    try:
        entry.full_clean(exclude=[*errors, "created_by"])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def you_said_create(*, actor: User, data: Mapping[str, Any]) -> YouSaidWeDid:
    if not actor.has_perm("feedback.manage_you_said"):
        raise PermissionDenied
    fields = _split(data, YOU_SAID_FIELDS)
    entry = YouSaidWeDid(created_by=actor, **fields)
    _clean_you_said(entry)
    entry.save()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=entry,
        after={key: str(value) for key, value in fields.items()},
    )
    return entry


@transaction.atomic
def you_said_update(*, actor: User, entry: YouSaidWeDid, data: Mapping[str, Any]) -> YouSaidWeDid:
    if not actor.has_perm("feedback.manage_you_said"):
        raise PermissionDenied
    fields = _split(data, YOU_SAID_FIELDS)
    before = {key: getattr(entry, key) for key in fields}
    for key, value in fields.items():
        setattr(entry, key, value)
    _clean_you_said(entry)
    entry.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=entry,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in fields.items()},
    )
    return entry
