"""Re-encrypt every encrypted value and attachment of the cases app with the first key.

Rotation: put the new key first in MADINA_CASE_KEYS (keep the old one after it), run this
command, then remove the old key. Run it again safely: values already under the first key
are rewritten under it, which changes nothing readable.
"""

from django.core.management.base import BaseCommand

from madina.cases.keys import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt case data and attachments with the first key of MADINA_CASE_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        counts = rotate_all(batch_size=batch_size)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS("Case data is now encrypted with the first key."))
