"""Coordination spaces, the organisations that sit in them, and who may edit them.

Membership (``SpaceMember``: an organisation, its position, its dates) is kept apart from access
control (``SpaceRole``: a person's right to edit a space). See docs/decisions/0012.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madina.actors.models import _localised
from madina.core.models import TimeStampedModel
from madina.core.text import search_text


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
