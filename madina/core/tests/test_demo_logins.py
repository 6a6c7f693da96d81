"""`manage.py demo_logins` prints the demo accounts, one line per role."""

import io

import pytest
from django.core.management import call_command

from madina.core.demo import DEMO_PASSWORD


def logins() -> str:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_every_role_is_printed_with_email_organisation_and_password(settings):
    settings.DEBUG = True
    call_command("madina_setup", "--demo", stdout=io.StringIO())
    output = logins()
    lines = output.splitlines()
    assert lines[0].split() == ["E-mail", "Role", "Organisation", "Password"]
    for role in ("platform_admin", "coordinator", "org_admin", "member", "readonly"):
        assert any(f"  {role}  " in line for line in lines), role
    coordinator_rows = [line for line in lines if line.startswith("coordinator@example.org")]
    assert len(coordinator_rows) == 2
    assert any("Association Rif pour l'Accueil" in line for line in coordinator_rows)
    assert "afsr.readonly@example.org" in output
    assert "cellule.member@example.org" in output
    assert all(line.rstrip().endswith(DEMO_PASSWORD) for line in lines[2:31])


@pytest.mark.django_db
def test_without_demo_data_it_says_what_to_run():
    assert "madina_setup --demo" in logins()
