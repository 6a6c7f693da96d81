"""Projects, their editions and results frameworks, and indicator values computed from the
records (issue 6, decision 24).

An indicator's value is never typed when a record holds it: its ``source`` names a computation
over the records (``sources.py``), run by a job and on demand, and every value keeps the ids of
the records it counted for the drill-down. Only an indicator whose source is "manual" takes a
typed value, with evidence and a second person's approval.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.models import _localised
from madina.core.models import TimeStampedModel
from madina.core.uploads import RandomFileName


class Project(TimeStampedModel):
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    donors = models.ManyToManyField(
        "actors.Organisation", verbose_name=_("donors"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name_fr", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Edition(TimeStampedModel):
    """One phase of a project ("Al-Madina — 2nd edition"): its period, its territory."""

    class Period(models.TextChoices):
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        SEMESTER = "semester", _("semester")
        YEAR = "year", _("year")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="editions"
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    # Communes (or provinces, which count their communes) the edition works in.
    areas = models.ManyToManyField(
        "territory.Area", verbose_name=_("territory"), related_name="+", blank=True
    )
    reporting_period = models.CharField(
        _("reporting period"), max_length=10, choices=Period.choices, default=Period.QUARTER
    )
    computed_at = models.DateTimeField(_("values computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="results_edition_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    def get_absolute_url(self) -> str:
        return reverse("results:edition_detail", args=[self.pk])


class Result(models.Model):
    """An outcome, or an output under an outcome, of an edition's results framework."""

    class Level(models.TextChoices):
        OUTCOME = "outcome", _("outcome")
        OUTPUT = "output", _("output")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("outcome"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outputs",
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.CharField(_("code"), max_length=12)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="results_code_per_edition"),
            models.CheckConstraint(
                condition=models.Q(level="outcome", parent__isnull=True)
                | models.Q(level="output", parent__isnull=False),
                name="results_outputs_under_outcomes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return _localised(self, "title")


class Indicator(models.Model):
    class Unit(models.TextChoices):
        NUMBER = "number", pgettext_lazy("unit of an indicator", "number")
        PERCENT = "percent", pgettext_lazy("unit of an indicator", "percentage")

    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=16)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.NUMBER)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    # The computation over the records (a key of sources.SOURCES), or "manual".
    source = models.CharField(_("source"), max_length=40)
    # The national-strategy programme the indicator serves (the alignment view groups by it).
    sector = models.ForeignKey(
        "actors.Sector",
        verbose_name=_("national-strategy programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Breakdowns asked for: any of "sex", "age_band", "commune", "group".
    disaggregation = models.JSONField(_("disaggregation"), default=list, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("results:indicator_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def edition(self) -> Edition:
        return self.result.edition

    @property
    def is_manual(self) -> bool:
        return self.source == "manual"


class IndicatorValue(TimeStampedModel):
    """The indicator over one reporting period (or the whole edition when ``period_start`` is
    the edition's start and ``period_end`` its end, ``is_total``)."""

    class State(models.TextChoices):
        COMPUTED = "computed", pgettext_lazy("state of a value", "computed")
        SUBMITTED = "submitted", pgettext_lazy("state of a value", "waiting for approval")
        APPROVED = "approved", pgettext_lazy("state of a value", "approved")
        REJECTED = "rejected", pgettext_lazy("state of a value", "sent back")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    is_total = models.BooleanField(_("whole edition"), default=False)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    # {"sex": {"female": 12, "male": 9}, "commune": {"<area id>": 7, …}}; small cells as None.
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    # What was counted, for the drill-down: {"model": "outreach.awarenesssession", "ids": [...]}.
    records = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.COMPUTED
    )
    # Manual values only: the evidence, who entered and who approved.
    evidence = models.FileField(
        _("evidence"), upload_to=RandomFileName("results/evidence"), blank=True, max_length=200
    )
    evidence_name = models.CharField(_("name of the file"), max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="results_one_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start}–{self.period_end}: {self.value}"


class NarrativeSection(TimeStampedModel):
    """A section of the donor report the coordinator writes (context, highlights, challenges…)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_ar = models.TextField(_("text in Arabic"), blank=True)
    body_fr = models.TextField(_("text in French"), blank=True)
    body_en = models.TextField(_("text in English"), blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def body(self) -> str:
        return _localised(self, "body")


class ReportRender(TimeStampedModel):
    """One rendering of an edition's donor report as PDF, done by a background job.

    The page that asked for it follows ``progress`` (the job's stages) and offers the file when
    it is done. The report holds counts only; it is kept a week (``tasks.purge_report_renders``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("state of a report", "waiting its turn")
        RUNNING = "running", pgettext_lazy("state of a report", "being prepared")
        DONE = "done", pgettext_lazy("state of a report", "ready")
        FAILED = "failed", pgettext_lazy("state of a report", "failed")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="report_renders")
    language = models.CharField(_("language"), max_length=8)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("state"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(upload_to=RandomFileName("results/reports"), blank=True, max_length=200)
    size = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report rendering")
        verbose_name_plural = _("report renderings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("results:report_render", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
