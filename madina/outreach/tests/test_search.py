"""Capsules and schools are found in any script, spelling variant or transliteration."""

import pytest

from madina.outreach import selectors, services
from madina.outreach.tests.fixtures_sessions import capsule_data, school_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast, territory):
    capsule = services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.organisation,
        data=capsule_data(title_fr="Le droit à l'école", title_ar="الحق في التمدرس"),
    )
    other = services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.organisation,
        data=capsule_data(title_fr="Contre la violence", title_ar="لا للعنف"),
    )
    school = services.school_create(
        actor=cast.coordinator,
        data=school_data(territory.nador, name_fr="École Al Massira", name_ar="مدرسة المسيرة"),
    )
    elsewhere = services.school_create(
        actor=cast.coordinator,
        data=school_data(
            territory.selouane, name_fr="Collège Ibn Khaldoun", name_ar="إعدادية ابن خلدون"
        ),
    )
    return capsule, other, school, elsewhere


@pytest.mark.parametrize(
    "query",
    ["الحق", "التمدرس", "ecole", "École", "DROIT", "الحق التمدرس"],
)
def test_capsules_are_found_under_any_form(cast, records, query):
    capsule, other, *_ = records
    found = list(selectors.capsule_list(user=cast.readonly, q=query))
    assert capsule in found and other not in found


@pytest.mark.parametrize(
    "query",
    ["المسيرة", "مسيره", "massira", "Masira", "al massira"],
)
def test_schools_are_found_under_any_form(cast, records, query):
    *_, school, elsewhere = records
    found = list(selectors.school_list(user=cast.readonly, q=query))
    assert found == [school]


def test_editing_a_title_refreshes_what_search_finds(cast, records):
    capsule, *_ = records
    services.capsule_update(
        actor=cast.coordinator,
        capsule=capsule,
        data={**capsule_data(), "title_fr": "Nouveau titre", "title_ar": ""},
    )
    assert not list(selectors.capsule_list(user=cast.readonly, q="التمدرس"))
    assert list(selectors.capsule_list(user=cast.readonly, q="nouveau")) == [capsule]
