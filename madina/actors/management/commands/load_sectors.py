"""Load the sector taxonomy from a CSV file (by default the SNIA programmes)."""

from madina.actors.reference import DEFAULT_SECTORS_FILE, sectors_load_csv
from madina.core.management.base import CsvLoadCommand


class Command(CsvLoadCommand):
    help = "Create or update sectors from a CSV file, all or nothing."
    label = "Sectors"
    default_path = str(DEFAULT_SECTORS_FILE)

    def load(self, path: str, **options):
        return sectors_load_csv(file=path)
