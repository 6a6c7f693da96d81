"""Writes of invitations and registrations (issue 4; docs/decisions/0019).

Like ``services.py``: keyword-only, atomic, permission checked through ``rules.py``, translated
``ValidationError`` when refused (nothing written then), an audit event for every change.

Every write locks the meeting's row first (``select_for_update``), so two registrations sent at
the same moment are counted one after the other and cannot together overbook the room. Answers
and registrations close when the meeting starts; a cancelled meeting takes none.

Invited organisations' people are told by e-mail, each alone and in their language; the message
names the meeting and organisations, nobody else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.tasks import send_email
from madina.meetings.models import InterpretationLanguage, Invitation, Meeting, Registration
from madina.meetings.registration_selectors import places
from madina.meetings.services import MAX_ATTENDANCE, _check, _lock_meeting

REGISTRATION_FIELDS = (
    "women",
    "men",
    "other",
    "interpretation",
    "interpretation_other",
    "childcare_places",
    "wheelchair_access",
    "sign_language",
    "other_needs",
)
COUNTS = ("women", "men", "other", "childcare_places")
INVITATION_AUDITED = ["meeting", "organisation", "state", "uses_reserved_places", "answered_at"]


def _now(now: datetime.datetime | None) -> datetime.datetime:
    """The moment of the write: now, or earlier when the demo loads a meeting already held."""
    current = timezone.now()
    if now is None:
        return current
    if now > current:
        raise ValueError("A write cannot be dated in the future.")
    return now


def _refuse_unless_open(meeting: Meeting, now: datetime.datetime) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: it takes no invitations or answers."))
    if now >= meeting.starts_at:
        raise ValidationError(
            _("The meeting has started: invitations and registrations can no longer change.")
        )


def _audit(actor, action, instance, *, organisation_id, before=None, after=None) -> None:
    record(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=after,
        organisation_id=organisation_id,
    )


def check_capacity(meeting: Meeting, invitation: Invitation, people: int) -> None:
    """Refuse ``people`` for ``invitation`` when they do not fit in the places left.

    Call with the meeting's row locked; ``invitation``'s own registration is counted out.
    """
    left = places(meeting, excluding=invitation).left_for(invitation)
    if left is None or people <= left:
        return
    if left == 0:
        raise ValidationError(_("The meeting is full: no places are left."), code="full")
    raise ValidationError(
        ngettext(
            "Only %(left)s place is left: register at most %(left)s person.",
            "Only %(left)s places are left: register at most %(left)s people.",
            left,
        )
        % {"left": left},
        code="full",
    )


# --- Invitations --------------------------------------------------------------------------------


@transaction.atomic
def invitations_send(
    *,
    actor,
    meeting: Meeting,
    organisations: Iterable[Organisation],
    uses_reserved_places: bool = False,
    base_url: str = "",
    notify: bool = True,
    now: datetime.datetime | None = None,
) -> list[Invitation]:
    """Invite organisations to a meeting and e-mail their people once this is committed.

    Organisations already invited are left as they are; refused when none is new. ``notify``
    is false only for the demo, which loads a meeting already held.
    """
    _check(actor, "meetings.manage_invitations", meeting)
    meeting = _lock_meeting(meeting)
    _refuse_unless_open(meeting, _now(now))
    already = set(meeting.invitations.values_list("organisation_id", flat=True))
    wanted = {o.pk: o for o in organisations if o.pk not in already}
    inactive = [o for o in wanted.values() if not o.is_active]
    if inactive:
        raise ValidationError(_("Only active organisations can be invited."))
    if not wanted:
        raise ValidationError(_("Choose at least one organisation that is not invited yet."))
    created = []
    for organisation in wanted.values():
        invitation = Invitation.objects.create(
            meeting=meeting,
            organisation=organisation,
            uses_reserved_places=uses_reserved_places,
        )
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            invitation,
            organisation_id=meeting.organiser_id,
            after=snapshot(invitation, INVITATION_AUDITED),
        )
        created.append(invitation)
    ids = [invitation.pk for invitation in created]
    if notify:
        transaction.on_commit(lambda: notify_invited(invitation_ids=ids, base_url=base_url))
    return created


@transaction.atomic
def invitation_set_reserved(
    *, actor, invitation: Invitation, uses_reserved_places: bool
) -> Invitation:
    """Let an invitation fill the reserved places, or not; refused if its people then no longer
    fit."""
    _check(actor, "meetings.manage_invitations", invitation.meeting)
    meeting = _lock_meeting(invitation.meeting)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, meeting=meeting)
    before = snapshot(invitation, INVITATION_AUDITED)
    invitation.uses_reserved_places = uses_reserved_places
    registration = Registration.objects.filter(invitation=invitation).first()
    if registration is not None and invitation.state == Invitation.State.ACCEPTED:
        check_capacity(meeting, invitation, registration.total)
    invitation.save(update_fields=["uses_reserved_places", "updated_at"])
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        invitation,
        organisation_id=meeting.organiser_id,
        before=before,
        after=snapshot(invitation, INVITATION_AUDITED),
    )
    return invitation


# --- Answers and registrations ------------------------------------------------------------------


def _clean_registration(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for key in COUNTS:
        value = data.get(key) or 0
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= MAX_ATTENDANCE
        ):
            errors.setdefault(key, []).append(_("Counts are whole numbers between 0 and 10,000."))
        fields[key] = value
    people = sum(fields[k] for k in ("women", "men", "other") if isinstance(fields[k], int))
    if not errors and people == 0:
        errors.setdefault("women", []).append(
            _("Say how many people will come: at least one, or decline the invitation.")
        )
    interpretation: dict[str, int] = {}
    raw = data.get("interpretation") or {}
    if not isinstance(raw, Mapping):
        raw = {"?": raw}
    for code, count in raw.items():
        if code not in InterpretationLanguage.values:
            errors.setdefault("interpretation", []).append(_("Choose a language of the list."))
        elif not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= people:
            errors.setdefault("interpretation", []).append(
                _("Say how many of the people registered need each interpretation.")
            )
        elif count:
            interpretation[code] = count
    fields["interpretation"] = dict(sorted(interpretation.items()))
    other_language = str(data.get("interpretation_other") or "").strip()
    if interpretation.get(InterpretationLanguage.OTHER) and not other_language:
        errors.setdefault("interpretation_other", []).append(_("Say which other language."))
    if other_language and not interpretation.get(InterpretationLanguage.OTHER):
        errors.setdefault("interpretation_other", []).append(
            _("Say how many people need interpretation into this other language.")
        )
    fields["interpretation_other"] = other_language
    fields["wheelchair_access"] = bool(data.get("wheelchair_access"))
    fields["sign_language"] = bool(data.get("sign_language"))
    fields["other_needs"] = str(data.get("other_needs") or "").strip()
    for key, limit in (("interpretation_other", 100), ("other_needs", 200)):
        if len(fields[key]) > limit:
            errors.setdefault(key, []).append(_("At most %(limit)s characters.") % {"limit": limit})
    if errors:
        raise ValidationError(errors)
    return fields


REGISTRATION_AUDITED = [*REGISTRATION_FIELDS, "invitation"]


@transaction.atomic
def registration_save(
    *,
    actor,
    invitation: Invitation,
    data: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> Registration:
    """Accept an invitation and say how many people come, by sex, and what they need.

    Only the invited organisation's admins and members may. Refused, with nothing written, when
    the people do not fit in the places left (the meeting's row is locked meanwhile, so two
    organisations registering at once are counted one after the other), or once the meeting has
    started. Changing a registration counts its own people out first.
    """
    _check(actor, "meetings.answer_invitation", invitation)
    meeting = _lock_meeting(invitation.meeting)
    moment = _now(now)
    _refuse_unless_open(meeting, moment)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, meeting=meeting)
    fields = _clean_registration(data)
    check_capacity(meeting, invitation, fields["women"] + fields["men"] + fields["other"])
    registration = Registration.objects.filter(invitation=invitation).first()
    before = None if registration is None else snapshot(registration, REGISTRATION_AUDITED)
    if registration is None:
        registration = Registration(invitation=invitation)
    for key, value in fields.items():
        setattr(registration, key, value)
    registration.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        registration,
        organisation_id=invitation.organisation_id,
        before=before,
        after=snapshot(registration, REGISTRATION_AUDITED),
    )
    _answer(actor, invitation, Invitation.State.ACCEPTED, moment)
    return registration


@transaction.atomic
def invitation_decline(
    *, actor, invitation: Invitation, now: datetime.datetime | None = None
) -> Invitation:
    """Decline an invitation; a registration made earlier is removed, its places freed."""
    _check(actor, "meetings.answer_invitation", invitation)
    meeting = _lock_meeting(invitation.meeting)
    moment = _now(now)
    _refuse_unless_open(meeting, moment)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, meeting=meeting)
    registration = Registration.objects.filter(invitation=invitation).first()
    if registration is not None:
        _audit(
            actor,
            AuditEvent.Action.DELETE,
            registration,
            organisation_id=invitation.organisation_id,
            before=snapshot(registration, REGISTRATION_AUDITED),
        )
        registration.delete()
    _answer(actor, invitation, Invitation.State.DECLINED, moment)
    return invitation


def _answer(actor, invitation: Invitation, state: str, moment: datetime.datetime) -> None:
    if invitation.state == state:
        return
    before = snapshot(invitation, INVITATION_AUDITED)
    invitation.state = state
    invitation.answered_at = moment
    invitation.save(update_fields=["state", "answered_at", "updated_at"])
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        invitation,
        organisation_id=invitation.organisation_id,
        before=before,
        after=snapshot(invitation, INVITATION_AUDITED),
    )


# --- E-mails ------------------------------------------------------------------------------------


def invitation_recipients(organisation: Organisation) -> list[User]:
    """The organisation's active people, read-only members included: all of them are told."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation=organisation,
        )
        .distinct()
        .order_by("pk")
    )


