from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from madina.core.models import TimeStampedModel
from madina.core.text import search_text


def _localised(obj, field: str) -> str:
    language = (get_language() or "fr")[:2]
    order = {"ar": ["ar", "fr", "en"], "en": ["en", "fr", "ar"]}.get(language, ["fr", "ar", "en"])
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class Sector(models.Model):
    """A sector of work: a programme of the national strategy, or a sub-sector under one.

    Loaded from a data file and editable by coordinators: a taxonomy, not code.
    """

    class Kind(models.TextChoices):
        SECTORAL = "sectoral", _("sectoral programme")
        TRANSVERSAL = "transversal", _("transversal programme")
        GOVERNANCE = "governance", _("governance programme")
        SUBSECTOR = "subsector", _("sub-sector")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    verified = models.BooleanField(_("wording verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Organisation(TimeStampedModel):
    """An actor of the territory: a commune, an institution, an association, a donor…"""

    class Type(models.TextChoices):
        COMMUNE = "commune", _("commune or territorial collectivity")
        LOCAL_AUTHORITY = "local_authority", _("local authority")
        PUBLIC_INSTITUTION = "public_institution", _("public institution")
        CSO = "cso", _("civil-society organisation")
        MIGRANT_LED = "migrant_led", _("migrant-led association")
        INTERNATIONAL = "international", _("international organisation")
        UN_AGENCY = "un_agency", _("UN agency")
        PRIVATE = "private", _("private sector")
        ACADEMIC = "academic", _("academic institution")
        DONOR = "donor", _("donor")

    class InstitutionSector(models.TextChoices):
        HEALTH = "health", _("health")
        EDUCATION = "education", _("education")
        JUSTICE = "justice", _("justice")
        POLICE = "police", _("police")
        GENDARMERIE = "gendarmerie", _("gendarmerie")
        SOCIAL_ACTION = "social_action", _("social action")
        EMPLOYMENT = "employment", _("employment")
        YOUTH = "youth", _("youth and sport")
        INTERIOR = "interior", _("interior")
        OTHER = "other", _("other")

    name_ar = models.CharField(_("name in Arabic"), max_length=255, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=255, blank=True)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    institution_sector = models.CharField(
        _("public sector"),
        max_length=32,
        choices=InstitutionSector.choices,
        blank=True,
        help_text=_("For public institutions: the sector of government they belong to."),
    )
    mandate = models.TextField(_("mandate"), blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors of work"), blank=True, related_name="organisations"
    )
    communes_covered = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("communes covered"),
        blank=True,
        related_name="organisations_covering",
        limit_choices_to={"level": "commune"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune of the address"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations_based",
        limit_choices_to={"level": "commune"},
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    iati_ref = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    registration_number = models.CharField(
        _("national registration number"), max_length=100, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fr", "name_ar"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ar="", name_fr="", name_en=""),
                name="organisation_has_a_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    def refresh_search_text(self) -> None:
        self.search_text = search_text([self.name_ar, self.name_fr, self.name_en, self.acronym])

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("actors:organisation_detail", kwargs={"pk": self.pk})


class FocalPerson(TimeStampedModel):
    """A named contact of an organisation for a subject (referrals, coordination, data…)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="focal_persons",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("focal point for"), max_length=150)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    is_public = models.BooleanField(
        _("shown to other organisations"),
        default=False,
        help_text=_("Otherwise only members of this organisation and coordinators see it."),
    )

    class Meta:
        verbose_name = _("focal person")
        verbose_name_plural = _("focal persons")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role})"


class OrganisationPairReview(TimeStampedModel):
    """A coordinator's review of two organisations that look like the same one."""

    class State(models.TextChoices):
        TO_REVIEW = "to_review", _("to review")
        DUPLICATE = "duplicate", _("duplicate")
        DISTINCT = "distinct", _("distinct")

    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)
    state = models.CharField(
        _("review"), max_length=16, choices=State.choices, default=State.TO_REVIEW
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("review of possibly identical organisations")
        verbose_name_plural = _("reviews of possibly identical organisations")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_review_per_org_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="org_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id}: {self.state}"
