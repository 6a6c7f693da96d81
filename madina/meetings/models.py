"""Meetings of a coordination space and the recommendations they end with (issue 4).

A meeting hangs off a ``coordination.Space`` and is seen by whoever may see the space's content
(``coordination.view_space_content``); see ``rules.py`` and docs/decisions/0015. Attendance is
counted per organisation and by sex, never by name. A recommendation is a record of its own,
followed from draft to implementation through dated updates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from madina.core.models import StoredFileDetails, TimeStampedModel
from madina.core.uploads import EVIDENCE_KINDS, MIB, RandomFileName, UploadValidator

# The largest file a meeting's minutes or a recommendation's update accepts (decision 16).
FILE_MAX_BYTES = 10 * MIB


class Meeting(TimeStampedModel):
    class Type(models.TextChoices):
        CONSULTATION = "consultation", _("consultation meeting")
        COORDINATION = "coordination", _("coordination meeting")
        WORKSHOP = "workshop", _("workshop")
        TRAINING = "training", _("training")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid (in person and online)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    space = models.ForeignKey(
        "coordination.Space",
        verbose_name=_("coordination space"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type of meeting"), max_length=16, choices=Type.choices)
    mode = models.CharField(
        _("format"), max_length=16, choices=Mode.choices, default=Mode.IN_PERSON
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    organiser = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    co_organisers = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("co-organisers"),
        blank=True,
        related_name="co_organised_meetings",
    )
    # Registration (docs/decisions/0019): how many people the room holds, and how many of those
    # places are kept for the invitations marked as using reserved places.
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many people the room holds. Leave empty for no limit."),
    )
    reserved_places = models.PositiveIntegerField(
        _("reserved places"),
        default=0,
        help_text=_(
            "Places kept for the invited organisations you mark, such as migrants' associations "
            "or speakers. At most the number of places."
        ),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True, reserved_places=0)
                | models.Q(reserved_places__lte=models.F("capacity")),
                name="meeting_reserved_places_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["space", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", kwargs={"pk": self.pk})

    @property
    def is_in_person(self) -> bool:
        return self.mode in {self.Mode.IN_PERSON, self.Mode.HYBRID}

    @property
    def is_online(self) -> bool:
        return self.mode in {self.Mode.ONLINE, self.Mode.HYBRID}


class AgendaItem(TimeStampedModel):
    """A point of the agenda; items nest under a parent item of the same meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under the item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    """A session of the meeting, where speakers present (the seed's meeting had two)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="sessions"
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Speaker(TimeStampedModel):
    """Someone who speaks at a session: a public figure of the meeting, shown with it only."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="speakers"
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    affiliation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_speakers",
    )
    bio = models.TextField(_("short biography"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Attendance(TimeStampedModel):
    """How many people an organisation sent to a meeting, by sex. No names, ever."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meeting_attendance",
    )
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    other = models.PositiveIntegerField(_("other or not said"), default=0)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_attendance_row_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.total})"

    @property
    def total(self) -> int:
        return self.women + self.men + self.other


class Minutes(TimeStampedModel):
    """The meeting's report. Published once validated; until then only its editors read it.

    The organisations present are those of the attendance table (never typed twice).
    """

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField(_("text of the minutes"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)


class MinutesFile(StoredFileDetails):
    """A document or a photo of the minutes: the slides shown, the attendance sheet's scan, a
    photo of the room. Stored under a random name and served only through
    ``meetings:minutes_file`` to those who may read the minutes, never from /media/."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        PHOTO = "photo", _("photo")

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.PROTECT, related_name="files"
    )
    kind = models.CharField(_("kind of file"), max_length=16, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        max_length=255,
        upload_to=RandomFileName("meetings/minutes"),
        validators=[UploadValidator(kinds=EVIDENCE_KINDS, max_bytes=FILE_MAX_BYTES)],
    )
    uploaded_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("file of the minutes")
        verbose_name_plural = _("files of the minutes")
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("meetings:minutes_file", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Recommendation(TimeStampedModel):
    """A recommendation a meeting ended with, followed until it is implemented or rejected.

    The actions that implement it (``coordination.ProgrammeItem`` of kind action) are linked
    many to many through ``RecommendationAction``; its progress is their average, computed when
    read (docs/decisions/0018).
    """

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("state of a recommendation", "draft")
        ADOPTED = "adopted", pgettext_lazy("state of a recommendation", "adopted")
        IN_PROGRESS = "in_progress", pgettext_lazy("state of a recommendation", "in progress")
        IMPLEMENTED = "implemented", pgettext_lazy("state of a recommendation", "implemented")
        PARTLY_IMPLEMENTED = (
            "partly_implemented",
            pgettext_lazy("state of a recommendation", "partly implemented"),
        )
        NOT_IMPLEMENTED = (
            "not_implemented",
            pgettext_lazy("state of a recommendation", "not implemented"),
        )
        REJECTED = "rejected", pgettext_lazy("state of a recommendation", "rejected")

    class Priority(models.TextChoices):
        HIGH = "high", pgettext_lazy("priority of a recommendation", "high")
        MEDIUM = "medium", pgettext_lazy("priority of a recommendation", "medium")
        LOW = "low", pgettext_lazy("priority of a recommendation", "low")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(
        _("language of the text"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the title and text are written in."),
    )
    # Optional translations: {"ar": {"title": "…", "text": "…"}, "en": {…}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    theme = models.ForeignKey(
        "actors.Sector",
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    addressees = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("addressed to"),
        blank=True,
        related_name="recommendations_received",
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    state_justification = models.TextField(_("justification"), blank=True)
    actions = models.ManyToManyField(
        "coordination.ProgrammeItem",
        verbose_name=_("actions that implement it"),
        through="RecommendationAction",
        blank=True,
        related_name="recommendations",
    )
    is_public = models.BooleanField(
        _("shown on the public tracking page"),
        default=False,
        help_text=_(
            "Only for a public space, once the recommendation is no longer a draft: anyone can "
            "then follow what became of it, without signing in."
        ),
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_number_per_recommendation_and_meeting"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["rejected", "not_implemented"])
                | ~models.Q(state_justification=""),
                name="rejection_has_a_justification",
            ),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:recommendation_detail", kwargs={"pk": self.pk})

    @property
    def code(self) -> str:
        """A short reference that names no one: R, the meeting's number, the rank in it."""
        return f"R{self.meeting_id}.{self.number}"

    def _in_language(self, key: str) -> str:
        language = (get_language() or "")[:2]
        translation = (self.translations or {}).get(language)
        if language != self.language and isinstance(translation, dict) and translation.get(key):
            return translation[key]
        return getattr(self, key)

    @property
    def display_title(self) -> str:
        """The title in the reader's language when a translation exists, else as written."""
        return self._in_language("title")

    @property
    def display_text(self) -> str:
        return self._in_language("text")


class RecommendationUpdate(models.Model):
    """A dated step in a recommendation's follow-up, with or without a change of state."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("what happened"), blank=True)
    state_before = models.CharField(
        _("state before"), max_length=20, choices=Recommendation.State.choices, blank=True
    )
    state_after = models.CharField(
        _("new state"), max_length=20, choices=Recommendation.State.choices, blank=True
    )
    evidence_url = models.URLField(_("link to the evidence"), blank=True)
    evidence_note = models.TextField(_("where the evidence is"), max_length=2000, blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        max_length=255,
        blank=True,
        upload_to=RandomFileName("evidence/recommendations"),
        validators=[UploadValidator(kinds=EVIDENCE_KINDS, max_bytes=FILE_MAX_BYTES)],
    )
    evidence_file_name = models.CharField(_("name of the file"), max_length=255, blank=True)
    evidence_content_type = models.CharField(_("type of file"), max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("update of a recommendation")
        verbose_name_plural = _("updates of a recommendation")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.recommendation.code} {self.on}"

    def get_evidence_url(self) -> str:
        return reverse("meetings:update_evidence", kwargs={"pk": self.pk})

    @property
    def changes_state(self) -> bool:
        return bool(self.state_after) and self.state_after != self.state_before


class RecommendationAction(models.Model):
    """A programme's action that carries out (part of) a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="action_links",
    )
    action = models.ForeignKey(
        "coordination.ProgrammeItem",
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="recommendation_links",
    )
    created_at = models.DateTimeField(_("linked on"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("action implementing a recommendation")
        verbose_name_plural = _("actions implementing recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "action"], name="one_link_per_recommendation_and_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.code} → {self.action}"


# --- Invitations and registration (issue 4; docs/decisions/0019) -------------------------------


class Invitation(TimeStampedModel):
    """A meeting's invitation to one organisation, answered by that organisation's people.

    The space's current member organisations are invited by default; editors may add others. An
    invitation marked ``uses_reserved_places`` may fill the meeting's reserved places.
    """

    class State(models.TextChoices):
        INVITED = "invited", pgettext_lazy("answer to an invitation", "invited")
        ACCEPTED = "accepted", pgettext_lazy("answer to an invitation", "accepted")
        DECLINED = "declined", pgettext_lazy("answer to an invitation", "declined")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    state = models.CharField(
        _("answer"), max_length=10, choices=State.choices, default=State.INVITED
    )
    uses_reserved_places = models.BooleanField(_("may use the reserved places"), default=False)
    invited_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to a meeting")
        verbose_name_plural = _("invitations to meetings")
        ordering = ["meeting", "organisation__name_fr", "organisation__name_ar", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_invitation_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:invitation_detail", kwargs={"pk": self.pk})


class InterpretationLanguage(models.TextChoices):
    """The languages interpretation may be asked into (a fixed list; others in words)."""

    ARABIC = "ar", _("Arabic")
    DARIJA = "ary", _("Darija")
    TAMAZIGHT = "ber", _("Tamazight")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("other language")


class Registration(TimeStampedModel):
    """How many people an accepted invitation brings, by sex, and what they need. No names."""

    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="registration",
    )
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    other = models.PositiveIntegerField(_("other or not said"), default=0)
    # {"ber": 3, "es": 1}: how many of the people registered need interpretation into each
    # language of ``InterpretationLanguage``.
    interpretation = models.JSONField(_("interpretation"), default=dict, blank=True)
    interpretation_other = models.CharField(_("which other language"), max_length=100, blank=True)
    childcare_places = models.PositiveIntegerField(_("childcare places"), default=0)
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    sign_language = models.BooleanField(_("sign language"), default=False)
    other_needs = models.CharField(_("other accessibility need"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("registration to a meeting")
        verbose_name_plural = _("registrations to meetings")

    def __str__(self) -> str:
        return f"{self.invitation} ({self.total})"

    @property
    def total(self) -> int:
        return self.women + self.men + self.other
