"""The shared cast of every permission test.

``cast`` gives one organisation with its admin, member and read-only member, an outsider who
belongs to another organisation, and a coordinator. Each signs in with ``client_for(name)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from madina.accounts.models import Membership, User
from madina.accounts.tests.factories import MembershipFactory, UserFactory
from madina.actors.models import Organisation
from madina.actors.tests.factories import OrganisationFactory


@dataclass
class Cast:
    organisation: Organisation
    other_organisation: Organisation
    admin: User
    member: User
    readonly: User
    outsider: User
    coordinator: User

    def client_for(self, name: str) -> Client:
        client = Client()
        client.force_login(getattr(self, name))
        return client


@pytest.fixture
def cast(db) -> Cast:
    organisation = OrganisationFactory(name_fr="Association Rif Solidarité", acronym="ARS")
    other = OrganisationFactory(name_fr="Association Oujda Accueil", acronym="AOA")
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    readonly = MembershipFactory(organisation=organisation, role=Membership.Role.READONLY).user
    outsider = MembershipFactory(organisation=other, role=Membership.Role.ADMIN).user
    coordinator = UserFactory(platform_role=User.PlatformRole.COORDINATOR)
    return Cast(organisation, other, admin, member, readonly, outsider, coordinator)


@pytest.fixture(scope="session", autouse=True)
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """Close the connections the live server's request threads leave behind.

    On PostgreSQL a thread that served a browser test can keep an idle connection to the test
    database, and the database cannot be dropped while it is open.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
