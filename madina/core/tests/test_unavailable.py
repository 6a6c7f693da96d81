"""While the database is unavailable, every page answers a translated 503, never a traceback."""

import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client

TRACE_MARKERS = ("Traceback", 'File "', "OperationalError", "InterfaceError", "connection refused")


def _database_down(*args, **kwargs):
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: connection refused'
    )


@pytest.fixture
def queries_fail(monkeypatch):
    """Every query raises, as it does while PostgreSQL restarts."""
    monkeypatch.setattr(SQLCompiler, "execute_sql", _database_down)


def _assert_clean_503(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    for marker in TRACE_MARKERS:
        assert marker not in body
    return body


@pytest.mark.django_db
def test_a_query_failing_in_the_view_gives_the_translated_page(client, queries_fail):
    body = _assert_clean_503(client.get("/fr/portal/"))
    assert 'lang="fr"' in body
    assert "Service momentanément indisponible" in body
    assert "Réessayer" in body


@pytest.mark.django_db
def test_the_page_is_in_arabic_and_right_to_left(client, queries_fail):
    body = _assert_clean_503(client.get("/ar/portal/"))
    assert 'lang="ar" dir="rtl"' in body.replace("\n      ", " ")
    assert "الخدمة غير متاحة مؤقتًا" in body


@pytest.mark.django_db
def test_the_portal_page_is_in_spanish(client, queries_fail):
    body = _assert_clean_503(client.get("/es/portal/"))
    assert "Servicio no disponible temporalmente" in body


@pytest.mark.django_db
def test_the_session_lookup_failing_in_a_middleware_is_caught(cast, monkeypatch, caplog):
    """The session and its user are read by the middleware (request.user), before any view."""
    client = cast.client_for("member")
    monkeypatch.setattr(SQLCompiler, "execute_sql", _database_down)
    monkeypatch.setattr(SessionStore, "load", _database_down)  # sessions in the database

    with caplog.at_level(logging.INFO):
        # The test client re-raises any exception the handler let through: none must be.
        body = _assert_clean_503(client.get("/ar/initiatives/?q=secret"))

    assert "الخدمة غير متاحة مؤقتًا" in body
    # One line, naming neither the user nor the query string; no traceback logged.
    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in records] == [
        "Database unavailable (OperationalError) on /ar/initiatives/"
    ]
    assert all(record.exc_info is None for record in records)
    assert cast.member.email not in caplog.text


@pytest.mark.django_db
def test_a_broken_connection_in_the_view_is_caught_too(cast, monkeypatch):
    client = cast.client_for("member")

    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    # The session and the user load; the view's own queries fail.
    client.get("/fr/initiatives/")
    monkeypatch.setattr(SQLCompiler, "execute_sql", closed)
    monkeypatch.setattr(SessionStore, "load", lambda self: {})
    body = _assert_clean_503(client.get("/fr/portal/"))
    assert "Service momentanément indisponible" in body


@pytest.mark.django_db
def test_the_api_answers_json(client, queries_fail):
    response = client.get("/api/areas/", HTTP_ACCEPT_LANGUAGE="fr")
    _assert_clean_503(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Le service est momentanément indisponible. Veuillez réessayer dans un instant.",
        "code": "service_unavailable",
    }


@pytest.mark.django_db
def test_debug_mode_shows_no_details_either(client, queries_fail, settings):
    settings.DEBUG = True
    body = _assert_clean_503(client.get("/fr/portal/"))
    assert "Service momentanément indisponible" in body


@pytest.mark.django_db
def test_other_errors_are_not_mistaken_for_an_outage(cast, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(cast.member)

    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(SQLCompiler, "execute_sql", bug)
    response = client.get("/fr/portal/")
    assert response.status_code == 500


@pytest.mark.django_db
def test_pages_work_again_once_the_database_answers(client, monkeypatch):
    monkeypatch.setattr(SQLCompiler, "execute_sql", _database_down)
    assert client.get("/fr/portal/").status_code == 503
    monkeypatch.undo()
    assert client.get("/fr/portal/").status_code == 200
