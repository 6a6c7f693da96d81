"""Writes of cases and referrals. Views, jobs and the demo loader all go through here.

Keyword-only and atomic: check who acts (``Http404`` when the case is not theirs, logged;
``PermissionDenied`` when they see it but may not do this), validate (``ValidationError`` per
field, translated), write, and log the access. A refusal writes nothing but its log line.
Values never go into the logs: an access event names the part that changed, not what it holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from madina.cases import access
from madina.cases.crypto import decrypt_bytes, encrypt_bytes
from madina.cases.models import (
    AccessEvent,
    AgeBand,
    Approval,
    Attachment,
    Case,
    Consent,
    FollowUp,
    Incident,
    Need,
    Person,
    PersonIdentity,
    PlanItem,
    Referral,
    Sex,
    Transfer,
)
from madina.cases.profiles import PROFILES, Section, profiles_for
from madina.cases.selectors import log_access, log_refusal, valid_consent
from madina.core.concurrency import check_version
from madina.core.uploads import EVIDENCE_KINDS, MIB, check_upload

ATTACHMENT_MAX_BYTES = 10 * MIB
IDENTITY_KEYS = (
    "given_name",
    "family_name",
    "other_names",
    "phone",
    "other_contact",
    "birth_date",
    "birth_date_is_estimate",
    "nationality",
    "address",
    "id_document",
)
# Needs of the assessment; also the needs a plan line meets.
NEEDS = tuple(Need.values)
# Reported within this time, a rape makes a health referral the first thing to do
# (post-exposure prophylaxis and emergency contraception are time-bound).
URGENT_HEALTH_WINDOW = dt.timedelta(hours=72)
URGENT_RAPE = "rape_72h"


def _write(case: Case, actor, part: str, detail: str = "") -> None:
    log_access(case, actor, AccessEvent.Action.WRITE, part, detail)


def _owner(actor, case: Case, part: str) -> None:
    """Raise 404 (logged) unless the actor works on the case in a verified session."""
    if not access.is_verified(actor) or not access.can_see_case(actor, case):
        log_refusal(case, actor, part)
        from django.http import Http404

        raise Http404


def _supervisor(actor, case: Case, part: str) -> None:
    _owner(actor, case, part)
    if not access.is_supervisor(actor, case.organisation_id):
        log_refusal(case, actor, part)
        raise PermissionDenied(_("Only a case supervisor may do this."))


def _open(case: Case) -> None:
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it first."))


# -- intake and identity ----------------------------------------------------------------------


def _age_in_years(birth_date: dt.date | None, on: dt.date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _clean_identity(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(IDENTITY_KEYS)
    if unknown:
        raise ValueError(f"Unknown identity fields: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    for key in IDENTITY_KEYS:
        value = data.get(key)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", False):
            cleaned[key] = value
    if "phone" in cleaned:
        cleaned["phone"] = str(cleaned["phone"])
    if not cleaned.get("given_name") and not cleaned.get("other_names"):
        raise ValidationError({"given_name": _("Give at least a first name or a name used.")})
    return cleaned


@transaction.atomic
def case_open(
    *,
    actor,
    organisation,
    sex: str,
    identity: Mapping[str, Any],
    age_band: str = "",
    opened_on: dt.date | None = None,
) -> Case:
    """Register a person and open their case; the actor becomes its case worker.

    The age band is worked out from the date of birth when one is given.
    """
    if not access.is_verified(actor) or not access.may_open_cases(actor, organisation.pk):
        raise PermissionDenied(_("Only case workers and supervisors may open a case."))
    if sex not in Sex.values:
        raise ValidationError({"sex": _("Choose from the list.")})
    cleaned = _clean_identity(identity)
    opened_on = opened_on or timezone.localdate()
    birth = cleaned.get("birth_date")
    if birth:
        birth_date = dt.date.fromisoformat(birth)
        if birth_date > opened_on:
            raise ValidationError({"birth_date": _("The date of birth is in the future.")})
        age_band = AgeBand.for_age(_age_in_years(birth_date, opened_on))
    elif age_band not in AgeBand.values:
        age_band = AgeBand.UNKNOWN
    person = Person.objects.create(organisation=organisation, sex=sex, age_band=age_band)
    PersonIdentity.objects.create(person=person, data=cleaned)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    organisation=organisation, person=person, opened_on=opened_on
                )
            break
        except IntegrityError:  # the random code already exists: draw another
            continue
    else:  # pragma: no cover - 31**8 codes
        raise RuntimeError("Could not draw a free case code.")
    case.workers.add(actor)
    _write(case, actor, "case", "opened")
    return case


@transaction.atomic
def identity_update(
    *, actor, case: Case, identity: Mapping[str, Any], version: str | None = None
) -> None:
    """Correct the person's identity (Law 09-08 right of rectification); the old value is gone.

    ``version`` is the identity's version the editor loaded (``core.concurrency``): if someone
    corrected it since, nothing is written.
    """
    _owner(actor, case, "identity")
    cleaned = _clean_identity(identity)
    person = case.person
    current = PersonIdentity.objects.select_for_update().filter(person=person).first()
    if current is not None:
        check_version(current, version)
    PersonIdentity.objects.update_or_create(person=person, defaults={"data": cleaned})
    birth = cleaned.get("birth_date")
    if birth:
        band = AgeBand.for_age(_age_in_years(dt.date.fromisoformat(birth), case.opened_on))
        if band != person.age_band:
            person.age_band = band
            person.save(update_fields=["age_band", "updated_at"])
    _write(case, actor, "identity", "corrected")


# -- consent ----------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    purpose: str,
    given_by: str,
    given_on: dt.date,
    recipient_kind: str = "",
    guardian_relation: str = "",
    expires_on: dt.date | None = None,
    withhold: str = "",
) -> Consent:
    _owner(actor, case, "consent")
    _open(case)
    errors: dict[str, str] = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = _("Choose from the list.")
    if purpose == Consent.Purpose.REFERRAL and not recipient_kind:
        errors["recipient_kind"] = _("Say to which kind of service the person agrees to share.")
    if purpose != Consent.Purpose.REFERRAL:
        recipient_kind = ""
    if given_by == Consent.GivenBy.GUARDIAN and not guardian_relation.strip():
        errors["guardian_relation"] = _("Say who the guardian is to the child.")
    if given_by == Consent.GivenBy.PERSON and case.person.age_band == AgeBand.UNDER_12:
        errors["given_by"] = _("For a child under 12, consent is given by a parent or guardian.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("The date is in the future.")
    if expires_on is not None and expires_on < given_on:
        errors["expires_on"] = _("The consent cannot expire before it was given.")
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        recipient_kind=recipient_kind,
        given_by=given_by,
        guardian_relation=guardian_relation.strip(),
        given_on=given_on,
        expires_on=expires_on,
        withhold=withhold.strip(),
        recorded_by=actor,
    )
    _write(case, actor, "consent", f"{purpose}:{recipient_kind}")
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> list[Referral]:
    """Withdraw a consent; open referrals that rested on it and on no other consent are revoked."""
    case = consent.case
    _owner(actor, case, "consent")
    if consent.withdrawn_at is not None:
        return []
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    _write(case, actor, "consent", f"withdrawn:{consent.purpose}:{consent.recipient_kind}")
    revoked = []
    if consent.purpose == Consent.Purpose.REFERRAL:
        for referral in case.referrals.filter(
            state__in=Referral.OPEN_STATES, consent=consent, override_reason=""
        ):
            other = valid_consent(case, Consent.Purpose.REFERRAL, consent.recipient_kind)
            if other is not None:
                referral.consent = other
                referral.save(update_fields=["consent", "updated_at"])
                continue
            _revoke(referral, actor, _("consent withdrawn"))
            revoked.append(referral)
    return revoked


# -- assessment, incidents, plan, follow-ups --------------------------------------------------


@transaction.atomic
def assessment_save(
    *,
    actor,
    case: Case,
    risk: str,
    needs: Iterable[str],
    safety_plan: str = "",
    contact_channel: str = "",
    contact_notes: str = "",
    version: str | None = None,
) -> Case:
    """Save the assessment; ``version`` is the case's the editor loaded (``core.concurrency``):
    if someone saved the case since, nothing is written."""
    _owner(actor, case, "assessment")
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    check_version(case, version)
    _open(case)
    needs = list(dict.fromkeys(needs))
    errors = {}
    if risk not in Case.Risk.values:
        errors["risk"] = _("Choose from the list.")
    if set(needs) - set(NEEDS):
        errors["needs"] = _("Choose from the list.")
    if contact_channel and contact_channel not in Case.ContactChannel.values:
        errors["contact_channel"] = _("Choose from the list.")
    if errors:
        raise ValidationError(errors)
    case.risk = risk
    case.needs = needs
    case.safety_plan = safety_plan.strip()
    case.contact_channel = contact_channel
    case.contact_notes = contact_notes.strip()
    case.assessed_at = timezone.now()
    if case.stage == Case.Stage.INTAKE:
        case.stage = Case.Stage.ASSESSMENT
    case.save()
    _write(case, actor, "assessment")
    return case


def _urgency(incident: Incident) -> dt.datetime | None:
    """Until when the incident makes the case urgent: a rape whose 72 hours are not over."""
    if incident.type != Incident.Type.RAPE:
        return None
    # An unknown hour counts as the end of the day: in doubt, the case stays urgent longer.
    hour = incident.occurred_at_hour if incident.occurred_at_hour is not None else 23
    occurred = timezone.make_aware(dt.datetime.combine(incident.occurred_on, dt.time(hour=hour)))
    until = occurred + URGENT_HEALTH_WINDOW
    return until if until > timezone.now() else None


@transaction.atomic
def incident_record(
    *,
    actor,
    case: Case,
    type: str,
    occurred_on: dt.date,
    reported_on: dt.date | None = None,
    occurred_at_hour: int | None = None,
    contexts: Iterable[str] = (),
    commune=None,
    description: str = "",
) -> Incident:
    """Record an incident; a rape reported within 72 hours makes the case urgent and puts a
    health line first in the service plan, due today."""
    _owner(actor, case, "incident")
    _open(case)
    contexts = list(dict.fromkeys(contexts))
    reported_on = reported_on or timezone.localdate()
    errors = {}
    if type not in Incident.Type.values:
        errors["type"] = _("Choose from the list.")
    if set(contexts) - set(Incident.Context.values):
        errors["contexts"] = _("Choose from the list.")
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date is in the future.")
    if reported_on < occurred_on:
        errors["reported_on"] = _("It cannot have been reported before it happened.")
    if occurred_at_hour is not None and not 0 <= occurred_at_hour <= 23:
        errors["occurred_at_hour"] = _("Give an hour from 0 to 23.")
    if commune is not None and commune.level != "commune":
        errors["commune"] = _("Choose a commune.")
    if errors:
        raise ValidationError(errors)
    incident = Incident.objects.create(
        case=case,
        type=type,
        contexts=contexts,
        occurred_on=occurred_on,
        occurred_at_hour=occurred_at_hour,
        reported_on=reported_on,
        commune=commune,
        sex=case.person.sex,
        age_band=case.person.age_band,
        description=description.strip(),
    )
    _write(case, actor, "incident", type)
    until = _urgency(incident)
    if until is not None:
        case.urgent_until = max(until, case.urgent_until or until)
        case.urgent_reason = URGENT_RAPE
        case.save(update_fields=["urgent_until", "urgent_reason", "updated_at"])
        if not case.plan_items.filter(need="health", is_urgent=True).exists():
            PlanItem.objects.create(
                case=case,
                need="health",
                # No text: the pages say why it is urgent, in the reader's language.
                due_on=timezone.localdate(),
                is_urgent=True,
            )
            _write(case, actor, "plan", "urgent health line")
    return incident


@transaction.atomic
def plan_item_save(
    *,
    actor,
    case: Case,
    need: str,
    due_on: dt.date,
    action: str = "",
    service=None,
    item: PlanItem | None = None,
    status: str | None = None,
    version: str | None = None,
) -> PlanItem:
    """Add a line to the service plan, or change ``item``; ``version`` is the line's the editor
    loaded (``core.concurrency``): if someone changed the line since, nothing is written."""
    _owner(actor, case, "plan")
    if item is not None:
        item.refresh_from_db(from_queryset=PlanItem.objects.select_for_update())
        check_version(item, version)
    _open(case)
    errors = {}
    if need not in NEEDS:
        errors["need"] = _("Choose from the list.")
    if status is not None and status not in PlanItem.Status.values:
        errors["status"] = _("Choose from the list.")
    if service is not None and not service.is_active:
        errors["service"] = _("This service is no longer offered.")
    if errors:
        raise ValidationError(errors)
    if item is None:
        item = PlanItem(case=case)
    elif item.case_id != case.pk:
        raise ValueError("The plan line belongs to another case.")
    item.need, item.due_on, item.action, item.service = need, due_on, action.strip(), service
    if status is not None and status != item.status:
        item.status = status
        item.done_on = timezone.localdate() if status == PlanItem.Status.DONE else None
    item.save()
    _write(case, actor, "plan")
    return item


@transaction.atomic
def follow_up_add(
    *,
    actor,
    case: Case,
    on: dt.date,
    kind: str,
    notes: str = "",
    next_due_on: dt.date | None = None,
) -> FollowUp:
    _owner(actor, case, "follow_up")
    _open(case)
    errors = {}
    if kind not in FollowUp.Kind.values:
        errors["kind"] = _("Choose from the list.")
    if on > timezone.localdate():
        errors["on"] = _("The date is in the future.")
    if next_due_on is not None and next_due_on < on:
        errors["next_due_on"] = _("The next follow-up cannot be before this one.")
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(
        case=case, on=on, kind=kind, notes=notes.strip(), next_due_on=next_due_on, by=actor
    )
    _write(case, actor, "follow_up")
    return follow_up


# -- approvals, closure, reopening, reassignment -----------------------------------------------


@transaction.atomic
def approval_request(*, actor, case: Case, kind: str, note: str = "") -> Approval:
    """Submit the case plan, or ask to close the case, for a supervisor's approval."""
    _owner(actor, case, "approval")
    _open(case)
    if kind == Approval.Kind.PLAN:
        if not case.plan_items.exists():
            raise ValidationError(_("Add at least one line to the service plan first."))
        if case.stage not in {Case.Stage.ASSESSMENT, Case.Stage.SERVICES}:
            raise ValidationError(_("Record the assessment before submitting the plan."))
        next_stage = Case.Stage.CASE_PLAN if case.stage == Case.Stage.ASSESSMENT else case.stage
    elif kind == Approval.Kind.CLOSURE:
        if case.referrals.filter(state__in=Referral.OPEN_STATES).exists():
            raise ValidationError(
                _("Referrals of this case are still open: wait for them or revoke them first.")
            )
        next_stage = Case.Stage.CLOSURE
    else:
        raise ValidationError({"kind": _("Choose from the list.")})
    if case.approvals.filter(kind=kind, decision=Approval.Decision.PENDING).exists():
        raise ValidationError(_("This is already waiting for a supervisor."))
    approval = Approval.objects.create(
        case=case, kind=kind, requested_by=actor, request_note=note.strip()
    )
    case.stage = next_stage
    case.save(update_fields=["stage", "updated_at"])
    _write(case, actor, "approval", f"requested:{kind}")
    return approval


