"""Spaces of each visibility, with the cast's organisation seated in none of them by default."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from madina.coordination.models import Space
from madina.coordination.tests.factories import SpaceFactory


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
