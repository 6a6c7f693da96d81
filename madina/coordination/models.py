"""Coordination spaces, the organisations that sit in them, and who may edit them.

Membership (``SpaceMember``: an organisation, its position, its dates) is kept apart from access
control (``SpaceRole``: a person's right to edit a space). See docs/decisions/0012.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.models import _localised
from madina.core.models import StoredFileDetails, TimeStampedModel
from madina.core.text import search_text
from madina.core.uploads import EVIDENCE_KINDS, MIB, RandomFileName, UploadValidator


class Space(TimeStampedModel):
    """A standing body where the actors of the territory coordinate (decidim's "assembly")."""

    class Type(models.TextChoices):
        INTER_MUNICIPAL = "inter_municipal", _("inter-municipal coordination space")
        LOCAL_CSO = "local_cso", _("local space of civil-society organisations")
        REGIONAL_COMMITTEE = "regional_committee", _("regional committee")
        WORKING_GROUP = "working_group", _("thematic working group")
        OTHER = "other", _("other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        TRANSPARENT = "transparent", _("private but transparent")
        PRIVATE = "private", _("private")

    name_ar = models.CharField(_("name in Arabic"), max_length=255, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=255, blank=True)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    type = models.CharField(_("type of space"), max_length=32, choices=Type.choices)
    purpose_ar = models.TextField(_("purpose in Arabic"), blank=True)
    purpose_fr = models.TextField(_("purpose in French"), blank=True)
    purpose_en = models.TextField(_("purpose in English"), blank=True)
    composition = models.TextField(
        _("composition"),
        blank=True,
        help_text=_(
            "Who sits in the space, in words: which kinds of actors, how many, how chosen."
        ),
    )
    decision_making = models.TextField(
        _("what is decided and how"),
        blank=True,
        help_text=_("What the space decides, and how: consensus, vote, quorum, who validates."),
    )
    territory = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("territory"),
        blank=True,
        related_name="coordination_spaces",
    )
    created_on = models.DateField(_("created on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of the space"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("coordination space")
        verbose_name_plural = _("coordination spaces")
        ordering = ["name_fr", "name_ar"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ar="", name_fr="", name_en=""),
                name="space_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | ~models.Q(closing_reason=""),
                name="closed_space_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("created_on")),
                name="space_closed_after_created",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def purpose(self) -> str:
        return _localised(self, "purpose")

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def save(self, *args, **kwargs):
        self.search_text = search_text([self.name_ar, self.name_fr, self.name_en, self.acronym])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("coordination:space_detail", kwargs={"pk": self.pk})


class SpaceMemberQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships running on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
        )


class SpaceMember(TimeStampedModel):
    """An organisation's seat in a space: its position, from when to when, and its delegates."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        SECRETARIAT = "secretariat", _("secretariat")
        MEMBER = "member", _("member")
        OBSERVER = "observer", _("observer")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="space_memberships",
    )
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.MEMBER
    )
    start_date = models.DateField(_("member since"), default=timezone.localdate)
    end_date = models.DateField(_("member until"), null=True, blank=True)
    delegates = models.ManyToManyField(
        "actors.FocalPerson",
        verbose_name=_("delegates"),
        blank=True,
        related_name="space_delegations",
        help_text=_("Chosen among the organisation's focal persons that it has made public."),
    )

    objects = SpaceMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member of a space")
        verbose_name_plural = _("members of a space")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="space_member_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["space", "organisation"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_membership_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["space"],
                condition=models.Q(end_date__isnull=True, position="chair"),
                name="one_open_chair_per_space",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_position_display()} ({self.space})"

    @property
    def has_ended(self) -> bool:
        return self.end_date is not None and self.end_date < timezone.localdate()


class SpaceRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class SpaceRole(TimeStampedModel):
    """A person's right to work on a space, whatever organisation they belong to."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("space administrator")
        EDITOR = "editor", _("editor")
        RAPPORTEUR = "rapporteur", _("rapporteur")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="space_roles",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    revoked_at = models.DateTimeField(_("taken back on"), null=True, blank=True)

    objects = SpaceRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role in a space")
        verbose_name_plural = _("roles in a space")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_role_per_person_and_space",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.space})"


# --- Programmes and roadmaps (docs/decisions/0014) ----------------------------------------------


class Programme(TimeStampedModel):
    """An action programme or a roadmap adopted in a space for a period: a tree of items."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("action programme")
        ROADMAP = "roadmap", _("roadmap")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")
        CLOSED = "closed", _("closed")

    class Rollup(models.TextChoices):
        WEIGHTED = "weighted", _("weighted average of the parts")
        AVERAGE = "average", _("plain average of the parts")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="programmes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PROGRAMME)
    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    rollup = models.CharField(
        _("progress of a part from its sub-parts"),
        max_length=16,
        choices=Rollup.choices,
        default=Rollup.WEIGHTED,
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:programme_detail", kwargs={"pk": self.pk})


class ProgrammeItem(TimeStampedModel):
    """One node of a programme's tree: an axis, an objective, an action or a milestone."""

    class Kind(models.TextChoices):
        AXIS = "axis", _("axis")
        OBJECTIVE = "objective", _("objective")
        ACTION = "action", _("action")
        MILESTONE = "milestone", _("milestone")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        ON_TRACK = "on_track", _("on track")
        LATE = "late", _("late")
        AT_RISK = "at_risk", _("at risk")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    # The kinds a node of each kind may hang under (None: at the top of the programme).
    ALLOWED_PARENTS = {
        Kind.AXIS: {None},
        Kind.OBJECTIVE: {None, Kind.AXIS},
        Kind.ACTION: {None, Kind.AXIS, Kind.OBJECTIVE},
        Kind.MILESTONE: {Kind.ACTION},
    }
    # The kinds whose status is tracked (the others show the progress of their parts).
    TRACKED = (Kind.ACTION, Kind.MILESTONE)
    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (MAD)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    indicators = models.TextField(_("indicators"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("How much this part counts in the progress of the part above it."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_overridden = models.BooleanField(
        _("status set by hand over the automatic one"), default=False
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("linked initiatives"),
        blank=True,
        related_name="programme_items",
    )

    class Meta:
        verbose_name = _("item of a programme")
        verbose_name_plural = _("items of a programme")
        ordering = ["code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="programme_item_due_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="programme_item_progress_le_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status_overridden=False) | ~models.Q(status_reason=""),
                name="programme_item_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("coordination:item_detail", kwargs={"pk": self.pk})

    @property
    def is_tracked(self) -> bool:
        return self.kind in self.TRACKED

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_tracked
            and self.due_date is not None
            and self.due_date < today
            and not self.is_closed
        )


class Responsibility(TimeStampedModel):
    """An organisation's part in an action: accountable (the one lead), responsible, consulted,
    informed; with a contact person among the organisation's focal persons."""

    class Role(models.TextChoices):
        ACCOUNTABLE = "accountable", _("accountable (lead)")
        RESPONSIBLE = "responsible", _("responsible")
        CONSULTED = "consulted", _("consulted")
        INFORMED = "informed", _("informed")

    # The letters of the RACI matrix, in each language.
    LETTERS = {
        Role.ACCOUNTABLE: pgettext_lazy("letter of the accountable lead in a RACI matrix", "A"),
        Role.RESPONSIBLE: pgettext_lazy("letter of the responsible in a RACI matrix", "R"),
        Role.CONSULTED: pgettext_lazy("letter of the consulted in a RACI matrix", "C"),
        Role.INFORMED: pgettext_lazy("letter of the informed in a RACI matrix", "I"),
    }

    item = models.ForeignKey(
        ProgrammeItem,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programme_responsibilities",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    scope = models.CharField(
        _("for what"),
        max_length=255,
        blank=True,
        help_text=_("The part of the action this organisation answers for, if not all of it."),
    )
    contact = models.ForeignKey(
        "actors.FocalPerson",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_responsibilities",
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["item", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(role="accountable"),
                name="one_lead_per_action",
            ),
            models.UniqueConstraint(
                fields=["item", "organisation"], name="one_role_per_organisation_and_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()} ({self.item})"

    @property
    def letter(self) -> str:
        return self.LETTERS[self.role]


class ReviewRequest(TimeStampedModel):
    """A consulted organisation asked to review an action its lead proposes to mark done."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the review")
        APPROVED = "approved", _("approved")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        WITHDRAWN = "withdrawn", _("withdrawn")

    item = models.ForeignKey(
        ProgrammeItem, verbose_name=_("action"), on_delete=models.CASCADE, related_name="reviews"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programme_reviews",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organisation"],
                condition=models.Q(state="pending"),
                name="one_pending_review_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("coordination:review_answer", kwargs={"pk": self.pk})


class Reminder(models.Model):
    """A reminder already sent, so that the daily job sends each one once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        LATE = "late", _("late")

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_date = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "due_date"], name="one_reminder_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.kind} {self.due_date}"


# The largest evidence file an action or milestone accepts (docs/decisions/0016).
EVIDENCE_MAX_BYTES = 10 * MIB


class ItemEvidence(StoredFileDetails):
    """A file that shows an action or milestone was carried out: a report, a photo, a table.

    Stored under a random name (``RandomFileName``) and served only through
    ``coordination:evidence_download`` after the reader is authorised, never from /media/.
    """

    item = models.ForeignKey(
        ProgrammeItem,
        verbose_name=_("action or milestone"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.FileField(
        _("file"),
        max_length=255,
        upload_to=RandomFileName("evidence/actions"),
        validators=[UploadValidator(kinds=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES)],
    )
    uploaded_at = models.DateTimeField(_("added on"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("coordination:evidence_download", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
