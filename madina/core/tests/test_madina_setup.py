"""`manage.py madina_setup [--demo]`: reference data, demo data, and running it twice."""

import io

import pytest
from django.core.management import CommandError, call_command

from madina.accounts.models import Membership, User
from madina.actors.models import FocalPerson, Organisation, Sector
from madina.core.demo import DEMO_PASSWORD, ORGANISATIONS, USERS
from madina.directory.demo import INSTITUTIONS
from madina.territory.models import Area


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Area, Sector, Organisation, FocalPerson, User, Membership)
    }


def setup(*args):
    out = io.StringIO()
    call_command("madina_setup", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_without_demo_only_reference_data_is_loaded():
    setup()
    assert Area.objects.count() == 133
    assert Sector.objects.count() == 11
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_twice_creates_no_duplicates(settings):
    settings.DEBUG = True
    setup("--demo")
    first = counts()
    # The core demo's organisations, and the police and gendarmerie the directory adds.
    assert first["Organisation"] == len(ORGANISATIONS) + len(INSTITUTIONS)
    assert first["User"] == len(USERS)
    output = setup("--demo")
    assert counts() == first
    assert "0 organisations, 0 focal persons, 0 users and 0 memberships created" in output


@pytest.mark.django_db
def test_the_demo_has_the_organisations_the_brief_describes(settings):
    settings.DEBUG = True
    setup("--demo")
    types = Organisation.objects.values_list("type", flat=True)
    assert list(types).count(Organisation.Type.COMMUNE) == 6
    assert list(types).count(Organisation.Type.PUBLIC_INSTITUTION) == 4 + len(INSTITUTIONS)
    assert list(types).count(Organisation.Type.CSO) == 5  # the coordinating association + 4
    assert list(types).count(Organisation.Type.MIGRANT_LED) == 1
    nador = Organisation.objects.get(name_fr="Commune de Nador")
    assert nador.commune.code == "02.381.01.05"
    assert list(nador.communes_covered.values_list("code", flat=True)) == ["02.381.01.05"]
    for organisation in Organisation.objects.all():
        assert organisation.name_ar and organisation.name_fr and organisation.name_en
        assert organisation.email.endswith("example.org")
        assert organisation.phone.as_e164.startswith("+2125")
        assert organisation.communes_covered.exists()
        if organisation.type == Organisation.Type.PUBLIC_INSTITUTION:
            assert organisation.institution_sector
    assert not Organisation.objects.filter(type="cso", sectors__isnull=True).exists()
    assert FocalPerson.objects.filter(organisation__type="public_institution").exists()


@pytest.mark.django_db
def test_every_role_exists_and_signs_in_with_the_demo_password(settings, client):
    settings.DEBUG = True
    setup("--demo")
    assert User.objects.get(platform_role="platform_admin").check_password(DEMO_PASSWORD)
    coordinator = User.objects.get(platform_role="coordinator")
    assert coordinator.memberships.get().role == Membership.Role.ADMIN
    assert coordinator.memberships.get().organisation.acronym == "ARAS"
    for role in Membership.Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    for cso in ("AFSR", "AEAS", "AODA", "AAFE"):
        roles = set(
            Membership.objects.filter(organisation__acronym=cso).values_list("role", flat=True)
        )
        assert roles == set(Membership.Role.values), cso
    assert Membership.objects.filter(organisation__type="commune").count() >= 6
    assert Membership.objects.filter(organisation__type="public_institution").count() >= 4


@pytest.mark.django_db
def test_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        setup("--demo")
    assert not Area.objects.exists()
    assert not User.objects.exists()
