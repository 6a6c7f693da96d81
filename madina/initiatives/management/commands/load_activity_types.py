"""Load the activity types of initiatives from a CSV file (by default the platform's list)."""

from madina.core.management.base import CsvLoadCommand
from madina.initiatives.reference import DEFAULT_ACTIVITY_TYPES_FILE, activity_types_load_csv


class Command(CsvLoadCommand):
    help = "Create or update activity types from a CSV file, all or nothing."
    label = "Activity types"
    default_path = str(DEFAULT_ACTIVITY_TYPES_FILE)

    def load(self, path: str, **options):
        return activity_types_load_csv(file=path)
