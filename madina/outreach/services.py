"""Writes of awareness capsules, schools and awareness sessions (issue 6).

Keyword-only and atomic, like the directory services: check the permission
(``PermissionDenied``), validate (``ValidationError`` per field, translated), write, record the
audit event. A refusal writes nothing. Views and the demo loader both come through here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.uploads import MIB, CheckedUpload, Kind, check_upload
from madina.core.validation import error_collector, full_clean_collecting, split_fields
from madina.directory.models import Language, languages_value
from madina.outreach.models import Audience, AwarenessSession, Capsule, CapsuleFile, School
from madina.territory.models import Area

CAPSULE_FIELDS = (
    "title_ar",
    "title_fr",
    "title_en",
    "format",
    "languages",
    "topics",
    "audience",
    "school_level",
    "duration_minutes",
    "link",
    "validated_on",
    "is_active",
)
CAPSULE_M2M = ("partners",)
CAPSULE_FILE_KINDS = (Kind.VIDEO, Kind.AUDIO, Kind.IMAGE, Kind.PDF)
# Videos are stored as uploaded (not transcoded): a few minutes of video for a classroom.
CAPSULE_FILE_MAX_BYTES = 200 * MIB
FILE_AUDITED = ["capsule", "title", "original_name", "content_type", "size"]

SCHOOL_FIELDS = ("name_ar", "name_fr", "commune", "level", "sector", "official_code")

SESSION_FIELDS = ("school", "held_on", "teachers_present", "feedback")
SESSION_M2M = ("capsules",)
# Sessions of the first edition of the project came later than this; an earlier date is a typo.
FIRST_SESSION_DATE = datetime.date(2015, 1, 1)

_STRIPPED = {"title_ar", "title_fr", "title_en", "name_ar", "name_fr", "official_code", "link"}


_errors = error_collector
_full_clean = full_clean_collecting


def _split(
    data: Mapping[str, Any], allowed: Iterable[str], m2m_allowed: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, list]]:
    return split_fields(data, allowed, m2m_allowed, stripped=_STRIPPED)


# --- Capsules ------------------------------------------------------------------------------------


def _capsule_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    fields, m2m = _split(data, CAPSULE_FIELDS, CAPSULE_M2M)
    if "languages" in fields:
        value = fields["languages"]
        codes = value.split() if isinstance(value, str) else list(value or [])
        if set(codes) - set(Language.values):
            raise ValidationError({"languages": _("Choose languages from the list.")})
        fields["languages"] = languages_value(codes)
    if "topics" in fields:
        topics = list(fields["topics"] or [])
        if set(topics) - set(Capsule.Topic.values):
            raise ValidationError({"topics": _("Choose topics from the list.")})
        fields["topics"] = [topic for topic in Capsule.Topic.values if topic in topics]
    for key in ("duration_minutes", "validated_on"):
        if key in fields and fields[key] in ("", None):
            fields[key] = None
    return fields, m2m


def _validate_capsule(capsule: Capsule, m2m: Mapping[str, list]) -> None:
    errors, add = _errors()
    if not any((capsule.title_ar, capsule.title_fr, capsule.title_en)):
        add("title_ar", _("Give the title of the capsule in at least one language."))
    if capsule.validated_on is not None and capsule.validated_on > timezone.localdate():
        add("validated_on", _("The validation date cannot be in the future."))
    partners = m2m.get("partners")
    if partners is not None and any(p.pk == capsule.organisation_id for p in partners):
        add("partners", _("The producer is not one of its own partners."))
    _full_clean(capsule, errors, exclude=["organisation"])


@transaction.atomic
def capsule_create(*, actor, organisation, data: Mapping[str, Any]) -> Capsule:
    """Add a capsule produced by ``organisation``: its admins and members, and coordinators."""
    if not actor.has_perm("outreach.change_records", organisation):
        raise PermissionDenied
    fields, m2m = _capsule_fields(data)
    capsule = Capsule(organisation=organisation, **fields)
    _validate_capsule(capsule, m2m)
    capsule.save()
    for key, values in m2m.items():
        getattr(capsule, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=capsule,
        after=snapshot(capsule),
        organisation_id=organisation.pk,
    )
    return capsule


@transaction.atomic
def capsule_update(*, actor, capsule: Capsule, data: Mapping[str, Any]) -> Capsule:
    """Change a capsule; only the keys present in ``data`` change. Its producer stays."""
    if not actor.has_perm("outreach.change_records", capsule.organisation):
        raise PermissionDenied
    capsule = Capsule.objects.select_for_update().get(pk=capsule.pk)
    before = snapshot(capsule)
    fields, m2m = _capsule_fields(data)
    for key, value in fields.items():
        setattr(capsule, key, value)
    _validate_capsule(capsule, m2m)
    capsule.save()
    for key, values in m2m.items():
        getattr(capsule, key).set(values)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=capsule,
        before=before,
        after=snapshot(capsule),
        organisation_id=capsule.organisation_id,
    )
    return capsule


@transaction.atomic
def capsule_file_add(*, actor, capsule: Capsule, file: Any, title: str = "") -> CapsuleFile:
    """Attach the capsule itself (video, audio, image or PDF) or a version of it.

    ``file`` is a ``CheckedUpload`` (the form's ``EvidenceFileField``) or any uploaded file,
    checked here by its content. The file reaches storage last, once everything else is checked.
    """
    capsule = Capsule.objects.select_for_update().select_related("organisation").get(pk=capsule.pk)
    if not actor.has_perm("outreach.change_records", capsule.organisation):
        raise PermissionDenied
    # Checked again by content here, whoever calls: a form's check may have had other limits.
    original_name = file.original_name if isinstance(file, CheckedUpload) else None
    try:
        file = check_upload(file, kinds=CAPSULE_FILE_KINDS, max_bytes=CAPSULE_FILE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if original_name is not None:
        file.original_name = original_name
    attachment = CapsuleFile(
        capsule=capsule,
        original_name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        title=(title or "").strip(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.full_clean(exclude=["file", "capsule", "uploaded_by"])
    attachment.file.save(file.name, file, save=False)
    try:
        attachment.save()
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=attachment,
            after=snapshot(attachment, FILE_AUDITED),
            organisation_id=capsule.organisation_id,
        )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


# --- Schools -------------------------------------------------------------------------------------


def _validate_school(school: School) -> None:
    errors, add = _errors()
    if not (school.name_ar or school.name_fr):
        add("name_ar", _("Give the name of the school in Arabic or in French."))
    if school.commune_id is not None and school.commune.level != Area.Level.COMMUNE:
        add("commune", _("Choose a commune."))
    _full_clean(school, errors, exclude=["added_by"])


@transaction.atomic
def school_create(*, actor, data: Mapping[str, Any]) -> School:
    """Add a school: any editor of any organisation, and coordinators (schools are shared)."""
    if not actor.has_perm("outreach.change_schools"):
        raise PermissionDenied
    fields, _m2m = _split(data, SCHOOL_FIELDS)
    school = School(added_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    _validate_school(school)
    school.save()
    record(actor=actor, action=AuditEvent.Action.CREATE, instance=school, after=snapshot(school))
    return school


@transaction.atomic
def school_update(*, actor, school: School, data: Mapping[str, Any]) -> School:
    """Correct a school; only the keys present in ``data`` change."""
    if not actor.has_perm("outreach.change_schools"):
        raise PermissionDenied
    school = School.objects.select_for_update().get(pk=school.pk)
    before = snapshot(school)
    fields, _m2m = _split(data, SCHOOL_FIELDS)
    for key, value in fields.items():
        setattr(school, key, value)
    _validate_school(school)
    school.save()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=school,
        before=before,
        after=snapshot(school),
    )
    return school


# --- Awareness sessions --------------------------------------------------------------------------


def _count(value: Any) -> int | None:
    """A head count as typed: a whole number of at least zero, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    text = str(value if value is not None else "").strip()
    if text == "":
        return 0
    if not text.isdigit():
        return None
    return int(text)


def _clean_audiences(rows: Iterable[Mapping[str, Any]], add) -> list[Audience]:
    """The audience rows as unsaved ``Audience`` objects; problems go to ``add("audiences", …)``."""
    cleaned: list[Audience] = []
    seen: set[str] = set()
    labels = dict(Audience.Grade.choices)
    for row in rows:
        grade = row.get("grade") or ""
        girls, boys = _count(row.get("girls")), _count(row.get("boys"))
        if grade not in labels:
            add("audiences", _("Choose the grade of each row from the list."))
            continue
        if girls is None or boys is None:
            add(
                "audiences",
                _("The numbers of girls and boys are whole numbers, zero or more (%(grade)s).")
                % {"grade": labels[grade]},
            )
            continue
        if grade in seen:
            add(
                "audiences",
                _("The grade “%(grade)s” is given twice; give each grade once.")
                % {"grade": labels[grade]},
            )
            continue
        seen.add(grade)
        migrants = row.get("migrants")
        if migrants in (None, ""):
            migrants = None
        else:
            migrants = _count(migrants)
            if migrants is None or migrants > girls + boys:
                add(
                    "audiences",
                    _(
                        "The children of migrants are a whole number, zero or more, and no more "
                        "than the pupils of the grade (%(grade)s)."
                    )
                    % {"grade": labels[grade]},
                )
                continue
        cleaned.append(Audience(grade=grade, girls=girls, boys=boys, migrants=migrants))
    return cleaned


def _validate_session(
    session: AwarenessSession, m2m: Mapping[str, list], rows: list[Mapping[str, Any]] | None
) -> list[Audience] | None:
    errors, add = _errors()
    held_on = session.held_on
    if isinstance(held_on, datetime.date):
        if held_on > timezone.localdate():
            add("held_on", _("The date of the session cannot be in the future."))
        elif held_on < FIRST_SESSION_DATE:
            add("held_on", _("The date of the session cannot be before 2015."))
    capsules = m2m.get("capsules")
    if capsules is not None and not capsules:
        add("capsules", _("Choose at least one capsule shown at the session."))
    audiences = None
    if rows is not None:
        audiences = _clean_audiences(rows, add)
        if "audiences" not in errors and sum(a.girls + a.boys for a in audiences) < 1:
            add("audiences", _("Give the number of pupils reached: at least one girl or boy."))
    _full_clean(session, errors, exclude=["organisation", "recorded_by", "girls", "boys"])
    return audiences


def _audiences_snapshot(session: AwarenessSession) -> list[list]:
    return [[a.grade, a.girls, a.boys, a.migrants] for a in session.audiences.order_by("grade")]


def _session_snapshot(session: AwarenessSession) -> dict[str, Any]:
    return {**snapshot(session), "audiences": _audiences_snapshot(session)}


def _write_audiences(session: AwarenessSession, audiences: list[Audience]) -> None:
    session.audiences.all().delete()
    for audience in audiences:
        audience.session = session
    Audience.objects.bulk_create(audiences)
    session.girls = sum(a.girls for a in audiences)
    session.boys = sum(a.boys for a in audiences)
    session.save(update_fields=["girls", "boys", "updated_at"])


@transaction.atomic
def session_create(
    *,
    actor,
    organisation,
    data: Mapping[str, Any],
    audiences: Iterable[Mapping[str, Any]],
) -> AwarenessSession:
    """Record an awareness session facilitated by ``organisation``, with its audience by grade.

    ``data`` holds the school, the date, the capsules shown (at least one), the teachers present
    and the feedback; ``audiences`` the rows ``{"grade", "girls", "boys"}`` (each grade once, at
    least one pupil). The session's girls and boys are the sums of the rows.
    """
    if not actor.has_perm("outreach.change_records", organisation):
        raise PermissionDenied
    fields, m2m = _split(data, SESSION_FIELDS, SESSION_M2M)
    m2m.setdefault("capsules", [])
    session = AwarenessSession(
        organisation=organisation,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    rows = _validate_session(session, m2m, list(audiences))
    session.save()
    session.capsules.set(m2m["capsules"])
    _write_audiences(session, rows or [])
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=session,
        after=_session_snapshot(session),
        organisation_id=organisation.pk,
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: AwarenessSession,
    data: Mapping[str, Any],
    audiences: Iterable[Mapping[str, Any]] | None = None,
) -> AwarenessSession:
    """Change a session; only the keys in ``data`` change, and the audience when it is given
    (it then replaces every row). Its facilitating organisation stays."""
    if not actor.has_perm("outreach.change_records", session.organisation):
        raise PermissionDenied
    session = AwarenessSession.objects.select_for_update().get(pk=session.pk)
    before = _session_snapshot(session)
    fields, m2m = _split(data, SESSION_FIELDS, SESSION_M2M)
    for key, value in fields.items():
        setattr(session, key, value)
    rows = _validate_session(session, m2m, None if audiences is None else list(audiences))
    session.save()
    for key, values in m2m.items():
        getattr(session, key).set(values)
    if rows is not None:
        _write_audiences(session, rows)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=session,
        before=before,
        after=_session_snapshot(session),
        organisation_id=session.organisation_id,
    )
    return session