@transaction.atomic
def approval_decide(*, actor, approval: Approval, approve: bool, comment: str = "") -> Approval:
    """A supervisor approves or sends back; nobody approves their own request."""
    approval = Approval.objects.select_for_update().select_related("case").get(pk=approval.pk)
    case = approval.case
    _supervisor(actor, case, "approval")
    if approval.decision != Approval.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("Another supervisor must decide on your own request."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why it is sent back.")})
    approval.decision = Approval.Decision.APPROVED if approve else Approval.Decision.REJECTED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.comment = comment.strip()
    approval.save()
    if approval.kind == Approval.Kind.PLAN:
        case.stage = Case.Stage.SERVICES if approve else Case.Stage.ASSESSMENT
    elif approve:
        case.stage = Case.Stage.CLOSED
        case.closed_at = timezone.now()
        case.urgent_until = None
    else:
        case.stage = Case.Stage.SERVICES
    case.save()
    _write(case, actor, "approval", f"{approval.decision}:{approval.kind}")
    return approval


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    _owner(actor, case, "case")
    if case.stage != Case.Stage.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if case.person.anonymised_at is not None:
        raise ValidationError(_("This case was anonymised and cannot be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    case.stage = Case.Stage.SERVICES
    case.reopened_at = timezone.now()
    case.closed_at = None
    case.save()
    _write(case, actor, "case", "reopened")
    return case


def case_workers_choices(organisation_id: int):
    from madina.accounts.models import Membership, User

    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
        memberships__case_role__in=[
            Membership.CaseRole.CASE_WORKER,
            Membership.CaseRole.CASE_SUPERVISOR,
        ],
    ).order_by("full_name")


@transaction.atomic
def case_reassign(*, actor, case: Case, workers: Iterable) -> Case:
    """A supervisor sets who works on the case (case workers or supervisors of its organisation)."""
    _supervisor(actor, case, "assignment")
    workers = list(workers)
    allowed = set(case_workers_choices(case.organisation_id).values_list("pk", flat=True))
    if not workers:
        raise ValidationError({"workers": _("A case needs at least one case worker.")})
    if any(worker.pk not in allowed for worker in workers):
        raise ValidationError({"workers": _("Choose case workers of the case's organisation.")})
    case.workers.set(workers)
    _write(case, actor, "assignment")
    return case


# -- transfers --------------------------------------------------------------------------------


@transaction.atomic
def transfer_request(*, actor, case: Case, to_organisation, reason: str) -> Transfer:
    """Offer the case to another organisation; it needs valid consent to services."""
    _owner(actor, case, "transfer")
    _open(case)
    from madina.accounts.models import Membership

    if to_organisation.pk == case.organisation_id or not to_organisation.is_active:
        raise ValidationError({"to_organisation": _("Choose another organisation.")})
    if (
        not Membership.objects.active()
        .filter(organisation=to_organisation, case_role=Membership.CaseRole.CASE_SUPERVISOR)
        .exists()
    ):
        raise ValidationError(
            {"to_organisation": _("This organisation has no case supervisor on the platform.")}
        )
    if valid_consent(case, Consent.Purpose.SERVICES) is None:
        raise ValidationError(_("The person has not given valid consent to services."))
    if case.transfers.filter(state=Transfer.State.PENDING).exists():
        raise ValidationError(_("A transfer of this case is already waiting for an answer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is transferred.")})
    transfer = Transfer.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        reason=reason.strip(),
        requested_by=actor,
    )
    _write(case, actor, "transfer", f"requested:{to_organisation.pk}")
    return transfer


