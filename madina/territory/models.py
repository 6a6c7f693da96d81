from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madina.core.text import search_text


class AreaQuerySet(models.QuerySet):
    def current(self, on=None):
        """Areas whose validity covers the given date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def communes(self):
        return self.filter(level=Area.Level.COMMUNE)

    def provinces(self):
        return self.filter(level=Area.Level.PROVINCE)

    def regions(self):
        return self.filter(level=Area.Level.REGION)


class Area(models.Model):
    """An administrative area: region, province or prefecture, commune.

    One table for every level, so that another country's hierarchy is a data load. Boundaries
    change: an area is valid between two dates, and a new version gets a new row.
    """

    class Level(models.TextChoices):
        REGION = "region", _("region")
        PROVINCE = "province", _("province or prefecture")
        COMMUNE = "commune", _("commune")

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    code = models.CharField(_("official code"), max_length=32, unique=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=16, blank=True)
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
    alt_names = models.JSONField(_("other spellings"), default=list, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["level", "name_fr"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("territory:area_detail", kwargs={"code": self.code})

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        if language == "ar":
            return self.name_ar or self.name_fr
        if language == "en":
            return self.name_en or self.name_fr
        return self.name_fr or self.name_ar

    @property
    def province(self) -> "Area | None":
        if self.level == self.Level.COMMUNE:
            return self.parent
        if self.level == self.Level.PROVINCE:
            return self
        return None

    def refresh_search_text(self) -> None:
        self.search_text = search_text(
            [self.name_ar, self.name_fr, self.name_en, self.code, *self.alt_names]
        )
