"""Public consultations (issue 7): an organisation asks questions; people answer on the portal,
or by phone or in person through a staff member; the organisation publishes what it heard.

People's safety depends on what is *not* kept: a response stores no IP address, no account and
no user for portal answers, and its time only to the hour. For identified consultations a name
and a contact may be given; they are never shown in results or exports.

Texts written by the organisation (titles, questions, options, summaries) are kept per language
in a JSON object ``{"ar": …, "fr": …, "en": …, "es": …}`` and read with ``localised``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from madina.core.models import TimeStampedModel

# The languages texts are written in, in the order tried when the reader's is missing.
TEXT_LANGUAGES = ("ar", "fr", "en", "es")
_FALLBACK = {
    "ar": ("ar", "fr", "en", "es"),
    "fr": ("fr", "ar", "en", "es"),
    "en": ("en", "fr", "es", "ar"),
    "es": ("es", "fr", "en", "ar"),
}


def localised(texts: dict | None, language: str | None = None) -> str:
    """The text in the reader's language, else in the nearest one written."""
    texts = texts or {}
    language = (language or get_language() or "fr")[:2]
    for code in _FALLBACK.get(language, _FALLBACK["fr"]):
        if texts.get(code):
            return texts[code]
    return ""


def localised_language(texts: dict | None, language: str | None = None) -> str:
    """The code of the language ``localised`` picks (for ``lang`` attributes)."""
    texts = texts or {}
    language = (language or get_language() or "fr")[:2]
    for code in _FALLBACK.get(language, _FALLBACK["fr"]):
        if texts.get(code):
            return code
    return language


class Group(models.TextChoices):
    """The groups a consultation is meant for, and a respondent may say they belong to."""

    MIGRANTS = "migrants", _("migrants")
    REFUGEES = "refugees", _("refugees and asylum seekers")
    HOST = "host", _("host community")
    WOMEN = "women", _("women")
    YOUTH = "youth", _("young people")


class Consultation(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("state of a consultation", "draft")
        PUBLISHED = "published", pgettext_lazy("state of a consultation", "published")
        CLOSED = "closed", pgettext_lazy("state of a consultation", "closed")

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous: nobody is asked for a name or a contact."),
    )
    communes = models.ManyToManyField(
        "territory.Area", verbose_name=_("communes concerned"), related_name="+", blank=True
    )
    target_groups = models.JSONField(_("groups concerned"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    summary = models.JSONField(_("what you told us"), default=dict, blank=True)
    summary_published = models.BooleanField(_("summary published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultations_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return localised(self.title) or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("consultations_staff:detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("portal:consultations:answer", args=[self.pk])

    @property
    def title_text(self) -> str:
        return localised(self.title)

    @property
    def title_language(self) -> str:
        return localised_language(self.title)

    @property
    def description_text(self) -> str:
        return localised(self.description)

    @property
    def summary_text(self) -> str:
        return localised(self.summary)

    def is_open(self, on: datetime.date | None = None) -> bool:
        """Published, and today between the opening and closing dates (both included)."""
        on = on or timezone.localdate()
        return self.state == self.State.PUBLISHED and self.opens_on <= on <= self.closes_on

    def has_ended(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.state == self.State.CLOSED or (
            self.state == self.State.PUBLISHED and on > self.closes_on
        )

    @property
    def group_labels(self) -> list[str]:
        labels = dict(Group.choices)
        return [str(labels[code]) for code in self.target_groups if code in labels]


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("free text")
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")
        RANKING = "ranking", _("ranking")
        SCALE = "scale", _("scale from 1 to 5")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING)
    CONDITION_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("an answer is required"), default=False)
    text = models.JSONField(_("question"), default=dict)
    # Shown only if the answer to an earlier one-choice or several-choices question includes
    # this option; otherwise ignored, even if an answer is sent.
    condition = models.ForeignKey(
        "Option",
        verbose_name=_("shown only if the answer includes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conditioned_questions",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return localised(self.text) or f"#{self.pk}"

    @property
    def text_value(self) -> str:
        return localised(self.text)

    @property
    def text_language(self) -> str:
        return localised_language(self.text)

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.JSONField(_("option"), default=dict)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return localised(self.text) or f"#{self.pk}"

    @property
    def text_value(self) -> str:
        return localised(self.text)


class Response(models.Model):
    """One person's answers. No IP address, no account; the time is kept to the hour only."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("public portal")
        PHONE = "phone", _("entered by staff: phone")
        IN_PERSON = "in_person", _("entered by staff: in person")
        OTHER = "other", _("entered by staff: other")

    STAFF_CHANNELS = (Channel.PHONE, Channel.IN_PERSON, Channel.OTHER)

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Identified consultations only; never shown in results or exports.
    respondent_name = models.CharField(_("name"), max_length=120, blank=True)
    respondent_contact = models.CharField(_("contact"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    # One or several choices; for a ranking, every option ranked (the order is in ``ranking``).
    options = models.ManyToManyField(Option, related_name="answers", blank=True)
    ranking = models.JSONField(_("ranking"), default=list, blank=True)
    scale = models.PositiveSmallIntegerField(
        _("value"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="consultations_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
