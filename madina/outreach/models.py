"""Outreach and capacity building, recorded once: awareness capsules, schools and the sessions
given in them with their audiences, trainings with participants, attendance and test scores,
advocacy and mobilisation actions (issue 6, decision 23).

Audiences are counts, never names. Training participants are staff of organisations (named,
for attendance and certificates); nothing here is about a case.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.models import _localised
from madina.core.models import StoredFileDetails, TimeStampedModel
from madina.core.text import search_text
from madina.core.uploads import RandomFileName


class Capsule(TimeStampedModel):
    """An awareness capsule: a short piece (video, audio, poster, comic…) for an audience."""

    class Format(models.TextChoices):
        VIDEO = "video", _("video")
        AUDIO = "audio", _("audio")
        POSTER = "poster", _("poster")
        COMIC = "comic", _("comic strip")
        LEAFLET = "leaflet", _("leaflet")
        GAME = "game", _("game or activity")
        THEATRE = "theatre", _("theatre or role play")
        OTHER = "other", pgettext_lazy("format of a capsule", "other")

    class Topic(models.TextChoices):
        RIGHTS = "rights", _("rights of migrants")
        NON_DISCRIMINATION = "non_discrimination", _("living together, against discrimination")
        VIOLENCE = "violence", _("preventing violence against women and children")
        SCHOOLING = "schooling", _("access to school")
        HEALTH = "health", _("access to health care")
        DOCUMENTS = "documents", _("civil status and documents")
        TRAFFICKING = "trafficking", _("trafficking and exploitation")
        OTHER = "other", pgettext_lazy("topic of a capsule", "other")

    class Audience(models.TextChoices):
        CHILDREN = "6-11", _("children 6–11")
        YOUNG_TEENS = "12-14", _("adolescents 12–14")
        TEENS = "15-17", _("adolescents 15–17")
        ADULTS = "18+", _("adults")
        ALL = "all", _("all ages")

    class SchoolLevel(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        MIDDLE = "middle", _("middle school")
        SECONDARY = "secondary", _("secondary school")
        ALL = "all", _("all levels")
        NONE = "none", _("outside school")

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="capsules",
    )
    partners = models.ManyToManyField(
        "actors.Organisation", verbose_name=_("partners"), related_name="+", blank=True
    )
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # ISO 639 codes separated by spaces, as in the directory ("ar ary fr").
    languages = models.CharField(_("languages"), max_length=60, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)
    school_level = models.CharField(
        _("school level"), max_length=10, choices=SchoolLevel.choices, default=SchoolLevel.ALL
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    link = models.URLField(_("link"), blank=True)
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # The titles in their folded and skeleton forms (core.text), for forgiving search.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("awareness capsule")
        verbose_name_plural = _("awareness capsules")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_ar="", title_fr="", title_en=""),
                name="outreach_capsule_has_a_title",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search_text([self.title_ar, self.title_fr, self.title_en])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outreach:capsule_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return _localised(self, "title")


class CapsuleFile(StoredFileDetails):
    """The capsule itself, or a version of it (checked by content; videos are not transcoded)."""

    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=RandomFileName("outreach/capsules"), max_length=200)

    class Meta:
        verbose_name = _("capsule file")
        verbose_name_plural = _("capsule files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title or self.original_name


class School(TimeStampedModel):
    class Level(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        MIDDLE = "middle", _("middle school")
        SECONDARY = "secondary", _("secondary school")
        OTHER = "other", _("other school or centre")

    class Sector(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("school", "public")
        PRIVATE = "private", pgettext_lazy("school", "private")

    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "territory.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    sector = models.CharField(
        pgettext_lazy("of a school", "sector"), max_length=8, choices=Sector.choices
    )
    # The Ministry of Education's code (code GRESA / MASSAR) when known.
    official_code = models.CharField(_("official code"), max_length=20, blank=True)
    # The names in their folded and skeleton forms (core.text), for forgiving search.
    search_text = models.TextField(editable=False, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name_fr", "name_ar", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ar="", name_fr=""), name="outreach_school_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text([self.name_ar, self.name_fr, self.official_code])
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return _localised(self, "name")


class AwarenessSession(TimeStampedModel):
    """A session given in a school: capsules shown, by whom, to whom (counts only)."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("facilitating organisation"),
        on_delete=models.PROTECT,
        related_name="awareness_sessions",
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    capsules = models.ManyToManyField(
        Capsule, verbose_name=_("capsules shown"), related_name="sessions"
    )
    teachers_present = models.PositiveSmallIntegerField(_("teachers present"), default=0)
    feedback = models.TextField(_("feedback"), blank=True)
    # Kept equal to the sum of the audience rows by the services, for fast totals.
    girls = models.PositiveIntegerField(_("girls"), default=0)
    boys = models.PositiveIntegerField(_("boys"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("awareness session")
        verbose_name_plural = _("awareness sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.school} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("outreach:session_detail", args=[self.pk])

    @property
    def audience(self) -> int:
        return self.girls + self.boys


# The usual age of each grade in Moroccan schools (primary from 6, middle school from 12,
# secondary from 15), as the age bands the cases' statistics use (GBVIMS): indicators broken down
# by age band count pupils by the band of their grade. Repeated years make it approximate.
GRADE_AGE_BANDS = {
    **dict.fromkeys(("P1", "P2", "P3", "P4", "P5", "P6"), "0-11"),
    **dict.fromkeys(("M1", "M2", "M3", "S0", "S1", "S2"), "12-17"),
}


class Audience(models.Model):
    """The pupils of one grade at a session, by sex."""

    class Grade(models.TextChoices):
        P1 = "P1", _("1st year of primary")
        P2 = "P2", _("2nd year of primary")
        P3 = "P3", _("3rd year of primary")
        P4 = "P4", _("4th year of primary")
        P5 = "P5", _("5th year of primary")
        P6 = "P6", _("6th year of primary")
        M1 = "M1", _("1st year of middle school")
        M2 = "M2", _("2nd year of middle school")
        M3 = "M3", _("3rd year of middle school")
        S0 = "S0", _("common core (secondary)")
        S1 = "S1", _("1st year of baccalaureate")
        S2 = "S2", _("2nd year of baccalaureate")
        OTHER = "other", _("other or mixed grades")

    session = models.ForeignKey(
        AwarenessSession, on_delete=models.CASCADE, related_name="audiences"
    )
    grade = models.CharField(_("grade"), max_length=6, choices=Grade.choices)
    girls = models.PositiveIntegerField(_("girls"), default=0)
    boys = models.PositiveIntegerField(_("boys"), default=0)
    # Of these pupils, how many are children of migrant families, when the school counted them
    # (None: not counted). A count for the "population group" breakdown, never a list of names.
    migrants = models.PositiveIntegerField(_("of whom children of migrants"), null=True, blank=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["grade"]
        constraints = [
            models.UniqueConstraint(fields=["session", "grade"], name="outreach_one_row_per_grade")
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.girls} + {self.boys}"

    @property
    def age_band(self) -> str:
        """The GBVIMS age band of the grade's usual age (primary 6–11, then 12–17)."""
        return GRADE_AGE_BANDS.get(self.grade, "unknown")


class Training(TimeStampedModel):
    class Topic(models.TextChoices):
        TRAINING = "training", _("training")
        ADVOCACY = "advocacy", _("advocacy")
        MOBILISATION = "mobilisation", _("mobilisation")
        LEGAL = "legal", _("legal framework")
        PROTECTION = "protection", _("protection of victims")
        CASE_MANAGEMENT = "case_management", _("case management")
        OTHER = "other", pgettext_lazy("topic of a training", "other")

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organising organisation"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    # When the pre-test and the post-test were taken (the post-test never before the pre-test).
    pre_test_on = models.DateField(_("pre-test taken on"), null=True, blank=True)
    post_test_on = models.DateField(_("post-test taken on"), null=True, blank=True)
    # The highest score of the pre- and post-tests (e.g. 20 or 100).
    max_score = models.PositiveSmallIntegerField(
        _("highest possible test score"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="outreach_training_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(pre_test_on__isnull=True)
                | models.Q(post_test_on__isnull=True)
                | models.Q(post_test_on__gte=models.F("pre_test_on")),
                name="outreach_post_test_after_pre_test",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:training_detail", args=[self.pk])


class PopulationGroup(models.TextChoices):
    """The groups the results framework breaks figures down by (issue 6's "population group")."""

    HOST = "host", _("host community")
    MIGRANT = "migrant", _("migrant")
    REFUGEE = "refugee", _("refugee or asylum seeker")
    NOT_SAID = "not_said", _("not said")


class Participant(TimeStampedModel):
    """A person trained: staff of an organisation (named, for attendance and the certificate)."""

    class Sex(models.TextChoices):
        FEMALE = "female", pgettext_lazy("sex of a person", "female")
        MALE = "male", pgettext_lazy("sex of a person", "male")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(pgettext_lazy("of a person", "sex"), max_length=8, choices=Sex.choices)
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    function = models.CharField(_("function"), max_length=150, blank=True)
    # Said by the participant, only if they agree; counted by group in the results, never listed.
    population_group = models.CharField(
        _("population group"),
        max_length=10,
        choices=PopulationGroup.choices,
        default=PopulationGroup.NOT_SAID,
    )
    pre_score = models.DecimalField(
        _("pre-test score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    post_score = models.DecimalField(
        _("post-test score"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def gain(self):
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class Attendance(models.Model):
    """A participant present on one day of the training."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="outreach_present_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.day}"


class AdvocacyAction(TimeStampedModel):
    """An advocacy action or a mobilisation event: whom it addressed, what it asked, what came."""

    class Kind(models.TextChoices):
        ADVOCACY = "advocacy", _("advocacy action")
        MOBILISATION = "mobilisation", _("mobilisation event")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outcome of advocacy", "not known yet")
        ACHIEVED = "achieved", pgettext_lazy("outcome of advocacy", "achieved")
        PARTLY = "partly", pgettext_lazy("outcome of advocacy", "partly achieved")
        NOT_ACHIEVED = "not_achieved", pgettext_lazy("outcome of advocacy", "not achieved")

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="advocacy_actions",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    target = models.CharField(_("addressed to"), max_length=200)
    message = models.TextField(_("message"))
    commune = models.ForeignKey(
        "territory.Area",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_notes = models.TextField(_("what came of it"), blank=True)

    class Meta:
        verbose_name = _("advocacy or mobilisation action")
        verbose_name_plural = _("advocacy and mobilisation actions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.target} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("outreach:advocacy_detail", args=[self.pk])
