import os
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def test_production_settings_pass_check_deploy_without_warning(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("x" * 20 + "-production-secret-" + "y" * 30, encoding="utf-8")
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "madina.settings.prod",
        "SECRET_KEY_FILE": str(secret),
        "MADINA_CASE_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "madina.example.org",
        "MADINA_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603 — fixed command, our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SECRET_KEY")},
        "DJANGO_SETTINGS_MODULE": "madina.settings.prod",
        "ALLOWED_HOSTS": "madina.example.org",
        "MADINA_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_case_keys(tmp_path):
    """Case data is never encrypted with a key derived from SECRET_KEY in production."""
    secret = tmp_path / "secret_key"
    secret.write_text("x" * 20 + "-production-secret-" + "y" * 30, encoding="utf-8")
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("MADINA_CASE")},
        "DJANGO_SETTINGS_MODULE": "madina.settings.prod",
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "madina.example.org",
        "MADINA_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MADINA_CASE_KEYS" in result.stderr
