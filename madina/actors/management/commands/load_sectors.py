"""Load the sector taxonomy from a CSV file (by default the SNIA programmes)."""

from django.core.management.base import BaseCommand, CommandError

from madina.actors.reference import DEFAULT_SECTORS_FILE, sectors_load_csv
from madina.territory.services import CsvImportError


class Command(BaseCommand):
    help = "Create or update sectors from a CSV file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_SECTORS_FILE), help="CSV file to load."
        )

    def handle(self, *args, path, verbosity=1, **options):
        try:
            report = sectors_load_csv(file=path)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except CsvImportError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{path}: {len(exc.issues)} error(s); nothing was loaded.") from exc
        if verbosity:
            self.stdout.write(
                f"Sectors: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
