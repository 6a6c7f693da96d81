from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from madina.settings import env


def test_booleans_are_strict(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env.env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env.env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env.env_bool("FLAG")


def test_integers_name_the_variable_when_malformed(monkeypatch):
    monkeypatch.setenv("PORT_X", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT_X"):
        env.env_int("PORT_X", 1)
    monkeypatch.setenv("PORT_X", "8080")
    assert env.env_int("PORT_X", 1) == 8080


def test_lists_split_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.org, b.example.org ,")
    assert env.env_list("HOSTS") == ["a.example.org", "b.example.org"]


def test_a_required_value_that_is_missing_is_named(monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="NOT_SET_ANYWHERE"):
        env.env_str("NOT_SET_ANYWHERE")


def test_secret_read_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-value\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("SECRET_KEY", "ignored-when-a-file-is-given")
    assert env.env_secret("SECRET_KEY") == "s3cr3t-value"


def test_postgres_url():
    db = env.parse_database_url(
        "postgres://madina:p%40ss@db.internal:5433/madina?sslmode=require", base_dir=Path("/srv")
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("madina", "madina", "p@ss")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_urls_relative_and_absolute():
    relative = env.parse_database_url("sqlite:///var/db.sqlite3", base_dir=Path("/srv/madina"))
    absolute = env.parse_database_url("sqlite:////data/db.sqlite3", base_dir=Path("/srv/madina"))
    assert relative["NAME"] == "/srv/madina/var/db.sqlite3"
    assert absolute["NAME"] == "/data/db.sqlite3"
    assert "journal_mode=WAL" in relative["OPTIONS"]["init_command"]


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        env.parse_database_url("mysql://root@localhost/x", base_dir=Path("/srv"))