def invitation_message(invitation: Invitation, url: str) -> tuple[str, str]:
    """The invitation's e-mail in the active language: the meeting, when, where, a link."""
    meeting = invitation.meeting
    subject = _("Invitation to the meeting “%(title)s”") % {"title": meeting.title}
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    if meeting.is_in_person:
        place = ", ".join(
            part
            for part in (meeting.address, meeting.commune.name if meeting.commune else "")
            if part
        )
        if meeting.is_online:
            place = _("%(place)s, and online") % {"place": place}
    else:
        place = _("online")
    lines = [
        _("%(organisation)s is invited by %(organiser)s to the meeting “%(title)s”.")
        % {
            "organisation": invitation.organisation.name,
            "organiser": meeting.organiser.name,
            "title": meeting.title,
        },
        _("When: %(when)s.") % {"when": when},
        _("Where: %(place)s.") % {"place": place},
        "",
        _("Answer and say how many people will come, and what they need, here: %(url)s")
        % {"url": url},
    ]
    return subject, "\n".join(lines)


def notify_invited(*, invitation_ids: list[int], base_url: str = "") -> int:
    """E-mail the people of each invited organisation, one message each, in their language."""
    base = (base_url or getattr(settings, "MADINA_BASE_URL", "")).rstrip("/")
    sent = 0
    found = Invitation.objects.filter(pk__in=invitation_ids).select_related(
        "meeting__commune", "meeting__organiser", "organisation"
    )
    for invitation in found:
        for user in invitation_recipients(invitation.organisation):
            language = user.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                url = f"{base}/{language}/meetings/invitations/{invitation.pk}/"
                subject, body = invitation_message(invitation, url)
            send_email(subject=subject, body=body, recipients=[user.email])
            sent += 1
    return sent
