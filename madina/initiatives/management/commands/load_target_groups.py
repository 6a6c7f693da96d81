"""Load the target groups of initiatives from a CSV file (by default the platform's list)."""

from madina.core.management.base import CsvLoadCommand
from madina.initiatives.reference import DEFAULT_TARGET_GROUPS_FILE, target_groups_load_csv


class Command(CsvLoadCommand):
    help = "Create or update target groups from a CSV file, all or nothing."
    label = "Target groups"
    default_path = str(DEFAULT_TARGET_GROUPS_FILE)

    def load(self, path: str, **options):
        return target_groups_load_csv(file=path)