def transfer_for_receiver(user, pk: int) -> Transfer:
    from django.http import Http404

    transfer = Transfer.objects.select_related("case", "from_organisation").filter(pk=pk).first()
    if (
        transfer is None
        or not access.is_verified(user)
        or not access.is_supervisor(user, transfer.to_organisation_id)
    ):
        if transfer is not None:
            log_refusal(transfer.case, user, f"transfer:{pk}")
        raise Http404
    return transfer


@transaction.atomic
def transfer_answer(*, actor, transfer: Transfer, accept: bool, reason: str = "") -> Transfer:
    """A supervisor of the receiving organisation accepts (becoming the worker) or declines."""
    transfer = transfer_for_receiver(actor, transfer.pk)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    case = transfer.case
    if transfer.state != Transfer.State.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you decline.")})
    transfer.state = Transfer.State.ACCEPTED if accept else Transfer.State.DECLINED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decline_reason = reason.strip()
    transfer.save()
    if accept:
        case.previous_organisation_id = case.organisation_id
        case.organisation_id = transfer.to_organisation_id
        case.save(update_fields=["previous_organisation", "organisation", "updated_at"])
        Person.objects.filter(pk=case.person_id).update(organisation_id=transfer.to_organisation_id)
        case.workers.set([actor])
        case.approvals.filter(decision=Approval.Decision.PENDING).update(
            decision=Approval.Decision.REJECTED, decided_at=timezone.now()
        )
    _write(case, actor, "transfer", transfer.state)
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    _owner(actor, transfer.case, "transfer")
    if transfer.state != Transfer.State.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    transfer.state = Transfer.State.CANCELLED
    transfer.save(update_fields=["state", "updated_at"])
    _write(transfer.case, actor, "transfer", "cancelled")
    return transfer


