"""The shape shared by commands that load a reference CSV file: all or nothing, errors named."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from madina.core.tabular import CsvImportError


class CsvLoadCommand(BaseCommand):
    """Subclasses set ``label`` and ``default_path`` and implement ``load(path, **options)``.

    Errors are printed one per line ("line N, column X: …") in the language chosen with
    ``--language`` (default: MADINA_CLI_LANGUAGE, else English), and nothing is written.
    """

    label = "Records"
    default_path = ""

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=self.default_path, help="CSV file to load.")
        parser.add_argument(
            "--language",
            default=os.environ.get("MADINA_CLI_LANGUAGE", "en"),
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the messages (default: MADINA_CLI_LANGUAGE, else en).",
        )

    def handle(self, *args, path, language, verbosity=1, **options):
        with translation.override(language):
            try:
                report = self.load(path, **options)
            except FileNotFoundError as exc:
                raise CommandError(f"No such file: {path}") from exc
            except CsvImportError as exc:
                for issue in exc.issues:
                    self.stderr.write(str(issue))
                raise CommandError(
                    f"{path}: {len(exc.issues)} error(s); nothing was loaded."
                ) from exc
        if verbosity > 1:
            for note in getattr(report, "notes", []):
                self.stdout.write(note)
        if verbosity:
            self.stdout.write(
                f"{self.label}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
