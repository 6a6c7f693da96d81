"""Backups of the database and the uploaded files, and their checked restore (docs/backup.md).

An archive is one ``.tar.gz`` file, readable by its owner only (mode 0600), holding:

- ``database/madina.sqlite3`` (SQLite, copied with the online backup API, consistent while the
  site runs) or ``database/madina.dump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…``: every file under ``MEDIA_ROOT`` (case attachments are already encrypted); skipped
  when uploads live in object storage, which the bucket's versioning protects;
- ``manifest.json``: format version, creation time, database engine, the latest migration of each
  app, per table its row count and a sha256 over its rows in primary-key order with values
  written canonically, and the sha256 of every other member of the archive.

The manifest is computed from the copy that is archived (SQLite: the copied file; PostgreSQL: the
snapshot ``pg_dump`` reads), so it describes exactly what a restore gives back. Nothing here
prints or logs a value of a row: table names, counts and hashes only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/madina.sqlite3"
PG_MEMBER = "database/madina.dump"
MEDIA_PREFIX = "media/"
# Django's own bookkeeping, filled by ``migrate``: a database holding only these is empty.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive or the database is not what it should be; the message names no person."""


# -- databases -----------------------------------------------------------------------------------


@dataclass
class Database:
    """A database to back up or restore into: Django's ``default``, or one named by a URL."""

    settings: dict[str, Any]
    use_django_connection: bool = False

    @classmethod
    def default(cls) -> Database:
        return cls(dict(connections["default"].settings_dict), use_django_connection=True)

    @classmethod
    def from_url(cls, url: str) -> Database:
        from madina.settings.env import parse_database_url

        return cls(parse_database_url(url, base_dir=Path(settings.BASE_DIR)))

    @property
    def vendor(self) -> str:
        engine = self.settings["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if engine.endswith("postgresql"):
            return "postgresql"
        raise BackupError(f"Unsupported database engine {engine}.")

    # SQLite

    def sqlite_connection(self) -> sqlite3.Connection:
        """A plain connection (no Django converters), so values are read the same way always."""
        if self.use_django_connection:
            connection = connections["default"]
            connection.ensure_connection()
            name = connection.settings_dict["NAME"]
            if connection.is_in_memory_db():
                # The test database: the same shared in-memory database, opened by its URI.
                return sqlite3.connect(str(name), uri=True)
        return sqlite3.connect(str(self.settings["NAME"]))

    # PostgreSQL

    def pg_environment(self) -> dict[str, str]:
        """The libpq environment: the password travels here, never on a command line."""
        env = dict(os.environ)
        values = self.settings
        pairs = {
            "PGHOST": values.get("HOST") or "",
            "PGPORT": str(values.get("PORT") or ""),
            "PGUSER": values.get("USER") or "",
            "PGPASSWORD": values.get("PASSWORD") or "",
            "PGDATABASE": values.get("NAME") or "",
        }
        env.update({key: value for key, value in pairs.items() if value})
        sslmode = (values.get("OPTIONS") or {}).get("sslmode")
        if sslmode:
            env["PGSSLMODE"] = sslmode
        return env

    def pg_connection(self):
        import psycopg

        values = self.settings
        connection = psycopg.connect(
            dbname=values.get("NAME") or None,
            user=values.get("USER") or None,
            password=values.get("PASSWORD") or None,
            host=values.get("HOST") or None,
            port=values.get("PORT") or None,
            sslmode=(values.get("OPTIONS") or {}).get("sslmode"),
        )
        connection.execute("SET TIME ZONE 'UTC'")
        connection.commit()
        return connection


# -- canonical row digests -----------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()}s"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def _digest_rows(rows: Iterator[tuple]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        line = json.dumps([_canonical(value) for value in row], ensure_ascii=False)
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def _fetch(cursor, sql: str) -> Iterator[tuple]:
    cursor.execute(sql)
    while batch := cursor.fetchmany(2000):
        yield from batch


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    cursor = connection.cursor()
    names = [
        row[0]
        for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        columns = list(cursor.execute(f"PRAGMA table_info({_quote(name)})"))
        keys = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
        order = keys or [column[1] for column in columns]
        # Names come from the database's own catalogue and are quoted: not user input.
        sql = f"SELECT * FROM {_quote(name)} ORDER BY " + ", ".join(map(_quote, order))  # noqa: S608
        count, checksum = _digest_rows(_fetch(connection.cursor(), sql))
        tables[name] = {"rows": count, "sha256": checksum}
    return tables


def pg_tables(connection) -> dict[str, dict[str, Any]]:
    cursor = connection.cursor()
    cursor.execute(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    tables = {}
    for oid, name in cursor.fetchall():
        cursor.execute(
            "SELECT a.attname FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [oid],
        )
        keys = [row[0] for row in cursor.fetchall()]
        # Text sorts in the "C" collation, the same on every server; a table without a primary
        # key by its whole row as text.
        order = _pg_order(cursor, oid, keys) if keys else f'({_quote(name)}.*)::text COLLATE "C"'
        sql = f"SELECT * FROM {_quote(name)} ORDER BY {order}"  # noqa: S608 - catalogue names
        count, checksum = _digest_rows(_fetch(connection.cursor(), sql))
        tables[name] = {"rows": count, "sha256": checksum}
    return tables


def _pg_order(cursor, oid: int, keys: list[str]) -> str:
    cursor.execute(
        "SELECT a.attname, t.typcategory FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s AND a.attnum > 0",
        [oid],
    )
    categories = dict(cursor.fetchall())
    return ", ".join(
        f'{_quote(key)} COLLATE "C"' if categories.get(key) == "S" else _quote(key) for key in keys
    )


def migration_state(tables_cursor) -> dict[str, str]:
    tables_cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(tables_cursor.fetchall())


# -- media ---------------------------------------------------------------------------------------


def media_on_disk() -> Path | None:
    """The folder of uploads, or None when they live elsewhere (object storage)."""
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if not issubclass(import_string(backend), FileSystemStorage):
        return None
    storage = storages["default"]
    return Path(getattr(storage, "location", settings.MEDIA_ROOT))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, str]:
    """Every file under ``root``, by its path relative to it, with its sha256."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = _sha256_file(path)
    return found


# -- the archive ---------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Expected against found, per table and for the media and migrations."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe_sqlite(path: Path) -> tuple[dict, dict]:
    connection = sqlite3.connect(str(path))
    try:
        return sqlite_tables(connection), migration_state(connection.cursor())
    finally:
        connection.close()


def _describe_pg(connection) -> tuple[dict, dict]:
    tables = pg_tables(connection)
    return tables, migration_state(connection.cursor())


def create(output: Path, *, database: Database | None = None, log=print) -> dict[str, Any]:
    """Write the archive to ``output`` (mode 0600) and return its manifest."""
    database = database or Database.default()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="madina-backup-") as work:
        work_dir = Path(work)
        os.chmod(work_dir, 0o700)
        if database.vendor == "sqlite":
            member = SQLITE_MEMBER
            copy = work_dir / "madina.sqlite3"
            source = database.sqlite_connection()
            target = sqlite3.connect(str(copy))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            tables, migrations = _describe_sqlite(copy)
        else:
            member = PG_MEMBER
            copy = work_dir / "madina.dump"
            tables, migrations = _pg_dump(database, copy)
        media_root = media_on_disk()
        media: dict[str, Any]
        if media_root is None:
            media = {"skipped": "object storage: backed up by the bucket's versioning", "files": {}}
            log("Uploaded files are in object storage: not archived (the bucket keeps versions).")
        else:
            media = {"skipped": "", "files": media_files(media_root)}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": database.vendor,
            "migrations": migrations,
            "tables": tables,
            "media": media,
            "files": {member: _sha256_file(copy)},
        }
        partial = output.with_name(output.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(partial, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(data))
            tar.add(copy, arcname=member, recursive=False)
            if media_root is not None:
                for relative in media["files"]:
                    tar.add(media_root / relative, arcname=MEDIA_PREFIX + relative)
        os.replace(partial, output)
    return manifest


def _pg_dump(database: Database, target: Path) -> tuple[dict, dict]:
    """Dump from one exported snapshot and describe that same snapshot."""
    connection = database.pg_connection()
    try:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        subprocess.run(  # noqa: S603 - fixed arguments, no shell; the password is in the env
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=database.pg_environment(),
            check=True,
            capture_output=True,
        )
        described = _describe_pg(connection)
        connection.rollback()
        return described
    except subprocess.CalledProcessError as error:
        raise BackupError("pg_dump failed: " + error.stderr.decode(errors="replace")) from error
    finally:
        connection.close()


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError("The archive has no manifest.json.") from error
    manifest = json.loads(handle.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    return manifest


def verify(archive: Path) -> tuple[dict[str, Any], list[str]]:
    """Check every member of the archive against the manifest's hashes, without restoring."""
    problems: list[str] = []
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Not a readable archive: {error}.") from error
    with tar:
        manifest = read_manifest(tar)
        expected = dict(manifest["files"])
        expected.update(
            {MEDIA_PREFIX + name: digest for name, digest in manifest["media"]["files"].items()}
        )
        seen = set()
        try:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or member.name not in expected:
                    problems.append(f"unexpected member {member.name}")
                    continue
                seen.add(member.name)
                digest = hashlib.sha256()
                handle = tar.extractfile(member)
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected[member.name]:
                    problems.append(f"checksum differs: {member.name}")
        except (OSError, tarfile.TarError, EOFError) as error:
            problems.append(f"the archive is damaged: {error}")
        problems += [f"missing from the archive: {name}" for name in sorted(set(expected) - seen)]
    return manifest, problems


def is_empty(database: Database) -> bool:
    """True when the database holds no table, or only Django's bookkeeping rows."""
    if database.vendor == "sqlite":
        path = database.settings["NAME"]
        if not database.use_django_connection and not Path(path).exists():
            return True
        connection = database.sqlite_connection()
        try:
            tables = sqlite_tables(connection)
        finally:
            connection.close()
    else:
        connection = database.pg_connection()
        try:
            tables = pg_tables(connection)
        finally:
            connection.close()
    return all(info["rows"] == 0 for name, info in tables.items() if name not in BOOKKEEPING)


def _safe_member(name: str) -> bool:
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts


def restore(archive: Path, *, database: Database | None = None, log=print) -> Comparison:
    """Restore the database and the uploaded files, then compare them with the manifest."""
    database = database or Database.default()
    manifest, problems = verify(archive)
    if problems:
        raise BackupError("The archive does not match its manifest: " + "; ".join(problems))
    if manifest["engine"] != database.vendor:
        raise BackupError(
            f"The archive holds a {manifest['engine']} database; the target is {database.vendor}."
        )
    with tempfile.TemporaryDirectory(prefix="madina-restore-") as work:
        work_dir = Path(work)
        os.chmod(work_dir, 0o700)
        with tarfile.open(archive, mode="r:gz") as tar:
            member = SQLITE_MEMBER if database.vendor == "sqlite" else PG_MEMBER
            tar.extract(member, path=work_dir, filter="data")
            copy = work_dir / member
            if database.vendor == "sqlite":
                _restore_sqlite(copy, database)
            else:
                _restore_pg(copy, database)
            media_root = media_on_disk()
            if manifest["media"]["files"] and media_root is None:
                log("Uploaded files are in object storage: restore them from the bucket.")
            elif media_root is not None:
                _restore_media(tar, media_root)
    return compare(manifest, database, media_on_disk())


def _restore_sqlite(copy: Path, database: Database) -> None:
    """Write the pages of the copy into the target through SQLite's own locking (the backup
    API), so a target that is open elsewhere, or in WAL mode, is replaced safely."""
    if database.use_django_connection:
        connections["default"].close()
    target_path = Path(database.settings["NAME"])
    if not database.use_django_connection:
        target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(copy))
    target = database.sqlite_connection()
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_pg(copy: Path, database: Database) -> None:
    if database.use_django_connection:
        connections["default"].close()
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell; the password is in the env
        [
            shutil.which("pg_restore") or "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.settings['NAME']}",
            str(copy),
        ],
        env=database.pg_environment(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + result.stderr.decode(errors="replace"))


def _restore_media(tar: tarfile.TarFile, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    for member in tar:
        if not member.name.startswith(MEDIA_PREFIX) or not member.isfile():
            continue
        relative = member.name[len(MEDIA_PREFIX) :]
        if not _safe_member(relative):
            raise BackupError(f"Refusing an unsafe path in the archive: {member.name}")
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        with tar.extractfile(member) as source, partial.open("wb") as handle:
            shutil.copyfileobj(source, handle, CHUNK)
        os.chmod(partial, 0o600)
        os.replace(partial, target)


def describe(database: Database) -> tuple[dict, dict]:
    """The tables and migration state of a database as it is now."""
    if database.vendor == "sqlite":
        connection = database.sqlite_connection()
        try:
            return sqlite_tables(connection), migration_state(connection.cursor())
        finally:
            connection.close()
    connection = database.pg_connection()
    try:
        return _describe_pg(connection)
    finally:
        connection.close()


def compare(manifest: dict[str, Any], database: Database, media_root: Path | None) -> Comparison:
    result = Comparison()
    tables, migrations = describe(database)
    for name in sorted(set(manifest["tables"]) | set(tables)):
        expected, found = manifest["tables"].get(name), tables.get(name)
        expected_rows = str(expected["rows"]) if expected else "-"
        found_rows = str(found["rows"]) if found else "-"
        if expected is None or found is None:
            state = "missing" if found is None else "extra"
        elif expected["rows"] != found["rows"]:
            state = "count differs"
        elif expected["sha256"] != found["sha256"]:
            state = "checksum differs"
        else:
            state = "ok"
        result.rows.append((name, expected_rows, found_rows, state))
        if state != "ok":
            result.problems.append(f"table {name}: {state}")
    if migrations != manifest["migrations"]:
        result.problems.append("the migration state differs")
    if media_root is not None:
        found_media = media_files(media_root)
        expected_media = manifest["media"]["files"]
        for name, digest in sorted(expected_media.items()):
            if found_media.get(name) != digest:
                state = "missing" if name not in found_media else "checksum differs"
                result.problems.append(f"media file {name}: {state}")
        result.rows.append(
            (
                "(media files)",
                str(len(expected_media)),
                str(sum(1 for name in expected_media if name in found_media)),
                "ok" if not any(p.startswith("media file") for p in result.problems) else "differs",
            )
        )
    return result


def format_table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("table", "rows in backup", "rows restored", "state")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(str(value).ljust(widths[i]) for i, value in enumerate(row))
        for row in [header, *rows]
    ]
    return "\n".join(lines)
