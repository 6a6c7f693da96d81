"""Back up the database and the uploaded files into one archive; or check an archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madina.core import backup


class Command(BaseCommand):
    help = (
        "Write one .tar.gz archive (mode 0600) holding the database (SQLite: online backup, "
        "consistent while the site runs; PostgreSQL: pg_dump --format=custom), the uploaded "
        "files of MEDIA_ROOT and a manifest.json (migrations, per-table row counts and "
        "checksums, sha256 of every file). With --verify ARCHIVE, check an archive's files "
        "against its manifest without restoring anything. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Where to write the archive (default: madina-backup-<UTC time>.tar.gz here).",
        )
        parser.add_argument(
            "--database-url",
            help="Back up this database instead of the configured one (sqlite:///… or "
            "postgres://…).",
        )
        parser.add_argument(
            "--verify", metavar="ARCHIVE", help="Only check ARCHIVE's integrity, then stop."
        )

    def handle(self, *args, output=None, database_url=None, verify=None, **options):
        if verify:
            return self._verify(Path(verify))
        if output is None:
            output = f"madina-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
        database = (
            backup.Database.from_url(database_url) if database_url else backup.Database.default()
        )
        try:
            manifest = backup.create(Path(output), database=database, log=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
                f"{len(manifest['media']['files'])} uploaded files to {output}"
            )
        )

    def _verify(self, archive: Path) -> None:
        try:
            manifest, problems = backup.verify(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{archive} is damaged: {len(problems)} problem(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive} is intact: {manifest['engine']} database of "
                f"{manifest['created_at']}, {len(manifest['tables'])} tables, "
                f"{len(manifest['media']['files'])} uploaded files."
            )
        )