# -- referrals --------------------------------------------------------------------------------


def _clean_sections(profile_code: str, sections: Iterable[str] | None) -> list[str]:
    profile = PROFILES[profile_code]
    if sections is None:
        return list(profile.sections)
    chosen = [s for s in profile.sections if s in set(sections)]
    if set(sections) - set(profile.sections):
        raise ValidationError({"sections": _("This profile does not share that section.")})
    return chosen


@transaction.atomic
def referral_create(
    *,
    actor,
    case: Case,
    service,
    profile: str,
    sections: Iterable[str] | None = None,
    plan_item: PlanItem | None = None,
    message: str = "",
) -> Referral:
    """A draft referral to a service; nothing is shared before it is sent."""
    _owner(actor, case, "referral")
    _open(case)
    errors = {}
    if not service.is_active or not service.accepts_referrals:
        errors["service"] = _("This service does not accept referrals through the platform.")
    elif profile not in {p.code for p in profiles_for(service)}:
        errors["profile"] = _("This profile does not fit the service chosen.")
    if plan_item is not None and plan_item.case_id != case.pk:
        errors["plan_item"] = _("Choose a line of this case's plan.")
    if errors:
        log_refusal(case, actor, "referral", ":".join(sorted(errors)))
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=case,
        service=service,
        profile=profile,
        plan_item=plan_item,
        message=message.strip(),
        # An urgent case's health referral is urgent for the receiver too.
        is_urgent=case.is_urgent
        and (
            (plan_item is not None and plan_item.is_urgent)
            or service.type == "medical"
            or service.cell_kind == "hospital"
        ),
        created_by=actor,
        packet={"sections": _clean_sections(profile, sections)},
    )
    _write(case, actor, f"referral:{referral.pk}", "draft")
    return referral


