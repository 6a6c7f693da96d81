"""Check the data for half-written records (``madina.core.invariants``); non-zero when broken."""

from django.core.management.base import BaseCommand, CommandError

from madina.core.invariants import check_all, check_names


class Command(BaseCommand):
    help = "Check the data's invariants: no half-written record, no dangling reference."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", choices=check_names(), help="run only this check"
        )

    def handle(self, *args, only=None, **options):
        failed = []
        for result in check_all(only):
            if result.skipped:
                self.stdout.write(f"skip  {result.name}: {result.skipped}")
            elif result.ok:
                self.stdout.write(f"ok    {result.name}: {result.description}")
            else:
                failed.append(result.name)
                listed = ", ".join(result.ids)
                more = (
                    f" (and {result.count - len(result.ids)} more)"
                    if result.count > len(result.ids)
                    else ""
                )
                self.stdout.write(
                    f"FAIL  {result.name}: {result.description}: {result.count} "
                    f"record(s): {listed}{more}"
                )
        if failed:
            raise CommandError(f"{len(failed)} invariant(s) broken: {', '.join(failed)}")
        self.stdout.write("All invariants hold.")
