"""Print the demo accounts: e-mail, role, organisation and the shared demo password."""

from django.conf import settings
from django.core.management.base import BaseCommand

from madina.accounts.middleware import ALWAYS_REQUIRED
from madina.core.demo import demo_logins


class Command(BaseCommand):
    help = "List the demonstration users created by `madina_setup --demo`, one line per role."

    def handle(self, *args, **options):
        rows = demo_logins()
        if not rows:
            self.stdout.write("No demo users: run `manage.py madina_setup --demo` first.")
            return
        header = ("E-mail", "Role", "Organisation", "Password")
        table = [header] + [(r.email, r.role, r.organisation or "—", r.password) for r in rows]
        widths = [min(max(len(row[i]) for row in table), 60) for i in range(len(header))]
        for index, row in enumerate(table):
            cells = [
                (cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…").ljust(widths[i])
                for i, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        required = ", ".join(sorted(set(settings.MADINA_2FA_REQUIRED_ROLES) | ALWAYS_REQUIRED))
        if required:
            self.stdout.write(
                f"\nRoles that must set up two-factor authentication at first sign-in: {required}."
            )
