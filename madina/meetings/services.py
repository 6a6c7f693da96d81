"""Writes of meetings and recommendations. Pages, the API and the demo all go through here.

Every function is keyword-only and atomic: it checks the permission through ``rules.py``
(raising ``PermissionDenied``), validates (raising a translated ``ValidationError``, per field
when it can), writes, and records an audit event. When it refuses, nothing is written. A closed
space is read-only, its meetings included.

A change of a recommendation's state is written as a dated update and its followers — the people
of the organisations it is addressed to and of those that attended the meeting, when they may
see it — receive an e-mail naming only the recommendation's code and title and organisations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.coordination.models import ProgrammeItem, Space
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.tasks import send_email
from madina.core.uploads import EVIDENCE_KINDS, CheckedUpload, Kind, check_upload
from madina.core.validation import full_clean_collecting
from madina.meetings.models import (
    FILE_MAX_BYTES,
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesFile,
    Recommendation,
    RecommendationAction,
    RecommendationUpdate,
    Session,
    Speaker,
)
from madina.meetings.registration_selectors import places
from madina.meetings.selectors import recommendation_progress
from madina.territory.models import Area

State = Recommendation.State

MEETING_FIELDS = (
    "title",
    "description",
    "type",
    "mode",
    "status",
    "starts_at",
    "ends_at",
    "commune",
    "address",
    "online_url",
    "organiser",
    "capacity",
    "reserved_places",
)
MEETING_M2M = ("co_organisers",)
AGENDA_FIELDS = ("parent", "order", "title", "description", "duration_minutes")
SESSION_FIELDS = ("order", "title", "description", "agenda_item")
SPEAKER_FIELDS = ("order", "name", "position", "affiliation", "bio")
RECOMMENDATION_FIELDS = (
    "session",
    "title",
    "text",
    "language",
    "translations",
    "theme",
    "priority",
    "is_public",
)
RECOMMENDATION_M2M = ("addressees",)

# Where a recommendation may go from each state (docs/decisions/0015).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.ADOPTED, State.REJECTED),
    State.ADOPTED: (
        State.IN_PROGRESS,
        State.IMPLEMENTED,
        State.PARTLY_IMPLEMENTED,
        State.NOT_IMPLEMENTED,
        State.REJECTED,
    ),
    State.IN_PROGRESS: (State.IMPLEMENTED, State.PARTLY_IMPLEMENTED, State.NOT_IMPLEMENTED),
    State.PARTLY_IMPLEMENTED: (State.IN_PROGRESS, State.IMPLEMENTED),
    State.NOT_IMPLEMENTED: (State.IN_PROGRESS,),
    State.IMPLEMENTED: (),
    State.REJECTED: (),
}
NEEDS_JUSTIFICATION = {State.REJECTED, State.NOT_IMPLEMENTED}
INITIAL_STATES = (State.DRAFT, State.ADOPTED)
MAX_ATTENDANCE = 10_000


# --- Shared checks ------------------------------------------------------------------------------


def _unknown_keys(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _refuse_if_closed(space: Space) -> None:
    if space.is_closed:
        raise ValidationError(_("This space is closed: reopen it before changing it."))


_full_clean = full_clean_collecting


def _strip(fields: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
        elif name in fields and fields[name] is None:
            fields[name] = ""


def _lock_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("space").get(pk=meeting.pk)
    _refuse_if_closed(meeting.space)
    return meeting


def _audit(actor, action, instance, meeting: Meeting, before=None, after=None) -> None:
    record(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=after,
        organisation_id=meeting.organiser_id,
    )


# --- Meetings -----------------------------------------------------------------------------------


def _validate_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if not meeting.title:
        _add(errors, "title", _("Give the meeting a title."))
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        _add(errors, "ends_at", _("The meeting must end after it starts."))
    if meeting.commune_id is not None and meeting.commune.level != Area.Level.COMMUNE:
        _add(errors, "commune", _("Choose a commune."))
    if meeting.is_in_person and meeting.commune_id is None:
        _add(errors, "commune", _("Give the commune where the meeting takes place."))
    if meeting.mode == Meeting.Mode.ONLINE and meeting.address:
        _add(errors, "address", _("An online meeting has no address: choose hybrid instead."))
    _validate_places(meeting, errors)
    _full_clean(meeting, errors)


def _validate_places(meeting: Meeting, errors: dict[str, list[str]]) -> None:
    """Reserved places within the capacity, and room for everyone registered (decision 19)."""
    reserved = meeting.reserved_places
    if meeting.capacity is None:
        if reserved:
            _add(errors, "reserved_places", _("Give the number of places before reserving some."))
        return
    if reserved > meeting.capacity:
        _add(errors, "reserved_places", _("At most as many reserved places as places."))
        return
    if meeting.pk is None:
        return
    taken = places(meeting)
    if taken.registered > meeting.capacity:
        _add(
            errors,
            "capacity",
            _("%(people)s people are registered already: keep at least that many places.")
            % {"people": taken.registered},
        )
    elif taken.registered_general > meeting.capacity - reserved:
        _add(
            errors,
            "reserved_places",
            _(
                "The organisations registered outside the reserved places need %(people)s "
                "places: reserve fewer."
            )
            % {"people": taken.registered_general},
        )


def _meeting_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    _unknown_keys(data, MEETING_FIELDS + MEETING_M2M)
    fields = {key: value for key, value in data.items() if key not in MEETING_M2M}
    _strip(fields, ("title", "description", "address", "online_url"))
    if "reserved_places" in fields and fields["reserved_places"] is None:
        fields["reserved_places"] = 0
    m2m = {key: list(data[key] or []) for key in MEETING_M2M if key in data}
    return fields, m2m


@transaction.atomic
def meeting_create(*, actor, space: Space, data: Mapping[str, Any]) -> Meeting:
    """Plan a meeting in a space; its admins, editors and rapporteurs, and coordinators, may."""
    _check(actor, "meetings.add_meeting", space)
    space = Space.objects.select_for_update().get(pk=space.pk)
    _refuse_if_closed(space)
    fields, m2m = _meeting_fields(data)
    meeting = Meeting(space=space, **fields)
    _validate_meeting(meeting)
    meeting.save()
    for key, values in m2m.items():
        getattr(meeting, key).set(values)
    _audit(actor, AuditEvent.Action.CREATE, meeting, meeting, after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: Mapping[str, Any]) -> Meeting:
    """Change a meeting; only the keys present in ``data`` change. The space does not."""
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    fields, m2m = _meeting_fields(data)
    before = snapshot(meeting)
    for key, value in fields.items():
        setattr(meeting, key, value)
    _validate_meeting(meeting)
    meeting.save()
    for key, values in m2m.items():
        getattr(meeting, key).set(values)
    _audit(
        actor, AuditEvent.Action.UPDATE, meeting, meeting, before=before, after=snapshot(meeting)
    )
    return meeting


# --- Agenda, sessions, speakers -----------------------------------------------------------------


def _ancestors(item: AgendaItem) -> set[int]:
    found: set[int] = set()
    parent_id = item.parent_id
    while parent_id is not None and parent_id not in found:
        found.add(parent_id)
        parent_id = AgendaItem.objects.filter(pk=parent_id).values_list("parent_id", flat=True)[0]
    return found


@transaction.atomic
def agenda_item_save(
    *, actor, meeting: Meeting, data: Mapping[str, Any], item: AgendaItem | None = None
) -> AgendaItem:
    """Add an agenda item, or change one; an item may sit under another of the same meeting."""
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    _unknown_keys(data, AGENDA_FIELDS)
    fields = dict(data)
    _strip(fields, ("title", "description"))
    if item is None:
        item = AgendaItem(meeting=meeting)
        before = None
    else:
        item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
        before = snapshot(item)
    for key, value in fields.items():
        setattr(item, key, value)
    if fields.get("order") is None and (before is None or "order" in fields):
        siblings = meeting.agenda_items.filter(parent_id=item.parent_id).exclude(pk=item.pk)
        item.order = (siblings.aggregate(top=Max("order"))["top"] or 0) + 1
    errors: dict[str, list[str]] = {}
    parent = item.parent
    if parent is not None:
        if parent.meeting_id != meeting.pk:
            _add(errors, "parent", _("Choose an item of this meeting's agenda."))
        elif item.pk is not None and (parent.pk == item.pk or item.pk in _ancestors(parent)):
            _add(
                errors,
                "parent",
                _("An item cannot sit under itself or under one of its own items."),
            )
    _full_clean(item, errors, exclude=["meeting"])
    item.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        item,
        meeting,
        before=before,
        after=snapshot(item),
    )
    return item


@transaction.atomic
def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    """Take an item, and the items under it, off the agenda."""
    _check(actor, "meetings.change_meeting", item.meeting)
    meeting = _lock_meeting(item.meeting)
    _audit(actor, AuditEvent.Action.DELETE, item, meeting, before=snapshot(item))
    item.delete()


@transaction.atomic
def session_save(
    *, actor, meeting: Meeting, data: Mapping[str, Any], session: Session | None = None
) -> Session:
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    _unknown_keys(data, SESSION_FIELDS)
    fields = dict(data)
    _strip(fields, ("title", "description"))
    if session is None:
        session, before = Session(meeting=meeting), None
    else:
        session = Session.objects.select_for_update().get(pk=session.pk, meeting=meeting)
        before = snapshot(session)
    for key, value in fields.items():
        setattr(session, key, value)
    if fields.get("order") is None and (before is None or "order" in fields):
        others = meeting.sessions.exclude(pk=session.pk)
        session.order = (others.aggregate(top=Max("order"))["top"] or 0) + 1
    errors: dict[str, list[str]] = {}
    if session.agenda_item is not None and session.agenda_item.meeting_id != meeting.pk:
        _add(errors, "agenda_item", _("Choose an item of this meeting's agenda."))
    _full_clean(session, errors, exclude=["meeting"])
    session.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        session,
        meeting,
        before=before,
        after=snapshot(session),
    )
    return session


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    """Remove a session and its speakers; refused once a recommendation comes from it."""
    _check(actor, "meetings.change_meeting", session.meeting)
    meeting = _lock_meeting(session.meeting)
    if session.recommendations.exists():
        raise ValidationError(_("Recommendations come from this session: it cannot be removed."))
    _audit(actor, AuditEvent.Action.DELETE, session, meeting, before=snapshot(session))
    session.delete()


@transaction.atomic
def speaker_save(
    *, actor, session: Session, data: Mapping[str, Any], speaker: Speaker | None = None
) -> Speaker:
    """Add a speaker to a session, or change one."""
    _check(actor, "meetings.change_meeting", session.meeting)
    meeting = _lock_meeting(session.meeting)
    _unknown_keys(data, SPEAKER_FIELDS)
    fields = dict(data)
    _strip(fields, ("name", "position", "bio"))
    if speaker is None:
        speaker, before = Speaker(session=session), None
    else:
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk, session=session)
        before = snapshot(speaker)
    for key, value in fields.items():
        setattr(speaker, key, value)
    if fields.get("order") is None and (before is None or "order" in fields):
        others = session.speakers.exclude(pk=speaker.pk)
        speaker.order = (others.aggregate(top=Max("order"))["top"] or 0) + 1
    errors: dict[str, list[str]] = {}
    if not speaker.name:
        _add(errors, "name", _("Give the speaker's name or role."))
    _full_clean(speaker, errors, exclude=["session"])
    speaker.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        speaker,
        meeting,
        before=before,
        after=snapshot(speaker),
    )
    return speaker


@transaction.atomic
def speaker_delete(*, actor, speaker: Speaker) -> None:
    _check(actor, "meetings.change_meeting", speaker.session.meeting)
    meeting = _lock_meeting(speaker.session.meeting)
    _audit(actor, AuditEvent.Action.DELETE, speaker, meeting, before=snapshot(speaker))
    speaker.delete()


# --- Attendance ---------------------------------------------------------------------------------


def _attendance_snapshot(meeting: Meeting) -> dict[str, Any]:
    rows = meeting.attendance.order_by("organisation_id")
    return {
        "attendance": {str(row.organisation_id): [row.women, row.men, row.other] for row in rows}
    }


@transaction.atomic
def attendance_set(
    *, actor, meeting: Meeting, rows: Iterable[Mapping[str, Any]]
) -> list[Attendance]:
    """Replace the meeting's attendance: one row per organisation, counted by sex.

    ``rows`` are ``{"organisation", "women", "men", "other"}``; rows that count nobody are
    dropped. Refused as a whole when an organisation comes twice or a count is not a whole
    number between 0 and 10,000.
    """
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: it has no attendance."))
    wanted: dict[int, tuple[int, int, int]] = {}
    errors: list[str] = []
    for row in rows:
        _unknown_keys(row, ("organisation", "women", "men", "other"))
        organisation = row.get("organisation")
        counts = tuple(row.get(key) or 0 for key in ("women", "men", "other"))
        if any(not isinstance(n, int) or n < 0 or n > MAX_ATTENDANCE for n in counts):
            errors.append(_("Counts are whole numbers between 0 and 10,000."))
            continue
        if not any(counts):
            continue
        if not isinstance(organisation, Organisation):
            errors.append(_("Choose the organisation of each row that counts people."))
            continue
        if organisation.pk in wanted:
            errors.append(
                _("%(organisation)s is counted twice: put its people on one row.")
                % {"organisation": organisation.name}
            )
            continue
        wanted[organisation.pk] = counts  # type: ignore[assignment]
    if errors:
        raise ValidationError(sorted(set(errors)))
    before = _attendance_snapshot(meeting)
    meeting.attendance.exclude(organisation_id__in=wanted).delete()
    for organisation_id, (women, men, other) in wanted.items():
        Attendance.objects.update_or_create(
            meeting=meeting,
            organisation_id=organisation_id,
            defaults={"women": women, "men": men, "other": other},
        )
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        meeting,
        meeting,
        before=before,
        after=_attendance_snapshot(meeting),
    )
    return list(meeting.attendance.all())


# --- Minutes ------------------------------------------------------------------------------------


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, text: str) -> Minutes:
    """Write or rewrite the minutes; published minutes stay published, their history kept."""
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the minutes before saving them.")})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    before = None if minutes is None else snapshot(minutes)
    if minutes is None:
        minutes = Minutes(meeting=meeting)
    minutes.text = text
    minutes.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        minutes,
        meeting,
        before=before,
        after=snapshot(minutes),
    )
    return minutes


@transaction.atomic
def minutes_publish(*, actor, meeting: Meeting, publish: bool = True) -> Minutes:
    """Publish validated minutes to everyone who sees the meeting, or withdraw them."""
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Write the minutes before publishing them."))
    if minutes.is_published == publish:
        raise ValidationError(
            _("The minutes are already published.")
            if publish
            else _("The minutes are not published.")
        )
    before = snapshot(minutes)
    minutes.is_published = publish
    minutes.published_at = timezone.now() if publish else None
    minutes.published_by = actor if publish else None
    minutes.save()
    _audit(
        actor, AuditEvent.Action.UPDATE, minutes, meeting, before=before, after=snapshot(minutes)
    )
    return minutes


# --- Documents and photos of the minutes, evidence files ----------------------------------------


def _checked(file: Any, *, kinds, key: str) -> CheckedUpload:
    """``file`` as checked by ``core.uploads`` (photos always lose their metadata)."""
    if isinstance(file, CheckedUpload):
        if file.kind not in kinds:
            raise ValidationError({key: _("Choose a photo: a JPEG, PNG or WebP image.")})
        return file
    try:
        return check_upload(file, kinds=kinds, max_bytes=FILE_MAX_BYTES, strip_metadata=True)
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from None


FILE_AUDITED = ["minutes", "kind", "title", "original_name", "content_type", "size"]


@transaction.atomic
def minutes_file_add(
    *, actor, meeting: Meeting, file: Any, kind: str, title: str = ""
) -> MinutesFile:
    """Add a document or a photo to the minutes (which must be written first).

    ``file`` is a ``CheckedUpload`` (the form's ``EvidenceFileField``) or an uploaded file,
    checked here. A photo must be an image; every image is stored without its metadata (EXIF,
    GPS position). The file reaches storage last, once everything else has been checked.
    """
    _check(actor, "meetings.change_meeting", meeting)
    meeting = _lock_meeting(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Write the minutes before adding documents or photos to them."))
    if kind not in MinutesFile.Kind.values:
        raise ValidationError({"kind": _("Choose a document or a photo.")})
    kinds = (Kind.IMAGE,) if kind == MinutesFile.Kind.PHOTO else EVIDENCE_KINDS
    checked = _checked(file, kinds=kinds, key="file")
    attachment = MinutesFile(
        minutes=minutes,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        title=(title or "").strip(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.full_clean(exclude=["file", "minutes", "uploaded_by"])
    attachment.file.save(checked.name, checked, save=False)
    try:
        attachment.save()
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            attachment,
            meeting,
            after=snapshot(attachment, FILE_AUDITED),
        )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def minutes_file_remove(*, actor, attachment: MinutesFile) -> None:
    """Remove a document or photo of the minutes; it leaves storage once that is committed."""
    attachment = MinutesFile.objects.select_related("minutes__meeting").get(pk=attachment.pk)
    _check(actor, "meetings.change_meeting", attachment.minutes.meeting)
    meeting = _lock_meeting(attachment.minutes.meeting)
    _audit(
        actor,
        AuditEvent.Action.DELETE,
        attachment,
        meeting,
        before=snapshot(attachment, FILE_AUDITED),
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Recommendations ----------------------------------------------------------------------------


def _clean_translations(value, errors: dict[str, list[str]]) -> dict:
    if not value:
        return {}
    codes = {code for code, _language in settings.LANGUAGES}
    cleaned: dict[str, dict[str, str]] = {}
    if not isinstance(value, dict):
        _add(errors, "translations", _("Translations are given per language."))
        return {}
    for code, texts in value.items():
        if code not in codes or not isinstance(texts, dict) or set(texts) - {"title", "text"}:
            _add(errors, "translations", _("Translations are given per language."))
            continue
        title = str(texts.get("title") or "").strip()
        text = str(texts.get("text") or "").strip()
        if text and not title:
            _add(errors, "translations", _("Give the title too when you translate the text."))
        if title:
            cleaned[code] = {"title": title, **({"text": text} if text else {})}
    return cleaned


def _validate_recommendation(recommendation: Recommendation, meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if not recommendation.title:
        _add(errors, "title", _("Give the recommendation a title."))
    session = recommendation.session
    if session is not None and session.meeting_id != meeting.pk:
        _add(errors, "session", _("Choose a session of this meeting."))
    theme = recommendation.theme
    if theme is not None and (theme.parent_id is not None or not theme.is_active):
        _add(errors, "theme", _("Choose a programme of the national strategy as the theme."))
    if recommendation.is_public and meeting.space.visibility != Space.Visibility.PUBLIC:
        _add(
            errors,
            "is_public",
            _("Only the recommendations of a public space can be shown to the public."),
        )
    recommendation.translations = _clean_translations(recommendation.translations, errors)
    _full_clean(recommendation, errors, exclude=["meeting", "number", "translations"])


def _recommendation_fields(data: Mapping[str, Any], extra: Iterable[str] = ()):
    _unknown_keys(data, (*RECOMMENDATION_FIELDS, *RECOMMENDATION_M2M, *extra))
    fields = {key: value for key, value in data.items() if key not in RECOMMENDATION_M2M}
    _strip(fields, ("title", "text", "language"))
    m2m = {key: list(data[key] or []) for key in RECOMMENDATION_M2M if key in data}
    return fields, m2m


@transaction.atomic
def recommendation_create(*, actor, meeting: Meeting, data: Mapping[str, Any]) -> Recommendation:
    """Record a recommendation of a meeting, numbered in it; a draft, or adopted at once."""
    _check(actor, "meetings.change_recommendation", meeting)
    meeting = _lock_meeting(meeting)
    fields, m2m = _recommendation_fields(data, extra=("state",))
    state = fields.pop("state", None) or State.DRAFT
    if state not in INITIAL_STATES:
        raise ValidationError({"state": _("A new recommendation is a draft or adopted.")})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: it has no recommendations."))
    recommendation = Recommendation(meeting=meeting, state=state, **fields)
    _validate_recommendation(recommendation, meeting)
    recommendation.number = (meeting.recommendations.aggregate(top=Max("number"))["top"] or 0) + 1
    recommendation.save()
    for key, values in m2m.items():
        getattr(recommendation, key).set(values)
    _audit(actor, AuditEvent.Action.CREATE, recommendation, meeting, after=snapshot(recommendation))
    return recommendation


@transaction.atomic
def recommendation_update(
    *, actor, recommendation: Recommendation, data: Mapping[str, Any]
) -> Recommendation:
    """Change what a recommendation says and to whom; its state changes only through updates."""
    _check(actor, "meetings.change_recommendation", recommendation)
    meeting = _lock_meeting(recommendation.meeting)
    fields, m2m = _recommendation_fields(data)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    before = snapshot(recommendation)
    for key, value in fields.items():
        setattr(recommendation, key, value)
    _validate_recommendation(recommendation, meeting)
    recommendation.save()
    for key, values in m2m.items():
        getattr(recommendation, key).set(values)
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        recommendation,
        meeting,
        before=before,
        after=snapshot(recommendation),
    )
    return recommendation


def allowed_states(recommendation: Recommendation) -> tuple[str, ...]:
    return TRANSITIONS.get(recommendation.state, ())


def _validate_date(*, meeting: Meeting, on, errors: dict[str, list[str]]) -> None:
    if on > timezone.localdate():
        _add(errors, "on", _("An update cannot be dated in the future."))
    elif on < timezone.localtime(meeting.starts_at).date():
        _add(errors, "on", _("An update cannot be dated before the meeting."))


@transaction.atomic
def recommendation_add_update(
    *,
    actor,
    recommendation: Recommendation,
    text: str,
    on: datetime.date | None = None,
    state: str = "",
    justification: str = "",
    evidence_url: str = "",
    evidence_note: str = "",
    evidence_file: Any = None,
    base_url: str = "",
) -> RecommendationUpdate:
    """Record a dated step in a recommendation's follow-up, changing its state if ``state``.

    A new state must be allowed from the current one (``TRANSITIONS``); rejecting a
    recommendation or saying it was not implemented needs a justification. Followers are told of a
    new state by e-mail once the change is committed. ``evidence_file`` (a ``CheckedUpload`` or
    an uploaded file, checked here) is stored last, once everything else has been checked.
    """
    _check(actor, "meetings.change_recommendation", recommendation)
    meeting = _lock_meeting(recommendation.meeting)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    text = (text or "").strip()
    justification = (justification or "").strip()
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    state = state or ""
    if state == recommendation.state:
        state = ""
    if state:
        if state not in State.values:
            _add(errors, "state", _("Choose a state."))
        elif state not in allowed_states(recommendation):
            _add(
                errors,
                "state",
                _("A recommendation that is %(current)s cannot become %(new)s.")
                % {
                    "current": recommendation.get_state_display(),
                    "new": State(state).label,
                },
            )
        elif state in NEEDS_JUSTIFICATION and not justification:
            _add(errors, "justification", _("Say why: this state needs a justification."))
    elif not text:
        _add(errors, "text", _("Say what happened."))
    _validate_date(meeting=meeting, on=on, errors=errors)
    update = RecommendationUpdate(
        recommendation=recommendation,
        on=on,
        text=text or justification,
        state_before=recommendation.state if state else "",
        state_after=state,
        evidence_url=(evidence_url or "").strip(),
        evidence_note=(evidence_note or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    checked = None
    if evidence_file is not None:
        try:
            checked = _checked(evidence_file, kinds=EVIDENCE_KINDS, key="evidence_file")
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    _full_clean(update, errors, exclude=["recommendation", "created_by", "evidence_file"])
    if checked is not None:
        update.evidence_file_name = checked.original_name
        update.evidence_content_type = checked.content_type
        update.evidence_size = checked.size
        update.evidence_file.save(checked.name, checked, save=False)
    try:
        update.save()
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=update,
            after=snapshot(
                update,
                [
                    "recommendation",
                    "on",
                    "state_before",
                    "state_after",
                    "evidence_file_name",
                    "evidence_size",
                ],
            ),
            organisation_id=meeting.organiser_id,
        )
    except BaseException:
        if checked is not None:
            update.evidence_file.storage.delete(update.evidence_file.name)
        raise
    if state:
        before = snapshot(recommendation, ["state", "state_justification"])
        recommendation.state = state
        recommendation.state_justification = justification if state in NEEDS_JUSTIFICATION else ""
        recommendation.save(update_fields=["state", "state_justification", "updated_at"])
        _audit(
            actor,
            AuditEvent.Action.UPDATE,
            recommendation,
            meeting,
            before=before,
            after=snapshot(recommendation, ["state", "state_justification"]),
        )
        recommendation_id = recommendation.pk
        transaction.on_commit(
            lambda: notify_followers(
                recommendation_id=recommendation_id, exclude=actor, base_url=base_url
            )
        )
    return update


def recommendation_change_state(
    *,
    actor,
    recommendation: Recommendation,
    state: str,
    text: str = "",
    justification: str = "",
    on: datetime.date | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    evidence_file: Any = None,
    base_url: str = "",
) -> RecommendationUpdate:
    """Move a recommendation to ``state``, recorded as a dated update (see above)."""
    if not state:
        raise ValidationError({"state": _("Choose a state.")})
    if state == recommendation.state:
        raise ValidationError({"state": _("The recommendation is already in this state.")})
    return recommendation_add_update(
        actor=actor,
        recommendation=recommendation,
        text=text,
        on=on,
        state=state,
        justification=justification,
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        evidence_file=evidence_file,
        base_url=base_url,
    )


# --- Actions that implement a recommendation ---------------------------------------------------


def _link_snapshot(link: RecommendationAction) -> dict[str, Any]:
    return snapshot(link, ["recommendation", "action"])


@transaction.atomic
def recommendation_link_action(
    *, actor, recommendation: Recommendation, action: ProgrammeItem
) -> RecommendationAction:
    """Say that a programme's action carries out the recommendation.

    Only an action the actor may see (``coordination.view_item``) may be linked: an action they
    cannot see is refused with the same message as a milestone or an axis, so that the refusal
    tells nothing of it. A rejected recommendation takes no new action.
    """
    _check(actor, "meetings.change_recommendation", recommendation)
    meeting = _lock_meeting(recommendation.meeting)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if action.kind != ProgrammeItem.Kind.ACTION or not actor.has_perm(
        "coordination.view_item", action
    ):
        raise ValidationError({"action": _("Choose an action of a programme you may see.")})
    if recommendation.state == State.REJECTED:
        raise ValidationError(_("This recommendation was rejected: no action carries it out."))
    if RecommendationAction.objects.filter(recommendation=recommendation, action=action).exists():
        raise ValidationError({"action": _("This action is already linked to the recommendation.")})
    link = RecommendationAction.objects.create(
        recommendation=recommendation,
        action=action,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit(actor, AuditEvent.Action.CREATE, link, meeting, after=_link_snapshot(link))
    return link


@transaction.atomic
def recommendation_unlink_action(*, actor, link: RecommendationAction) -> None:
    """Say that an action no longer carries out the recommendation (the action stays)."""
    _check(actor, "meetings.change_recommendation", link.recommendation)
    meeting = _lock_meeting(link.recommendation.meeting)
    _audit(actor, AuditEvent.Action.DELETE, link, meeting, before=_link_snapshot(link))
    link.delete()


# --- Followers ----------------------------------------------------------------------------------


def followers(recommendation: Recommendation) -> list[User]:
    """People of the addressee organisations and of those that attended, who may see it."""
    organisations = set(recommendation.addressees.values_list("pk", flat=True))
    organisations |= set(
        recommendation.meeting.attendance.values_list("organisation_id", flat=True)
    )
    users = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id__in=organisations,
        )
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if user.has_perm("meetings.view_recommendation", recommendation)]


def _message(recommendation: Recommendation, url: str) -> tuple[str, str]:
    subject = _("Recommendation %(code)s is now: %(state)s") % {
        "code": recommendation.code,
        "state": recommendation.get_state_display(),
    }
    addressees = ", ".join(sorted(o.name for o in recommendation.addressees.all()))
    lines = [
        _("The recommendation %(code)s, “%(title)s”, is now: %(state)s.")
        % {
            "code": recommendation.code,
            "title": recommendation.display_title,
            "state": recommendation.get_state_display(),
        },
        _("Meeting: %(meeting)s.") % {"meeting": recommendation.meeting.title},
    ]
    if addressees:
        lines.append(_("Addressed to: %(organisations)s.") % {"organisations": addressees})
    lines += ["", _("Follow it here: %(url)s") % {"url": url}]
    return subject, "\n".join(lines)


def notify_followers(*, recommendation_id: int, exclude=None, base_url: str = "") -> int:
    """E-mail each follower, alone and in their language, that the recommendation's state changed.

    One message per person: nobody sees another follower's address. The message names the
    recommendation's code and title and organisations, nobody else.
    """
    recommendation = (
        Recommendation.objects.select_related("meeting")
        .prefetch_related("addressees")
        .get(pk=recommendation_id)
    )
    sent = 0
    exclude_pk = getattr(exclude, "pk", None)
    for user in followers(recommendation):
        if user.pk == exclude_pk:
            continue
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            path = f"/{language}/meetings/recommendations/{recommendation.pk}/"
            subject, body = _message(recommendation, base_url.rstrip("/") + path)
        send_email(subject=subject, body=body, recipients=[user.email])
        sent += 1
    return sent


def _action_message(
    user: User, action: ProgrammeItem, recommendations: list[Recommendation]
) -> tuple[str, str]:
    status = ProgrammeItem.Status(action.status).label
    codes = ", ".join(r.code for r in recommendations)
    subject = _("An action for %(codes)s is now: %(status)s") % {"codes": codes, "status": status}
    if user.has_perm("coordination.view_item", action):
        first = _(
            "The action “%(action)s” of the programme “%(programme)s”, which carries out "
            "%(codes)s, is now: %(status)s."
        ) % {
            "action": str(action),
            "programme": action.programme.title,
            "codes": codes,
            "status": status,
        }
    else:
        first = _("An action that carries out %(codes)s is now: %(status)s.") % {
            "codes": codes,
            "status": status,
        }
    lines = [first, ""]
    base = getattr(settings, "MADINA_BASE_URL", "").rstrip("/")
    language = translation.get_language()
    for recommendation in recommendations:
        progress = recommendation_progress(recommendation)
        if progress is None:
            line = _("%(code)s “%(title)s”: no progress measured yet.")
        else:
            line = _("%(code)s “%(title)s”: %(progress)s%% done.")
        lines.append(
            line
            % {
                "code": recommendation.code,
                "title": recommendation.display_title,
                "progress": None if progress is None else round(progress),
            }
        )
        lines.append(f"{base}/{language}/meetings/recommendations/{recommendation.pk}/")
    return subject, "\n".join(lines)


def notify_action_followers(*, action_id: int, exclude=None) -> int:
    """E-mail the followers of the recommendations an action carries out that its status changed.

    A milestone's change counts as its action's (it moves the action's progress). Each follower
    gets one message, in their language, listing the recommendations they follow among those the
    action carries out, with each one's progress; the action is named only to those who may see
    it. Nobody is named, no reason or comment is quoted.
    """
    action = ProgrammeItem.objects.select_related("programme", "parent").get(pk=action_id)
    if action.kind == ProgrammeItem.Kind.MILESTONE and action.parent is not None:
        action = action.parent
    recommendations = list(
        Recommendation.objects.filter(action_links__action=action)
        .select_related("meeting")
        .prefetch_related("addressees")
        .order_by("meeting_id", "number")
    )
    by_user: dict[int, tuple[User, list[Recommendation]]] = {}
    exclude_pk = getattr(exclude, "pk", None)
    for recommendation in recommendations:
        for user in followers(recommendation):
            if user.pk != exclude_pk:
                by_user.setdefault(user.pk, (user, []))[1].append(recommendation)
    for user, followed in by_user.values():
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body = _action_message(user, action, followed)
        send_email(subject=subject, body=body, recipients=[user.email])
    return len(by_user)
