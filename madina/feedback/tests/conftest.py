"""Fixtures of the feedback tests: the shared cast, a commune, a sensitive team member for the
organisation, and helpers to make feedback through the services."""

from __future__ import annotations

import pytest

from madina.accounts.models import Membership
from madina.accounts.tests.factories import MembershipFactory
from madina.actors.tests.factories import AreaFactory
from madina.feedback import services
from madina.feedback.models import Feedback, SensitiveTeamMember
from madina.territory.models import Area


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English unless a test asks for a language (/ar/…, override)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commune(db) -> Area:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )
    return AreaFactory(code="02.381.01.05", name_fr="Nador", name_ar="الناظور", parent=province)


@pytest.fixture
def team_member(cast):
    """A member of the organisation on its sensitive team (added by its admin)."""
    user = MembershipFactory(organisation=cast.organisation, role=Membership.Role.MEMBER).user
    services.sensitive_team_add(actor=cast.admin, organisation=cast.organisation, user=user)
    assert SensitiveTeamMember.objects.filter(user=user).exists()
    return user


def submission(**overrides) -> dict:
    data = {
        "organisation": None,
        "type": Feedback.Type.COMPLAINT,
        "category": Feedback.Category.HEALTH,
        "commune": None,
        "language": "fr",
        "message": "La file d'attente est trop longue.",
        "answer_by": Feedback.AnswerBy.STATUS_PAGE,
        "contact": "",
        "is_sensitive": False,
    }
    data.update(overrides)
    return data


def public_post(**overrides) -> dict:
    data = {
        "type": "complaint",
        "category": "health",
        "message": "La file d'attente est trop longue.",
        "organisation": "",
        "commune": "",
        "language": "fr",
        "answer_by": "status_page",
        "contact": "",
    }
    data.update(overrides)
    return data
