"""The production settings read from the environment: object storage, JSON logs, connections.

Settings are evaluated when their module is imported, so each case imports
``madina.settings.prod`` in a fresh interpreter with the environment it names.
"""

import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

_OURS = ("DATABASE_URL", "REDIS_URL", "LOG_FORMAT", "MADINA_S3_", "CONN_MAX_AGE", "DJANGO_")

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "default_storage": settings.STORAGES["default"],
    "database": {
        key: settings.DATABASES["default"][key]
        for key in ("ENGINE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    },
    "console_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "levels": {name: logger["level"] for name, logger in settings.LOGGING["loggers"].items()},
}))
"""

# Django's own request logging, as it runs when a view fails: the request goes along as `extra`.
LOG_A_FAILED_REQUEST = """
import django
django.setup()
from django.http import HttpResponseServerError
from django.test import RequestFactory
from django.utils.log import log_response
request = RequestFactory().post(
    "/fr/portal/feedback/?code=REF-QUERY-7", data={"message": "Fatima B. was hurt"}
)
log_response(
    "Internal Server Error: %s", request.path, response=HttpResponseServerError(), request=request
)
"""


def _run(tmp_path, code: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_OURS)}
    env.update(
        DJANGO_SETTINGS_MODULE="madina.settings.prod",
        SECRET_KEY="x" * 20 + "-production-secret-" + "y" * 30,
        MADINA_CASE_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="madina.example.org",
        MADINA_VAR_DIR=str(tmp_path / "var"),
        **env_vars,
    )
    return subprocess.run(  # noqa: S603 — our own interpreter and fixed code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _settings(tmp_path, **env_vars: str) -> dict:
    result = _run(tmp_path, PRINT_SETTINGS, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def defaults(tmp_path_factory) -> dict:
    """The settings with none of the variables tested here set."""
    return _settings(tmp_path_factory.mktemp("defaults"))


def test_uploads_stay_on_the_local_file_system_by_default(defaults):
    assert defaults["default_storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_sends_uploads_to_private_object_storage(tmp_path):
    secret = tmp_path / "s3_secret"
    secret.write_text("s3-secret-from-a-file\n", encoding="utf-8")
    found = _settings(
        tmp_path,
        MADINA_S3_BUCKET="madina-uploads",
        MADINA_S3_ENDPOINT_URL="https://s3.internal.example.org",
        MADINA_S3_REGION="eu-west-3",
        MADINA_S3_PREFIX="/oriental/",
        MADINA_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        MADINA_S3_SECRET_ACCESS_KEY_FILE=str(secret),
    )
    assert found["default_storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "madina-uploads",
            "endpoint_url": "https://s3.internal.example.org",
            "region_name": "eu-west-3",
            "location": "oriental",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "access_key": "AKIAEXAMPLE",
            "secret_key": "s3-secret-from-a-file",
        },
    }


def test_without_keys_boto3_finds_its_own_credentials(tmp_path):
    options = _settings(tmp_path, MADINA_S3_BUCKET="madina-uploads")["default_storage"]["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options
    assert options["endpoint_url"] is None and options["location"] == ""


def test_the_storage_backend_builds_signed_private_links(tmp_path):
    """The options are ones django-storages accepts, and a link to a file expires."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.default_acl, s.file_overwrite)\n"
        "print(s.url('cases/a.bin'))\n"
    )
    result = _run(
        tmp_path,
        code,
        MADINA_S3_BUCKET="madina-uploads",
        MADINA_S3_ENDPOINT_URL="http://127.0.0.1:9",
        MADINA_S3_REGION="us-east-1",
        MADINA_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        MADINA_S3_SECRET_ACCESS_KEY="secret",
        MADINA_S3_PREFIX="oriental",
    )
    assert result.returncode == 0, result.stderr
    kind, url = result.stdout.strip().splitlines()
    assert kind == "S3Storage private False"
    assert url.startswith("http://127.0.0.1:9/madina-uploads/oriental/cases/a.bin?")
    assert "Signature=" in url and "Expires=" in url


def test_postgresql_connections_are_kept_and_checked_before_reuse(tmp_path):
    found = _settings(tmp_path, DATABASE_URL="postgres://madina@db.internal:5432/madina")
    assert found["database"] == {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
    tuned = _settings(
        tmp_path, DATABASE_URL="postgres://madina@db.internal/madina", CONN_MAX_AGE="300"
    )
    assert tuned["database"]["CONN_MAX_AGE"] == 300


def test_sqlite_opens_a_connection_per_request_by_default(defaults):
    assert defaults["database"]["CONN_MAX_AGE"] == 0
    assert defaults["database"]["CONN_HEALTH_CHECKS"] is True


def test_json_logs_keep_the_levels_that_keep_personal_data_out(tmp_path, defaults):
    plain = defaults
    as_json = _settings(tmp_path, LOG_FORMAT="json")
    assert (plain["console_formatter"], as_json["console_formatter"]) == ("plain", "json")
    assert as_json["levels"] == plain["levels"]
    assert as_json["levels"]["axes"] == "ERROR"


def test_a_json_log_line_is_valid_json_without_the_request(tmp_path):
    result = _run(tmp_path, LOG_A_FAILED_REQUEST, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    record = json.loads(lines[0])
    assert record["levelname"] == "ERROR"
    assert record["name"] == "django.request"
    assert record["message"] == "Internal Server Error: /fr/portal/feedback/"
    assert record["status_code"] == 500
    # Neither the body nor the query string: the request object itself is left out.
    assert "request" not in record
    assert "Fatima" not in lines[0] and "REF-QUERY-7" not in lines[0]


def test_an_unknown_log_format_is_refused_by_name(tmp_path):
    result = _run(tmp_path, PRINT_SETTINGS, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr
