"""Feedback and complaints, and closing the loop (issue 7).

A feedback item comes from the public portal (anonymous: no address, no account is kept) or is
entered by staff from another channel (phone, WhatsApp, a desk, a suggestion box). It is coded
as in the IFRC community-engagement framework (type, then category), addressed to one
organisation or to the coordination, and follows a short lifecycle whose every step is written to
``FeedbackEvent``. Its holder follows it with a random reference code that reveals only the
status, the dates and the public answer.

The message, the contact, the answer and the notes are encrypted at rest (``cases.crypto``):
any of them may name a person. Sensitive items (abuse or exploitation by a worker, fraud, a threat
to safety) are read only by the sensitive team of the organisation they are addressed to
(``SensitiveTeamMember``), or by the coordination's sensitive team when addressed to no one.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from madina.cases.crypto import EncryptedTextField
from madina.core.models import TimeStampedModel

# No 0/O, 1/I/L, 5/S or 8/B: read aloud over the phone or copied by hand, they are mistaken.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
REFERENCE_LENGTH = 10  # 26^10 ≈ 1.4 × 10^14 codes: not guessable at the rate limit of the portal.

MESSAGE_MAX = 4000
CONTACT_MAX = 200
RESPONSE_MAX = 4000
NOTE_MAX = 1000


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(value: str) -> str:
    """What someone typed, as stored: capitals, without spaces, dashes or other separators."""
    return "".join(ch for ch in (value or "").upper() if ch.isascii() and ch.isalnum())[:32]


def format_reference(value: str) -> str:
    half = len(value) // 2
    return f"{value[:half]}-{value[half:]}"


class Feedback(TimeStampedModel):
    class Type(models.TextChoices):
        """The IFRC community feedback types (coding framework, level 1)."""

        QUESTION = "question", _("question")
        REQUEST = "request", _("request or suggestion")
        CONCERN = "concern", _("concern")
        COMPLAINT = "complaint", _("complaint")
        PRAISE = "praise", _("praise or thanks")
        RUMOUR = "rumour", _("rumour or observation")

    class Category(models.TextChoices):
        HEALTH = "health", _("health")
        LEGAL = "legal", _("legal help")
        SHELTER = "shelter", _("shelter")
        EDUCATION = "education", _("education")
        WORK = "work", _("work")
        DOCUMENTS = "documents", _("documents")
        PROTECTION = "protection", _("protection")
        QUALITY = "quality", _("quality of services")
        STAFF = "staff", _("behaviour of staff")
        OTHER = "other", pgettext_lazy("category of feedback", "other")

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        DARIJA = "ary", _("Moroccan Arabic (Darija)")
        TARIFIT = "rif", _("Tarifit (Amazigh)")
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        OTHER = "other", pgettext_lazy("language", "other")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("public portal")
        PHONE = "phone", _("phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        IN_PERSON = "in_person", _("in person")
        BOX = "box", _("suggestion box")
        OTHER = "other", pgettext_lazy("channel", "other")

    class AnswerBy(models.TextChoices):
        NONE = "none", _("no answer needed")
        STATUS_PAGE = "status_page", _("on the status page, with the code")
        PHONE = "phone", _("by phone")
        EMAIL = "email", _("by e-mail")

    class SensitiveKind(models.TextChoices):
        MISCONDUCT = "misconduct", _("abuse or misconduct by a worker")
        SEA = "sea", _("sexual exploitation or abuse")
        CHILD = "child", _("harm to a child")
        FRAUD = "fraud", _("fraud or corruption")
        SAFETY = "safety", _("threat to someone's safety")
        OTHER = "other", pgettext_lazy("kind of sensitive feedback", "other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ASSIGNED = "assigned", _("being handled")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class ResponseChannel(models.TextChoices):
        STATUS_PAGE = "status_page", _("status page")
        PHONE = "phone", _("phone call")
        EMAIL = "email", _("e-mail")
        IN_PERSON = "in_person", _("in person")
        MEETING = "meeting", _("community meeting")

    reference = models.CharField(
        _("reference code"), max_length=16, unique=True, editable=False, default=new_reference
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("Leave empty to address it to the coordination."),
    )
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    category = models.CharField(_("subject"), max_length=12, choices=Category.choices)
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    message = EncryptedTextField(_("message"))
    answer_by = models.CharField(
        _("how to answer"), max_length=12, choices=AnswerBy.choices, default=AnswerBy.STATUS_PAGE
    )
    contact = EncryptedTextField(_("phone number or e-mail address"), blank=True)
    is_sensitive = models.BooleanField(_("sensitive"), default=False, db_index=True)
    sensitive_kind = models.CharField(
        _("kind of sensitive matter"), max_length=12, choices=SensitiveKind.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response = EncryptedTextField(_("answer"), blank=True)
    response_channel = models.CharField(
        _("answered by"), max_length=12, choices=ResponseChannel.choices, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Staff entry only; NULL for the portal, which keeps neither an account nor an address.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        # Never the message: this goes into audit trails and logs.
        return self.reference_display

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("feedback_staff:detail", args=[self.pk])

    @property
    def reference_display(self) -> str:
        return format_reference(self.reference)


class FeedbackEvent(models.Model):
    """One step of a feedback item's life: who did what, when (the referral log)."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ASSIGNED = "assigned", _("assigned")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        REFERRED = "referred", _("referred to another organisation")
        FLAGGED = "flagged", _("marked sensitive")
        UNFLAGGED = "unflagged", _("no longer marked sensitive")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=16, choices=Action.choices)
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class SensitiveTeamMember(TimeStampedModel):
    """A member of the team that reads sensitive feedback: per organisation, or the coordination's
    team when ``organisation`` is empty. Managed by the organisation's administrators and the
    coordinators; a member must also belong to the organisation (or be a coordinator)."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="feedback_sensitive_teams",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sensitive team member")
        verbose_name_plural = _("sensitive team members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="feedback_sensitive_team_once"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(organisation__isnull=True),
                name="feedback_coordination_team_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation or '-'}"


class YouSaidWeDid(TimeStampedModel):
    """Closing the loop in public: what people said about a theme and what was done about it."""

    category = models.CharField(_("subject"), max_length=12, choices=Feedback.Category.choices)
    said_ar = models.TextField(_("what was said, in Arabic"), max_length=1000, blank=True)
    said_fr = models.TextField(_("what was said, in French"), max_length=1000, blank=True)
    said_en = models.TextField(_("what was said, in English"), max_length=1000, blank=True)
    said_es = models.TextField(_("what was said, in Spanish"), max_length=1000, blank=True)
    did_ar = models.TextField(_("what was done, in Arabic"), max_length=1000, blank=True)
    did_fr = models.TextField(_("what was done, in French"), max_length=1000, blank=True)
    did_en = models.TextField(_("what was done, in English"), max_length=1000, blank=True)
    did_es = models.TextField(_("what was done, in Spanish"), max_length=1000, blank=True)
    done_on = models.DateField(_("date"))
    is_published = models.BooleanField(_("published on the portal"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("“you said, we did” entry")
        verbose_name_plural = _("“you said, we did” entries")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return self.said[:80]

    def _localised(self, field: str) -> str:
        language = (get_language() or "fr")[:2]
        order = {
            "ar": ["ar", "fr", "en", "es"],
            "en": ["en", "fr", "ar", "es"],
            "es": ["es", "fr", "en", "ar"],
        }.get(language, ["fr", "ar", "en", "es"])
        for code in order:
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return value
        return ""

    @property
    def said(self) -> str:
        return self._localised("said")

    @property
    def did(self) -> str:
        return self._localised("did")
