"""Confidential case management and referrals (docs/decisions/0022).

A *person* is known to the rest of the platform only by the pseudonymous code of their case.
Everything that identifies them (names, contacts, date of birth, nationality, address) lives in
``PersonIdentity``, one encrypted value, read only through ``selectors.identity_reveal`` which
logs the reveal. Free texts that may name someone (safety plan, notes, feedback…) are encrypted
too; what stays in clear is what lists, inboxes and statistics need: codes, dates, states,
types, the commune, the sex and the age band.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.cases.crypto import EncryptedJSONField, EncryptedTextField
from madina.core.models import TimeStampedModel

# Without 0/O and 1/I/L, so that a code read over the phone is not misheard.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_case_code() -> str:
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"C-{body[:4]}-{body[4:]}"


class Sex(models.TextChoices):
    FEMALE = "female", pgettext_lazy("sex of a person", "female")
    MALE = "male", pgettext_lazy("sex of a person", "male")
    OTHER = "other", pgettext_lazy("sex of a person", "other or not said")


class AgeBand(models.TextChoices):
    """The GBVIMS Incident Recorder's age bands; a band, never a date, leaves the case file."""

    UNDER_12 = "0-11", _("0–11 years")
    UNDER_18 = "12-17", _("12–17 years")
    UNDER_26 = "18-25", _("18–25 years")
    UNDER_41 = "26-40", _("26–40 years")
    UNDER_61 = "41-60", _("41–60 years")
    OVER_60 = "61+", _("61 years or more")
    UNKNOWN = "unknown", _("age unknown")

    @classmethod
    def for_age(cls, years: int | None) -> str:
        if years is None:
            return cls.UNKNOWN
        for limit, band in ((11, cls.UNDER_12), (17, cls.UNDER_18), (25, cls.UNDER_26)):
            if years <= limit:
                return band
        if years <= 40:
            return cls.UNDER_41
        return cls.UNDER_61 if years <= 60 else cls.OVER_60

    @classmethod
    def child_bands(cls) -> set[str]:
        return {cls.UNDER_12, cls.UNDER_18}


class Need(models.TextChoices):
    """Needs found by the assessment; each line of the service plan meets one."""

    HEALTH = "health", pgettext_lazy("a need", "health care")
    PSYCHOSOCIAL = "psychosocial", pgettext_lazy("a need", "psychosocial support")
    LEGAL = "legal", pgettext_lazy("a need", "legal aid and justice")
    SAFETY = "safety", pgettext_lazy("a need", "safety and protection")
    SHELTER = "shelter", pgettext_lazy("a need", "shelter")
    LIVELIHOOD = "livelihood", pgettext_lazy("a need", "livelihood")
    DOCUMENTATION = "documentation", pgettext_lazy("a need", "documents")
    EDUCATION = "education", pgettext_lazy("a need", "education")


class RecipientKind(models.TextChoices):
    """Who a referral goes to; consent to share is given per kind, and a profile belongs to one."""

    COURT_CELL = "court_cell", _("court cell")
    HOSPITAL_UNIT = "hospital_unit", _("hospital unit")
    POLICE = "police", _("police or gendarmerie")
    HEALTH = "health", _("health service")
    PSYCHOSOCIAL = "psychosocial", _("psychosocial support")
    SHELTER = "shelter", _("shelter")
    LEGAL_AID = "legal_aid", _("legal aid")
    OTHER_SERVICE = "other_service", _("other service")


