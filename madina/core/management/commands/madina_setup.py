"""Set up a Madina database: reference data, and with --demo the demonstration data."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from madina.cases.demo import cases_demo_load
from madina.consultations.demo import consultations_demo_load
from madina.coordination.demo import coordination_demo_load
from madina.core.demo import DemoDataError, demo_load
from madina.directory.demo import directory_demo_load
from madina.feedback.demo import feedback_demo_load
from madina.initiatives.demo import initiatives_demo_load
from madina.meetings.demo import meetings_demo_load
from madina.meetings.public_demo import public_meeting_demo_load
from madina.outreach.demo import outreach_demo_load
from madina.outreach.training_demo import training_demo_load
from madina.results.demo import results_demo_load


class Command(BaseCommand):
    help = (
        "Load the administrative areas and the sectors; with --demo, also the demonstration "
        "organisations and users. Safe to run again: it creates only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load the demonstration data (refused unless DEBUG is on).",
        )

    def handle(self, *args, demo=False, verbosity=1, **options):
        if demo and not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo users share a published "
                "password. Use the development settings."
            )
        call_command("load_areas", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        call_command("load_sectors", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        for command in ("load_target_groups", "load_activity_types"):
            call_command(command, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        if not demo:
            return
        try:
            report = demo_load()
            initiatives = initiatives_demo_load()
            spaces = coordination_demo_load()
            meetings = meetings_demo_load() + public_meeting_demo_load()
            directory = directory_demo_load()
            cases = cases_demo_load()
            outreach = outreach_demo_load() + training_demo_load()
            results = results_demo_load()
            consultations = consultations_demo_load()
            feedback = feedback_demo_load()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(
                f"Demo: {report.organisations} organisations, {report.focal_persons} focal "
                f"persons, {report.users} users and {report.memberships} memberships created."
            )
            self.stdout.write(f"Demo: {initiatives} initiatives created.")
            self.stdout.write(f"Demo: {spaces} coordination spaces created.")
            self.stdout.write(f"Demo: {meetings} meetings created.")
            self.stdout.write(f"Demo: {directory} directory services created.")
            self.stdout.write(f"Demo: {cases} confidential cases created (fictional persons).")
            self.stdout.write(f"Demo: {outreach} outreach and training records created.")
            self.stdout.write(f"Demo: {results} results-framework records created.")
            self.stdout.write(f"Demo: {consultations} consultation answers created.")
            self.stdout.write(f"Demo: {feedback} feedback items created.")