def build_packet(referral: Referral, sections: Iterable[str]) -> dict[str, Any]:
    """What the receiver will see, built from the case at the moment of sending."""
    case = referral.case
    sections = list(sections)
    identity = (
        dict(getattr(case.person, "identity", None).data)
        if hasattr(case.person, "identity")
        else {}
    )
    packet: dict[str, Any] = {"sections": sections, "code": case.code}
    if Section.NAMES in sections:
        packet["names"] = {
            k: identity[k] for k in ("given_name", "family_name", "other_names") if k in identity
        }
    if Section.BIRTH in sections and identity.get("birth_date"):
        packet["birth_date"] = identity["birth_date"]
        packet["birth_date_is_estimate"] = bool(identity.get("birth_date_is_estimate"))
    if Section.AGE in sections:
        packet["sex"] = case.person.sex
        packet["age_band"] = case.person.age_band
    if Section.NATIONALITY in sections and identity.get("nationality"):
        packet["nationality"] = identity["nationality"]
    if Section.CONTACT in sections:
        packet["contact"] = {
            "phone": identity.get("phone", ""),
            "channel": case.contact_channel,
            "notes": case.contact_notes,
        }
    if Section.INCIDENTS in sections:
        packet["incidents"] = [
            {
                "type": incident.type,
                "occurred_on": incident.occurred_on.isoformat(),
                "occurred_at_hour": incident.occurred_at_hour,
                "reported_on": incident.reported_on.isoformat(),
                "commune": incident.commune_id,
                "contexts": incident.contexts,
                **(
                    {"description": incident.description}
                    if Section.INCIDENT_DETAILS in sections
                    else {}
                ),
            }
            for incident in case.incidents.all()
        ]
    if Section.NEEDS in sections:
        packet["needs"] = case.needs
        packet["risk"] = case.risk
    if Section.SAFETY_PLAN in sections:
        packet["safety_plan"] = case.safety_plan
    if Section.MESSAGE in sections:
        packet["message"] = referral.message
    return packet


