"""madina_backup / madina_restore: a round trip gives back the same rows, checksums and files,
and a tampered archive is caught. SQLite always; PostgreSQL when the tests run on it."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from madina.accounts.tests.factories import MembershipFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.cases.models import Case, Person, PersonIdentity
from madina.core import backup
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_NAME = "Aminata Diallo"
FILE_BYTES = b"%PDF-1.4 encrypted attachment stand-in\n" * 50


@pytest.fixture
def data(settings, tmp_path):
    """Rows in several apps, a case with an encrypted identity, and one uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    InitiativeFactory(lead_organisation=organisation)
    InitiativeFactory(lead_organisation=organisation)
    person = Person.objects.create(organisation=organisation, sex="female", age_band="18_59")
    PersonIdentity.objects.create(person=person, data={"given_name": SECRET_NAME})
    Case.objects.create(organisation=organisation, person=person)
    stored = default_storage.save("cases/attachments/evidence.bin", ContentFile(FILE_BYTES))
    return {"file": stored}


@pytest.fixture
def target_url(tmp_path):
    """An empty database of the same engine to restore into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    settings_dict = connection.settings_dict
    name = f"madina_restore_{uuid.uuid4().hex[:8]}"
    admin = backup.Database(dict(settings_dict, NAME="postgres"))
    with admin.pg_connection() as pg:
        pg.autocommit = True
        pg.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}"
    yield f"postgres://{user}{password}@{host}/{name}"
    with admin.pg_connection() as pg:
        pg.autocommit = True
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert psycopg  # imported only on PostgreSQL


def _backup(tmp_path, capsys) -> Path:
    archive = tmp_path / "backup.tar.gz"
    call_command("madina_backup", "--output", str(archive))
    return archive


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy ``archive`` to ``target``, passing each member's bytes through ``change``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers()]
        for member, content in change(dict((m.name, c) for m, c in members)).items():
            info = tarfile.TarInfo(member)
            info.size = len(content)
            copy.addfile(info, io.BytesIO(content))


def test_round_trip_gives_back_the_same_rows_checksums_and_files(
    data, settings, tmp_path, target_url, capsys
):
    archive = _backup(tmp_path, capsys)
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["tables"]["initiatives_initiative"]["rows"] == 2
    assert manifest["tables"]["cases_personidentity"]["rows"] == 1
    assert manifest["media"]["files"] == {
        data["file"]: backup._sha256_file(Path(settings.MEDIA_ROOT) / data["file"])
    }
    assert manifest["migrations"]["cases"]
    call_command("madina_backup", "--verify", str(archive))

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("madina_restore", str(archive), "--database-url", target_url)

    out = capsys.readouterr().out
    assert "Restored; every table and file matches the backup." in out
    assert "initiatives_initiative" in out
    assert SECRET_NAME not in out  # names and counts only
    assert (tmp_path / "restored-media" / data["file"]).read_bytes() == FILE_BYTES
    restored = backup.Database.from_url(target_url)
    assert backup.describe(restored)[0] == manifest["tables"]
    # A second restore into a database that now holds data is refused without --force.
    with pytest.raises(CommandError, match="already holds data"):
        call_command("madina_restore", str(archive), "--database-url", target_url)
    call_command("madina_restore", str(archive), "--database-url", target_url, "--force")


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_changed_byte_of_an_uploaded_file_is_caught(data, settings, tmp_path, capsys):
    archive = _backup(tmp_path, capsys)
    tampered = tmp_path / "tampered.tar.gz"
    name = "media/" + data["file"]

    def change(members):
        content = bytearray(members[name])
        content[10] ^= 1
        return {**members, name: bytes(content)}

    _rewrite(archive, tampered, change)
    with pytest.raises(CommandError, match="damaged"):
        call_command("madina_backup", "--verify", str(tampered))
    assert f"checksum differs: {name}" in capsys.readouterr().err
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command(
            "madina_restore",
            str(tampered),
            "--database-url",
            f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        )


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_missing_row_is_caught_by_the_recount_after_restore(data, settings, tmp_path, capsys):
    """Even with the file's hash forged in the manifest, the restored copy is recounted."""
    archive = _backup(tmp_path, capsys)
    tampered = tmp_path / "tampered.tar.gz"

    def change(members):
        database = tmp_path / "db.sqlite3"
        database.write_bytes(members[backup.SQLITE_MEMBER])
        with sqlite3.connect(database) as db:
            db.execute(
                "DELETE FROM initiatives_initiative WHERE id = (SELECT MAX(id) FROM "
                "initiatives_initiative)"
            )
        db.close()
        content = database.read_bytes()
        manifest = json.loads(members["manifest.json"])
        manifest["files"][backup.SQLITE_MEMBER] = backup._sha256_file(database)
        return {
            **members,
            "manifest.json": json.dumps(manifest).encode(),
            backup.SQLITE_MEMBER: content,
        }

    _rewrite(archive, tampered, change)
    call_command("madina_backup", "--verify", str(tampered))  # the hashes agree …
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="differs from the backup"):
        call_command(
            "madina_restore",
            str(tampered),
            "--database-url",
            f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        )
    output = capsys.readouterr()
    assert "table initiatives_initiative: count differs" in output.err  # … the recount does not