class Person(TimeStampedModel):
    """The person a case is about. Only what statistics need is kept in clear."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="case_persons",
    )
    sex = models.CharField(pgettext_lazy("of a person", "sex"), max_length=8, choices=Sex.choices)
    age_band = models.CharField(
        _("age band"), max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"person #{self.pk}"

    @property
    def is_child(self) -> bool:
        return self.age_band in AgeBand.child_bands()


class PersonIdentity(models.Model):
    """What identifies a person, kept apart and encrypted as one value.

    Keys of ``data``: given_name, family_name, other_names, phone, other_contact, birth_date
    (ISO date), birth_date_is_estimate, nationality (ISO 3166 alpha-2), address, id_document.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="identity", primary_key=True
    )
    data = EncryptedJSONField(_("identity"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("identity of a person")
        verbose_name_plural = _("identities of persons")

    def __str__(self) -> str:
        return f"identity of person #{self.person_id}"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=Case.Stage.CLOSED)


class Case(TimeStampedModel):
    class Stage(models.TextChoices):
        INTAKE = "intake", pgettext_lazy("stage of a case", "intake")
        ASSESSMENT = "assessment", pgettext_lazy("stage of a case", "assessment")
        CASE_PLAN = "case_plan", pgettext_lazy("stage of a case", "case plan awaiting approval")
        SERVICES = "services", pgettext_lazy("stage of a case", "services under way")
        CLOSURE = "closure", pgettext_lazy("stage of a case", "closure awaiting approval")
        CLOSED = "closed", pgettext_lazy("stage of a case", "closed")

    class Risk(models.TextChoices):
        LOW = "low", pgettext_lazy("risk level", "low")
        MEDIUM = "medium", pgettext_lazy("risk level", "medium")
        HIGH = "high", pgettext_lazy("risk level", "high")

    class ContactChannel(models.TextChoices):
        PHONE = "phone", _("phone call")
        SMS = "sms", _("text message")
        WHATSAPP = "whatsapp", _("WhatsApp")
        IN_PERSON = "in_person", _("in person only")
        THROUGH_TRUSTED = "trusted", _("through a trusted person")
        NONE = "none", _("do not contact")

    code = models.CharField(
        _("case code"), max_length=16, unique=True, default=new_case_code, editable=False
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.INTAKE, db_index=True
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case workers"),
        related_name="assigned_cases",
        blank=True,
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # Assessment, kept on the case: the needs, the risk and how to reach the person safely.
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    safety_plan = EncryptedTextField(_("safety plan"), blank=True)
    contact_channel = models.CharField(
        _("safe way to contact"), max_length=12, choices=ContactChannel.choices, blank=True
    )
    contact_notes = EncryptedTextField(
        _("safe contact: times, code words, who may answer"), blank=True
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    # Set by the services from the incidents: work on this case comes first.
    urgent_until = models.DateTimeField(_("urgent until"), null=True, blank=True)
    urgent_reason = models.CharField(_("why it is urgent"), max_length=32, blank=True)
    # The previous owner when the case was transferred.
    previous_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("previous organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.code])

    @property
    def is_urgent(self) -> bool:
        return self.urgent_until is not None and self.urgent_until > timezone.now()


class Consent(TimeStampedModel):
    """One dated consent: who gave it, for what, what to withhold, until when; withdrawable."""

    class Purpose(models.TextChoices):
        SERVICES = "services", _("case management and services")
        REFERRAL = "referral", _("sharing with a kind of service (referral)")
        STATISTICS = "statistics", _("anonymous statistics")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("the person")
        GUARDIAN = "guardian", _("a parent or guardian")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=16, choices=RecipientKind.choices, blank=True
    )
    given_by = models.CharField(_("given by"), max_length=8, choices=GivenBy.choices)
    guardian_relation = models.CharField(_("relation of the guardian"), max_length=100, blank=True)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withhold = EncryptedTextField(_("information to withhold"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose="referral", recipient_kind__gt="")
                | (~models.Q(purpose="referral") & models.Q(recipient_kind="")),
                name="cases_consent_kind_iff_referral",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    def is_valid_on(self, day) -> bool:
        return (
            self.withdrawn_at is None
            and self.given_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )


class Incident(TimeStampedModel):
    """An incident classified with one GBVIMS type (or non-GBV); its context is recorded apart."""

    class Type(models.TextChoices):
        RAPE = "rape", _("rape")
        SEXUAL_ASSAULT = "sexual_assault", _("sexual assault")
        PHYSICAL_ASSAULT = "physical_assault", _("physical assault")
        FORCED_MARRIAGE = "forced_marriage", _("forced marriage")
        DENIAL = "denial_of_resources", _("denial of resources, opportunities or services")
        PSYCHOLOGICAL = "psychological_abuse", _("psychological / emotional abuse")
        NON_GBV = "non_gbv", _("non-GBV (not gender-based violence)")

    class Context(models.TextChoices):
        INTIMATE_PARTNER = "intimate_partner", _("intimate partner violence")
        CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("child sexual abuse")
        EARLY_MARRIAGE = "early_marriage", _("early marriage")
        SEXUAL_EXPLOITATION = "sexual_exploitation", _("possible sexual exploitation")
        TRAFFICKING = "trafficking", _("possible trafficking")
        MIGRATION_ROUTE = "migration_route", _("during the migration journey")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    type = models.CharField(_("type of incident"), max_length=24, choices=Type.choices)
    contexts = models.JSONField(_("context"), default=list, blank=True)
    occurred_on = models.DateField(_("date of the incident"))
    occurred_at_hour = models.PositiveSmallIntegerField(
        _("hour of the incident, if known"), null=True, blank=True
    )
    reported_on = models.DateField(_("date first reported"), default=timezone.localdate)
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune of the incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person's sex and age band when it happened, for the statistics.
    sex = models.CharField(pgettext_lazy("of a person", "sex"), max_length=8, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    description = EncryptedTextField(_("what happened"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.occurred_on})"


class PlanItem(TimeStampedModel):
    """A line of the service plan: a need, the service that meets it, and when it is due."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("status of a plan line", "planned")
        REFERRED = "referred", pgettext_lazy("status of a plan line", "referred")
        DONE = "done", pgettext_lazy("status of a plan line", "done")
        CANCELLED = "cancelled", pgettext_lazy("status of a plan line", "cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_items")
    need = models.CharField(_("need"), max_length=16, choices=Need.choices)
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = EncryptedTextField(_("what will be done"), blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)

    class Meta:
        verbose_name = _("service plan line")
        verbose_name_plural = _("service plan lines")
        ordering = ["-is_urgent", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.need} ({self.due_on})"


class FollowUp(TimeStampedModel):
    class Kind(models.TextChoices):
        VISIT = "visit", _("visit")
        CALL = "call", _("phone call")
        MEETING = "meeting", _("meeting at the office")
        ACCOMPANIMENT = "accompaniment", _("accompaniment to a service")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    next_due_on = models.DateField(_("next follow-up due"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.on})"


class Approval(TimeStampedModel):
    """A supervisor's decision on the case plan or on closing the case."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("case plan")
        CLOSURE = "closure", _("closure")

    class Decision(models.TextChoices):
        PENDING = "pending", pgettext_lazy("decision", "pending")
        APPROVED = "approved", pgettext_lazy("decision", "approved")
        REJECTED = "rejected", pgettext_lazy("decision", "sent back")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request_note = EncryptedTextField(_("note for the supervisor"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = EncryptedTextField(_("supervisor's comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(decision="pending"),
                name="cases_one_pending_approval_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_decision_display()}"


class Transfer(TimeStampedModel):
    """Handing a case to another organisation; ownership changes only when it accepts."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("state of a transfer", "waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("state of a transfer", "accepted")
        DECLINED = "declined", pgettext_lazy("state of a transfer", "declined")
        CANCELLED = "cancelled", pgettext_lazy("state of a transfer", "cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("to organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    reason = EncryptedTextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="pending"),
                name="cases_one_pending_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"transfer #{self.pk}"


class Referral(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("state of a referral", "draft")
        SENT = "sent", pgettext_lazy("state of a referral", "sent")
        ACCEPTED = "accepted", pgettext_lazy("state of a referral", "accepted")
        DECLINED = "declined", pgettext_lazy("state of a referral", "declined")
        IN_PROGRESS = "in_progress", pgettext_lazy("state of a referral", "in progress")
        DONE = "done", pgettext_lazy("state of a referral", "done")
        REVOKED = "revoked", pgettext_lazy("state of a referral", "revoked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("service plan line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="case_referrals",
    )
    profile = models.CharField(_("referral profile"), max_length=16)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    message = EncryptedTextField(_("message to the receiver"), blank=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    override_reason = EncryptedTextField(_("reason for referring without consent"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the receiver sees, frozen when the referral is sent.
    packet = EncryptedJSONField(_("referral packet"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback from the receiver"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = EncryptedTextField(_("reason for revoking"), blank=True)
    # A receiver not on the platform: the slip is printed and handed over.
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handover_note = EncryptedTextField(_("how it was handed over, to whom"), blank=True)

    OPEN_STATES = (State.SENT, State.ACCEPTED, State.IN_PROGRESS)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:referral", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


def _attachment_path(instance, filename) -> str:
    return f"cases/{secrets.token_hex(16)}.bin"


class Attachment(TimeStampedModel):
    """A document of a case, stored encrypted; its name and title are encrypted too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = EncryptedTextField(_("file name"))
    title = EncryptedTextField(_("title"), blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


class AccessEvent(models.Model):
    """Every read, write, export, reveal and refused access of a case: the case's access log.

    Holds what was done to which part, never a value; kept with the case and deleted with it.
    """

    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("access to a case", "read")
        WRITE = "write", pgettext_lazy("access to a case", "changed")
        EXPORT = "export", pgettext_lazy("access to a case", "exported")
        REVEAL = "reveal", pgettext_lazy("access to a case", "revealed identity")
        DENIED = "denied", pgettext_lazy("access to a case", "refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_events")
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    # Which part: "case", "identity", "referral:12", "attachment:3", "consent"…
    part = models.CharField(_("part"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access to a case")
        verbose_name_plural = _("accesses to cases")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.part}"
