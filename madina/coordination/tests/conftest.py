"""Spaces of each visibility, with the cast's organisation seated in none of them by default;
and a programme in a private space whose one action the cast's organisation leads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from madina.accounts.models import User
from madina.accounts.tests.factories import MembershipFactory
from madina.actors.models import Organisation
from madina.actors.tests.factories import OrganisationFactory
from madina.coordination.models import Programme, ProgrammeItem, Space
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
    SpaceMemberFactory,
)


@dataclass
class Spaces:
    public: Space
    transparent: Space
    private: Space


@pytest.fixture
def spaces(db) -> Spaces:
    return Spaces(
        public=SpaceFactory(name_fr="Espace public de Nador", visibility="public"),
        transparent=SpaceFactory(name_fr="Espace transparent", visibility="transparent"),
        private=SpaceFactory(name_fr="Espace privé", visibility="private"),
    )


@dataclass
class Plan:
    """A private space where the cast's organisation sits and leads one action of a programme.

    ``consulted`` and ``informed`` are organisations with one person each (their ``*_user``).
    """

    space: Space
    programme: Programme
    axis: ProgrammeItem
    objective: ProgrammeItem
    action: ProgrammeItem
    milestone: ProgrammeItem
    consulted: Organisation
    consulted_user: User
    informed: Organisation
    informed_user: User


@pytest.fixture
def plan(cast) -> Plan:
    space = SpaceFactory(name_fr="Espace privé des communes", visibility="private")
    SpaceMemberFactory(space=space, organisation=cast.organisation, position="secretariat")
    programme = ProgrammeFactory(space=space, title="Programme d'action 2025-2026")
    axis = ItemFactory(programme=programme, kind="axis", code="1", title="Gouvernance")
    objective = ItemFactory(
        programme=programme, kind="objective", parent=axis, code="1.1", title="Coordonner"
    )
    action = ItemFactory(
        programme=programme,
        parent=objective,
        code="1.1.1",
        title="Cartographier les services",
        start_date=datetime.date(2025, 1, 1),
        due_date=datetime.date(2025, 6, 30),
    )
    milestone = ItemFactory(
        programme=programme,
        kind="milestone",
        parent=action,
        code="1.1.1.a",
        title="Atelier de lancement",
        due_date=datetime.date(2025, 3, 31),
    )
    ResponsibilityFactory(item=action, organisation=cast.organisation, role="accountable")
    consulted = OrganisationFactory(name_fr="Commune de Beni Ansar")
    informed = OrganisationFactory(name_fr="Délégation de la santé")
    ResponsibilityFactory(item=action, organisation=consulted, role="consulted")
    ResponsibilityFactory(item=action, organisation=informed, role="informed")
    consulted_user = MembershipFactory(organisation=consulted, role="member").user
    informed_user = MembershipFactory(organisation=informed, role="readonly").user
    return Plan(
        space,
        programme,
        axis,
        objective,
        action,
        milestone,
        consulted,
        consulted_user,
        informed,
        informed_user,
    )