def _receivers(service) -> list:
    from madina.accounts.models import Membership, User

    users = User.objects.filter(is_active=True).filter(
        pk__in=Membership.objects.active()
        .filter(organisation_id=service.organisation_id)
        .exclude(case_role="")
        .values("user_id")
    )
    result = {user.pk: user for user in users}
    focal = access.focal_user(service)
    if focal is not None:
        result[focal.pk] = focal
    return list(result.values())


def receiver_on_platform(service) -> bool:
    """False when nobody can answer on the platform: the referral goes as a printed slip."""
    return bool(_receivers(service))


def _notify(users, subject_text: str, body_text: str, url: str) -> None:
    """A message with no case content: a link to sign in, nothing else."""
    from madina.core.tasks import send_email

    base = settings.MADINA_BASE_URL.rstrip("/")
    for user in users:
        if not user.email:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = str(_(subject_text))
            body = f"{_(body_text)}\n\n{base}{url}\n"
        send_email(subject=subject, body=body, recipients=[user.email])


@transaction.atomic
def referral_send(*, actor, referral: Referral, override_reason: str = "") -> Referral:
    """Send a draft: it needs a valid consent to share with this kind of service, or a
    supervisor's override with a reason (kept and shown to supervisors)."""
    referral = (
        Referral.objects.select_for_update().select_related("case", "service").get(pk=referral.pk)
    )
    case = referral.case
    _owner(actor, case, f"referral:{referral.pk}")
    _open(case)
    if referral.state != Referral.State.DRAFT:
        raise ValidationError(_("This referral has already been sent."))
    service = referral.service
    if not service.is_active or not service.accepts_referrals:
        raise ValidationError(_("This service does not accept referrals through the platform."))
    kind = PROFILES[referral.profile].recipient_kind
    consent = valid_consent(case, Consent.Purpose.REFERRAL, kind)
    if consent is None:
        if not override_reason.strip():
            log_refusal(case, actor, f"referral:{referral.pk}", "consent")
            raise ValidationError(
                _(
                    "The person has not given valid consent to share with this kind of service. "
                    "Record the consent, or ask a supervisor to refer without it and say why."
                )
            )
        if not access.can_override_consent(actor, case):
            log_refusal(case, actor, f"referral:{referral.pk}", "override")
            raise PermissionDenied(_("Only a case supervisor may refer without consent."))
        referral.override_reason = override_reason.strip()
        referral.overridden_by = actor
    referral.consent = consent
    referral.packet = build_packet(referral, referral.packet.get("sections", []))
    referral.state = Referral.State.SENT
    referral.sent_at = timezone.now()
    referral.sent_by = actor
    referral.save()
    if referral.plan_item_id:
        PlanItem.objects.filter(pk=referral.plan_item_id).update(
            status=PlanItem.Status.REFERRED, updated_at=timezone.now()
        )
    _write(
        case, actor, f"referral:{referral.pk}", "sent" + (":override" if consent is None else "")
    )
    receivers = _receivers(service)
    url = reverse("cases:referral", args=[referral.pk])
    transaction.on_commit(
        lambda: _notify(
            receivers,
            gettext_noop("A referral is waiting for you on Madina"),
            gettext_noop("A referral was sent to your service. Sign in to read it and answer."),
            url,
        )
    )
    return referral


def _for_receiver(actor, referral: Referral) -> Referral:
    from madina.cases.selectors import referral_for_receiver

    referral_for_receiver(actor, referral.pk, log=False)
    return (
        Referral.objects.select_for_update().select_related("case", "service").get(pk=referral.pk)
    )


def _notify_owner(referral: Referral, what: str) -> None:
    workers = list(referral.case.workers.filter(is_active=True))
    url = reverse("cases:referral", args=[referral.pk])
    transaction.on_commit(
        lambda: _notify(
            workers,
            gettext_noop("A referral you sent has news"),
            gettext_noop("A referral you sent was answered or updated. Sign in to see it."),
            url,
        )
    )


