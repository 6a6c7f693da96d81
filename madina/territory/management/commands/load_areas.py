"""Load administrative areas from a CSV file (by default the shipped Oriental region file)."""

from django.core.management.base import BaseCommand, CommandError

from madina.territory.services import DEFAULT_AREAS_FILE, CsvImportError, areas_load_csv


class Command(BaseCommand):
    help = "Create or update administrative areas from a CSV file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_AREAS_FILE), help="CSV file to load."
        )
        parser.add_argument(
            "--country",
            default="MA",
            help="ISO 3166-1 code of the country, to look up ISO 3166-2 codes (default MA).",
        )

    def handle(self, *args, path, country, verbosity=1, **options):
        try:
            report = areas_load_csv(file=path, country=country)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except CsvImportError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{path}: {len(exc.issues)} error(s); nothing was loaded.") from exc
        if verbosity > 1:
            for note in report.notes:
                self.stdout.write(note)
        if verbosity:
            self.stdout.write(
                f"Areas: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
