"""Rebuild the roll-up of reach behind the gap matrix from the reach reports."""

import time

from django.core.management.base import BaseCommand

from madina.initiatives import rollup
from madina.initiatives.models import ReachRollup, ReachRollupReport


class Command(BaseCommand):
    help = (
        "Recompute the whole roll-up of reach that the gap matrix reads (after an upgrade that "
        "adds it, or after writing reach reports or initiatives without the ORM)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rollup.rebuild()
        self.stdout.write(
            f"Roll-up of reach rebuilt: {ReachRollup.objects.count()} cells, "
            f"{ReachRollupReport.objects.count()} reports kept one by one "
            f"({time.perf_counter() - started:.1f} s)."
        )
