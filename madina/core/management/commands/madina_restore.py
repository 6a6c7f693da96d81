"""Restore an archive of madina_backup, then check the restored copy against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from madina.core import backup


class Command(BaseCommand):
    help = (
        "Restore ARCHIVE (written by madina_backup) into the configured database and MEDIA_ROOT, "
        "then recount every table, recompute the checksums and the files' sha256 and compare "
        "them with the manifest: prints a table (names and counts only) and fails on any "
        "difference. Refuses a database that holds data unless --force. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive to restore.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the configured one (sqlite:///… or "
            "postgres://…; a PostgreSQL database must exist).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even if the target database already holds data (it is replaced).",
        )

    def handle(self, *args, archive, database_url=None, force=False, **options):
        database = (
            backup.Database.from_url(database_url) if database_url else backup.Database.default()
        )
        try:
            if not force and not backup.is_empty(database):
                raise CommandError(
                    "The target database already holds data: refusing to replace it. Use "
                    "--force to replace it, or restore into an empty database."
                )
            result = backup.restore(Path(archive), database=database, log=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(backup.format_table(result.rows))
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The restored copy differs from the backup: {len(result.problems)} problem(s)."
            )
        self.stdout.write(self.style.SUCCESS("Restored; every table and file matches the backup."))
