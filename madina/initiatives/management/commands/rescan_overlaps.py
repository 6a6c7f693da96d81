"""Recompute the possible duplicate pairs of the whole registry (reviews are kept)."""

import time

from django.core.management.base import BaseCommand, CommandError

from madina.initiatives import matching


class Command(BaseCommand):
    help = "Recompute the possible duplicate pairs of initiatives; reviewed pairs keep their state."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=float,
            default=matching.DEFAULT_THRESHOLD,
            help="Minimum score (0 to 1) of a pair to keep (default: %(default)s).",
        )

    def handle(self, *args, threshold: float, **options):
        if not 0 <= threshold <= 1:
            raise CommandError("The threshold must be between 0 and 1.")
        started = time.perf_counter()
        result = matching.rescan(threshold=threshold)
        self.stdout.write(
            f"{result.initiatives} initiatives, {result.pairs_compared} pairs compared: "
            f"{result.created} new, {result.updated} updated, {result.removed} removed, "
            f"{result.kept_reviewed} reviewed kept ({time.perf_counter() - started:.1f} s)."
        )
