"""The services directory: what organisations offer, where, to whom and how to reach it."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from madina.actors.models import _localised
from madina.core.models import TimeStampedModel
from madina.core.text import search_text


class Language(models.TextChoices):
    """Languages a service is given in; codes are ISO 639 (HSDS ``language.code``)."""

    ARABIC = "ar", _("Standard Arabic")
    DARIJA = "ary", _("Darija (Moroccan Arabic)")
    TAMAZIGHT = "tzm", _("Tamazight")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("other language")


class Service(TimeStampedModel):
    """A service an organisation offers; the specialised cells are services of their institution."""

    class Type(models.TextChoices):
        MEDICAL = "medical", _("medical care")
        PSYCHOSOCIAL = "psychosocial", _("psychosocial support")
        LEGAL = "legal", _("legal aid")
        SHELTER = "shelter", _("shelter")
        POLICE_JUSTICE = "police_justice", _("police and justice")
        EDUCATION = "education", _("education")
        LIVELIHOOD = "livelihood", _("livelihood and employment")
        DOCUMENTATION = "documentation", _("civil documentation")
        OTHER = "other", _("other service")

    class Cost(models.TextChoices):
        FREE = "free", _("free of charge")
        PAID = "paid", _("paid")
        SLIDING = "sliding", _("fees according to means")

    class WithoutPapers(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        NOT_SAID = "not_said", _("not said")

    class CellKind(models.TextChoices):
        COURT = "court", _("court cell")
        HOSPITAL = "hospital", _("hospital unit")
        POLICE = "police", _("police cell")
        GENDARMERIE = "gendarmerie", _("gendarmerie cell")

    # The identifier published in the HSDS export (HSDS ids are UUIDs).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="directory_services",
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=255, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=255, blank=True)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    type = models.CharField(_("type of service"), max_length=32, choices=Type.choices)
    sector = models.ForeignKey(
        "actors.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_services",
        limit_choices_to={"parent__isnull": True},
    )
    eligibility = models.TextField(_("who may use it"), blank=True)
    cost = models.CharField(_("cost"), max_length=16, choices=Cost.choices, default=Cost.FREE)
    fees = models.TextField(_("fees"), blank=True)
    # Codes of ``Language`` separated by spaces, in the order of the choices.
    languages = models.CharField(_("languages spoken"), max_length=64, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    communes_served = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("communes served"),
        blank=True,
        related_name="directory_services",
        limit_choices_to={"level": "commune"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune of the address"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_services_based",
        limit_choices_to={"level": "commune"},
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    how_to_access = models.TextField(_("how to access it"), blank=True)
    # Shown on the public portal: whether someone without papers can come (left unsaid by default).
    without_papers = models.CharField(
        _("helps people without papers (documents or residence permit)"),
        max_length=16,
        choices=WithoutPapers.choices,
        default=WithoutPapers.NOT_SAID,
    )
    accepts_referrals = models.BooleanField(
        _("accepts referrals through the platform"), default=False
    )
    referral_focal_point = models.ForeignKey(
        "actors.FocalPerson",
        verbose_name=_("focal point for referrals"),
        null=True,
        blank=True,
        # Removing the person leaves the service without a focal point; its page says so.
        on_delete=models.SET_NULL,
        related_name="directory_services",
    )
    is_specialised_cell = models.BooleanField(
        _("specialised cell for women and children victims of violence"), default=False
    )
    cell_kind = models.CharField(
        _("kind of cell"), max_length=16, choices=CellKind.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_fr", "name_ar", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ar="", name_fr="", name_en=""),
                name="directory_service_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(is_specialised_cell=False, cell_kind="")
                | models.Q(is_specialised_cell=True) & ~models.Q(cell_kind=""),
                name="directory_cell_kind_iff_cell",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split()

    def get_language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.language_codes]

    def refresh_search_text(self) -> None:
        organisation = self.organisation
        self.search_text = search_text(
            [
                self.name_ar,
                self.name_fr,
                self.name_en,
                organisation.name_ar,
                organisation.name_fr,
                organisation.name_en,
                organisation.acronym,
            ]
        )

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:service_detail", kwargs={"pk": self.pk})


def languages_value(codes) -> str:
    """The stored form of a set of language codes: known codes, in the order of the choices."""
    wanted = set(codes or [])
    return " ".join(code for code in Language.values if code in wanted)
