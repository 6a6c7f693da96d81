"""Load administrative areas from a CSV file (by default the shipped Oriental region file)."""

from madina.core.management.base import CsvLoadCommand
from madina.territory.services import DEFAULT_AREAS_FILE, areas_load_csv


class Command(CsvLoadCommand):
    help = "Create or update administrative areas from a CSV file, all or nothing."
    label = "Areas"
    default_path = str(DEFAULT_AREAS_FILE)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--country",
            default="MA",
            help="ISO 3166-1 code of the country, to look up ISO 3166-2 codes (default MA).",
        )

    def load(self, path: str, *, country: str, **options):
        return areas_load_csv(file=path, country=country)
