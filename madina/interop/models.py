"""An import of a 3W sheet, from upload to the report; the job runs in the background."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madina.core.models import TimeStampedModel


class ImportJob(TimeStampedModel):
    """One uploaded file: its columns, the mapping chosen, then the run and its report.

    ``report`` holds ``{"issues": [{"row", "column", "message"}], "notes": [...]}``, written in
    the language of the person who started the import (``language``).
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("waiting for the column mapping")
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("checking the rows")
        WRITING = "writing", _("saving")
        DONE = "done", _("imported")
        FAILED = "failed", _("refused: nothing was imported")
        # The worker stopped (killed, restarted) before the end: the write transaction was
        # rolled back, the file is kept, and the import can be run again.
        INTERRUPTED = "interrupted", _("interrupted: nothing was imported")

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("format"), max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("lead organisation by default"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(max_length=8, default="fr")
    headers = models.JSONField(default=list, blank=True)
    hxl_tags = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    # {field name: column index}
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("interop:import_job", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.INTERRUPTED}

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.WRITING}

    @property
    def issues(self) -> list[dict]:
        return (self.report or {}).get("issues", [])

    @property
    def notes(self) -> list[dict]:
        return (self.report or {}).get("notes", [])
