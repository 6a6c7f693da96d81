"""The initiatives registry: who does what, where, when, for whom (3W/4W/5W).

An initiative is led by one organisation, with partners in named roles, in one sector of the
national strategy (and optionally a sub-sector under it), in one or more communes, for target
groups, between two dates. Reach is reported monthly per commune, disaggregated by sex and age,
with the month's figures and the de-duplicated cumulative figures kept apart.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madina.actors.models import _localised
from madina.core.languages import staff_languages
from madina.core.models import TimeStampedModel
from madina.core.text import search_text


class Taxonomy(models.Model):
    """An editable list of terms with names in three languages (target groups, activity types)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class TargetGroup(Taxonomy):
    """A population group an initiative is for (women, unaccompanied children, host community…)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class ActivityType(Taxonomy):
    """The kind of activity (awareness session, legal aid, medical care, training…)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class InitiativeQuerySet(models.QuerySet):
    def active_between(self, start, end):
        """Initiatives whose dates overlap [start, end] (an open end date runs on)."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=end),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=start),
        ).exclude(status=Initiative.Status.CANCELLED)


class Initiative(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    class Visibility(models.TextChoices):
        SHARED = "shared", _("shared with every organisation")
        PARTNERS = "partners", _("lead, partners and coordinators only")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language of the text"),
        max_length=8,
        choices=staff_languages(),
        blank=True,
        help_text=_("The language the title and description are written in."),
    )
    # Optional translations: {"fr": {"title": "…", "description": "…"}, "en": {…}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    lead_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_initiatives",
    )
    partners = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("partners"),
        through="InitiativePartner",
        related_name="partner_initiatives",
        blank=True,
    )
    sector = models.ForeignKey(
        "actors.Sector",
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    subsector = models.ForeignKey(
        "actors.Sector",
        verbose_name=_("sub-sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsector_initiatives",
    )
    activity_type = models.ForeignKey(
        ActivityType,
        verbose_name=_("activity type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="initiatives"
    )
    communes = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("communes"),
        related_name="initiatives",
        limit_choices_to={"level": "commune"},
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="MAD", blank=True)
    funder = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_initiatives",
    )
    target_people = models.PositiveIntegerField(_("people targeted"), null=True, blank=True)
    targets = models.TextField(_("targets"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.SHARED
    )
    # A stable identifier from the system an initiative was imported from; re-importing the
    # same row updates the same initiative.
    external_id = models.CharField(_("external identifier"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.TextField(editable=False, blank=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="initiative_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["sector", "status"]),
            # The registry's order: a page of 20 reads 20 index entries, not a sort of the registry.
            models.Index(fields=["-start_date", "-id"], name="initiative_registry_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_search_text(self) -> None:
        texts = [self.title, self.description]
        for translation in (self.translations or {}).values():
            texts += [translation.get("title", ""), translation.get("description", "")]
        self.search_text = search_text(texts)

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative_detail", kwargs={"pk": self.pk})


class InitiativePartner(models.Model):
    class Role(models.TextChoices):
        IMPLEMENTING = "implementing", _("implementing")
        FUNDING = "funding", _("funding")
        TECHNICAL = "technical", _("technical")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="partnerships"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "role"], name="one_partner_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class ReportingPeriod(models.Model):
    """A month of reporting; a coordinator locks a closed month against any further change."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="reporting_period_starts_the_month"
            )
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ReachReport(TimeStampedModel):
    """People reached by one initiative in one commune in one month.

    ``women/men/girls/boys`` count the month; ``cumulative_*`` count distinct people reached since
    the start, de-duplicated by the reporting organisation: the two are never added together.
    """

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="reach_reports",
    )
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="reach_reports",
        limit_choices_to={"level": "commune"},
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("month"),
        on_delete=models.PROTECT,
        related_name="reach_reports",
    )
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    girls = models.PositiveIntegerField(_("girls"), default=0)
    boys = models.PositiveIntegerField(_("boys"), default=0)
    cumulative_women = models.PositiveIntegerField(_("women to date"), null=True, blank=True)
    cumulative_men = models.PositiveIntegerField(_("men to date"), null=True, blank=True)
    cumulative_girls = models.PositiveIntegerField(_("girls to date"), null=True, blank=True)
    cumulative_boys = models.PositiveIntegerField(_("boys to date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reach report")
        verbose_name_plural = _("reach reports")
        ordering = ["-period__month", "commune__name_fr"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "commune", "period"], name="one_report_per_commune_month"
            )
        ]
        indexes = [models.Index(fields=["period", "commune"])]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.commune} — {self.period}"

    @property
    def total(self) -> int:
        return self.women + self.men + self.girls + self.boys