@transaction.atomic
def referral_respond(*, actor, referral: Referral, accept: bool, reason: str = "") -> Referral:
    referral = _for_receiver(actor, referral)
    if referral.state != Referral.State.SENT:
        raise ValidationError(_("This referral has already been answered."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you decline.")})
    referral.state = Referral.State.ACCEPTED if accept else Referral.State.DECLINED
    referral.responded_at = timezone.now()
    referral.responded_by = actor
    referral.decline_reason = reason.strip()
    referral.save()
    if not accept and referral.plan_item_id:
        PlanItem.objects.filter(pk=referral.plan_item_id).update(
            status=PlanItem.Status.PLANNED, updated_at=timezone.now()
        )
    _write(referral.case, actor, f"packet:{referral.pk}", referral.state)
    _notify_owner(referral, referral.state)
    return referral


@transaction.atomic
def referral_start(*, actor, referral: Referral) -> Referral:
    referral = _for_receiver(actor, referral)
    if referral.state != Referral.State.ACCEPTED:
        raise ValidationError(_("Accept the referral first."))
    referral.state = Referral.State.IN_PROGRESS
    referral.started_at = timezone.now()
    referral.save(update_fields=["state", "started_at", "updated_at"])
    _write(referral.case, actor, f"packet:{referral.pk}", referral.state)
    return referral


@transaction.atomic
def referral_complete(*, actor, referral: Referral, feedback: str) -> Referral:
    """The receiver closes the referral with feedback; their access ends here."""
    referral = _for_receiver(actor, referral)
    if referral.state not in {Referral.State.ACCEPTED, Referral.State.IN_PROGRESS}:
        raise ValidationError(_("Accept the referral first."))
    if not feedback.strip():
        raise ValidationError({"feedback": _("Say what was done: the sender needs to know.")})
    referral.state = Referral.State.DONE
    referral.done_at = timezone.now()
    referral.feedback = feedback.strip()
    referral.save()
    if referral.plan_item_id:
        PlanItem.objects.filter(pk=referral.plan_item_id).update(
            status=PlanItem.Status.DONE, done_on=timezone.localdate(), updated_at=timezone.now()
        )
    _write(referral.case, actor, f"packet:{referral.pk}", "done")
    _notify_owner(referral, "done")
    return referral


def _revoke(referral: Referral, actor, reason: str) -> None:
    referral.state = Referral.State.REVOKED
    referral.revoked_at = timezone.now()
    referral.revoked_by = actor
    referral.revoke_reason = reason
    referral.save()
    if referral.plan_item_id:
        PlanItem.objects.filter(pk=referral.plan_item_id, status=PlanItem.Status.REFERRED).update(
            status=PlanItem.Status.PLANNED, updated_at=timezone.now()
        )
    _write(referral.case, actor, f"referral:{referral.pk}", "revoked")


@transaction.atomic
def referral_revoke(*, actor, referral: Referral, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _owner(actor, referral.case, f"referral:{referral.pk}")
    if referral.state not in (Referral.State.DRAFT, *Referral.OPEN_STATES):
        raise ValidationError(_("This referral is already finished."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is revoked.")})
    _revoke(referral, actor, reason.strip())
    return referral


@transaction.atomic
def referral_handover(*, actor, referral: Referral, note: str) -> Referral:
    """Record that the printed slip was handed to a receiver who is not on the platform."""
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _owner(actor, referral.case, f"referral:{referral.pk}")
    if referral.state not in Referral.OPEN_STATES:
        raise ValidationError(_("Only a sent referral can be handed over."))
    if not note.strip():
        raise ValidationError({"note": _("Say how and to whom the slip was handed over.")})
    referral.handed_over_at = timezone.now()
    referral.handed_over_by = actor
    referral.handover_note = note.strip()
    referral.save()
    _write(referral.case, actor, f"referral:{referral.pk}", "handed over")
    return referral


def referral_slip_logged(*, actor, referral: Referral) -> None:
    log_access(referral.case, actor, AccessEvent.Action.EXPORT, f"slip:{referral.pk}")


# -- attachments ------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor, case: Case, upload, title: str = "") -> Attachment:
    """Check the file (type by content, size), then store it encrypted under a random name."""
    _owner(actor, case, "attachment")
    _open(case)
    try:
        checked = check_upload(
            upload, kinds=EVIDENCE_KINDS, max_bytes=ATTACHMENT_MAX_BYTES, strip_metadata=True
        )
    except ValidationError:
        log_refusal(case, actor, "attachment", "upload")
        raise
    checked.seek(0)
    token = encrypt_bytes(checked.read())
    attachment = Attachment(
        case=case,
        name=checked.original_name,
        title=title.strip(),
        content_type=checked.content_type,
        size=checked.size,
        added_by=actor,
    )
    attachment.file.save("attachment.bin", ContentFile(token), save=False)
    stored = attachment.file.name
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    _write(case, actor, f"attachment:{attachment.pk}", "added")
    return attachment


def attachment_read(*, actor, attachment: Attachment) -> bytes:
    _owner(actor, attachment.case, f"attachment:{attachment.pk}")
    with attachment.file.open("rb") as handle:
        data = decrypt_bytes(handle.read())
    log_access(attachment.case, actor, AccessEvent.Action.EXPORT, f"attachment:{attachment.pk}")
    return data


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    case = attachment.case
    _owner(actor, case, f"attachment:{attachment.pk}")
    name = attachment.file.name
    storage = attachment.file.storage
    pk = attachment.pk
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    _write(case, actor, f"attachment:{pk}", "deleted")


# -- access requests, retention and deletion --------------------------------------------------


def person_export(*, actor, case: Case) -> bytes:
    """Everything recorded about the person, for an access request (Law 09-08); logged."""
    _owner(actor, case, "export")
    identity = getattr(case.person, "identity", None)
    data = {
        "case": case.code,
        "organisation": str(case.organisation),
        "opened_on": case.opened_on.isoformat(),
        "stage": case.stage,
        "person": {"sex": case.person.sex, "age_band": case.person.age_band},
        "identity": dict(identity.data) if identity is not None else {},
        "assessment": {
            "risk": case.risk,
            "needs": case.needs,
            "safety_plan": case.safety_plan,
            "contact_channel": case.contact_channel,
            "contact_notes": case.contact_notes,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "recipient_kind": c.recipient_kind,
                "given_by": c.given_by,
                "given_on": c.given_on.isoformat(),
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
                "withhold": c.withhold,
            }
            for c in case.consents.all()
        ],
        "incidents": [
            {
                "type": i.type,
                "occurred_on": i.occurred_on.isoformat(),
                "reported_on": i.reported_on.isoformat(),
                "contexts": i.contexts,
                "description": i.description,
            }
            for i in case.incidents.all()
        ],
        "plan": [
            {"need": p.need, "action": p.action, "due_on": p.due_on.isoformat(), "status": p.status}
            for p in case.plan_items.all()
        ],
        "follow_ups": [
            {"on": f.on.isoformat(), "kind": f.kind, "notes": f.notes}
            for f in case.follow_ups.all()
        ],
        "referrals": [
            {
                "service": str(r.service),
                "state": r.state,
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                "feedback": r.feedback,
            }
            for r in case.referrals.select_related("service")
        ],
        "attachments": [{"name": a.name, "size": a.size} for a in case.attachments.all()],
    }
    log_access(case, actor, AccessEvent.Action.EXPORT, "person_export")
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _blank_free_texts(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(safety_plan="", contact_notes="", urgent_until=None)
    Consent.objects.filter(case=case).update(withhold="")
    Incident.objects.filter(case=case).update(description="")
    PlanItem.objects.filter(case=case).update(action="")
    FollowUp.objects.filter(case=case).update(notes="")
    Approval.objects.filter(case=case).update(request_note="", comment="")
    Transfer.objects.filter(case=case).update(reason="", decline_reason="")
    Referral.objects.filter(case=case).update(
        packet="",
        message="",
        override_reason="",
        decline_reason="",
        feedback="",
        revoke_reason="",
        handover_note="",
    )


def _delete_attachments(case: Case) -> None:
    for attachment in list(case.attachments.all()):
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


@transaction.atomic
def case_anonymise(*, case: Case, actor=None) -> None:
    """Keep what statistics need (types, dates, commune, sex, age band) and nothing else:
    identity, free texts, packets and attachments are gone. Used by the retention job."""
    PersonIdentity.objects.filter(person=case.person).delete()
    _blank_free_texts(case)
    _delete_attachments(case)
    Person.objects.filter(pk=case.person_id).update(anonymised_at=timezone.now())
    _write(case, actor, "case", "anonymised")


def anonymise_due(now: dt.datetime | None = None) -> int:
    """Anonymise the cases closed longer ago than MADINA_CASE_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.MADINA_CASE_RETENTION_DAYS)
    due = Case.objects.filter(
        stage=Case.Stage.CLOSED, closed_at__lt=cutoff, person__anonymised_at__isnull=True
    )
    count = 0
    for case in due.select_related("person"):
        case_anonymise(case=case)
        count += 1
    return count


@transaction.atomic
def case_delete(*, actor, case: Case) -> None:
    """Erase the case for good (supervisor): its person, identity, history and attachments."""
    _supervisor(actor, case, "case")
    from madina.core.models import AuditEvent

    person = case.person
    _delete_attachments(case)
    AuditEvent.objects.filter(object_type__startswith="cases.", object_id=str(case.pk)).delete()
    case.delete()
    if not person.cases.exists():
        person.delete()
