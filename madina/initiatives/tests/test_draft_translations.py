"""The translations typed in the create form count in the live duplicate check."""

import pytest
from django.urls import reverse

from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic(cast):
    """An initiative registered in Arabic only."""
    return InitiativeFactory(
        title="دروس محو الأمية لفائدة النساء المهاجرات بالناظور",
        language="ar",
        lead_organisation=cast.other_organisation,
        sector=SectorFactory(name_fr="Éducation", name_ar="التربية"),
        communes=[AreaFactory(name_fr="Nador", name_ar="الناضور")],
    )


def _check(cast, arabic, **fields):
    data = {
        "title": "Ateliers du samedi",
        "sector": arabic.sector_id,
        "communes": [arabic.communes.get().pk],
        "lead_organisation": cast.organisation.pk,
    }
    data.update(fields)
    response = cast.client_for("member").post(reverse("initiatives:duplicate_check"), data)
    assert response.status_code == 200
    return {
        item["candidate"].initiative.pk: item["candidate"] for item in response.context["items"]
    }


def test_a_translated_title_finds_what_the_original_title_does_not(cast, arabic):
    without = _check(cast, arabic)
    with_translation = _check(
        cast, arabic, translation_title_ar="دروس محو الأمية للنساء المهاجرات في الناظور"
    )
    assert arabic.pk in with_translation
    assert arabic.pk not in without or without[arabic.pk].score < with_translation[arabic.pk].score