class ReachByGroup(models.Model):
    """The part of a month's reach that belongs to one population group (optional detail)."""

    report = models.ForeignKey(ReachReport, on_delete=models.CASCADE, related_name="by_group")
    target_group = models.ForeignKey(
        TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT, related_name="+"
    )
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("reach by group")
        verbose_name_plural = _("reach by group")
        constraints = [
            models.UniqueConstraint(fields=["report", "target_group"], name="one_count_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.target_group}: {self.people}"


class OverlapCandidate(TimeStampedModel):
    """Two initiatives that probably duplicate or overlap, found by the duplicate finder.

    ``first`` has the lower id. Coordinators review each pair.
    """

    class State(models.TextChoices):
        TO_REVIEW = "to_review", _("to review")
        DUPLICATE = "duplicate", _("duplicate")
        COMPLEMENTARY = "complementary", _("complementary")
        DISTINCT = "distinct", _("distinct")

    first = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(1)], db_index=True
    )
    reasons = models.JSONField(_("reasons"), default=list)
    state = models.CharField(
        _("review"), max_length=16, choices=State.choices, default=State.TO_REVIEW, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_candidate_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"


class DraftDecision(TimeStampedModel):
    """What a user decided about an existing initiative proposed while they filled a new one."""

    class Decision(models.TextChoices):
        DUPLICATE = "duplicate", _("duplicate — I will not create mine")
        COMPLEMENTARY = (
            "complementary",
            _("complementary — coordinated with the other organisation"),
        )
        UNRELATED = "unrelated", _("unrelated")

    candidate = models.ForeignKey(
        Initiative,
        verbose_name=_("existing initiative"),
        on_delete=models.CASCADE,
        related_name="draft_decisions",
    )
    # The initiative that was created after the decision, if one was.
    created_initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draft_title = models.CharField(_("draft title"), max_length=300)
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision on a possible duplicate")
        verbose_name_plural = _("decisions on possible duplicates")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.draft_title} → {self.candidate_id}: {self.decision}"


# --- Roll-up of reach for the gap matrix ---------------------------------------------------------
# Derived tables: written only by madina/initiatives/rollup.py, which keeps them equal to what the
# reach reports say (see docs/decisions/0010-gap-rollup.md). Their foreign keys carry no database
# constraint and no index of their own: a rebuild writes them in bulk, and the indexes below are
# the ones the reads and the refreshes use.


def _derived_key(model, **options):
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **options,
    )


class ReachRollup(models.Model):
    """People reached in one commune and month by the initiatives of one sector, status and
    visibility, for one of their target groups (no target group: whatever their groups).

    Only reports that lie wholly inside their initiative (its dates cover the whole month, the
    commune is one of its communes) are added up here; the others are in ``ReachRollupReport``.
    """

    commune = _derived_key("territory.Area")
    period = _derived_key(ReportingPeriod)
    month = models.DateField()  # the period's, so that reads filter and index it directly
    sector = _derived_key("actors.Sector")
    status = models.CharField(max_length=16, choices=Initiative.Status.choices)
    shared = models.BooleanField()
    target_group = _derived_key(TargetGroup, null=True)
    people = models.PositiveBigIntegerField()

    class Meta:
        default_permissions = ()  # derived: no one adds, changes or deletes a row by hand
        indexes = [
            models.Index(fields=["target_group", "month", "status"], name="reach_rollup_read"),
            models.Index(fields=["commune", "period"], name="reach_rollup_slice"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.period_id} {self.sector_id} {self.status}: {self.people}"


class ReachRollupReport(models.Model):
    """The people reached of a report the roll-up cannot add up by cell: its month is only partly
    within the initiative's dates (or outside them), or its commune is no longer one of the
    initiative's. The gap query checks these one by one against the initiative."""

    initiative = _derived_key(Initiative)
    commune = _derived_key("territory.Area")
    period = _derived_key(ReportingPeriod)
    people = models.PositiveBigIntegerField()

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["commune", "period"], name="reach_rollup_report_slice"),
            models.Index(fields=["initiative"], name="reach_rollup_report_initiative"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.commune_id} {self.period_id}: {self.people}"


class ReachRollupChange(models.Model):
    """A change the roll-up has not followed yet, written in the same transaction as the change:
    an initiative (all its reports' communes and months) or one commune and month."""

    initiative = _derived_key(Initiative, null=True)
    commune = _derived_key("territory.Area", null=True)
    period = _derived_key(ReportingPeriod, null=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.initiative_id or ''} {self.commune_id or ''} {self.period_id or ''}"


class ReachRollupState(models.Model):
    """One row: refreshes lock it in turn, and ``ready`` says the roll-up may be read (false
    until the first rebuild of a database that had reports before the roll-up existed)."""

    ready = models.BooleanField(default=False)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"ready={self.ready}"
