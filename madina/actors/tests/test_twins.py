"""Probable twins: the registry warns before the same organisation is registered twice."""

import pytest
from django.utils import translation

from madina.actors import services
from madina.actors.models import Organisation
from madina.actors.selectors import organisation_probable_twins
from madina.actors.tests.factories import OrganisationFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def amal():
    return OrganisationFactory(
        name_fr="Association Al Amal Béni Ansar", name_ar="جمعية الأمل بني أنصار", acronym="AAB"
    )


def _found(**names):
    return {twin.organisation.pk: twin.reasons for twin in organisation_probable_twins(**names)}


@pytest.mark.parametrize("acronym", ["AAB", "aab", "AÄB", " aab "])
def test_same_acronym_whatever_the_case_or_accents(amal, acronym):
    assert _found(name_fr="Autre chose", acronym=acronym)[amal.pk] == ["acronym"]


def test_same_name_after_normalisation_latin(amal):
    assert "name" in _found(name_fr="ASSOCIATION AL-AMAL BENI ANSAR")[amal.pk]


def test_same_name_after_normalisation_arabic(amal):
    # Hamza on alef and the diacritics do not make another organisation.
    assert "name" in _found(name_ar="جَمعية الامل بني انصار")[amal.pk]


def test_same_skeleton_in_another_transliteration(amal):
    assert "skeleton" in _found(name_fr="Association Al Amal Bni Ansar")[amal.pk]


def test_very_similar_name(amal):
    assert "similar" in _found(name_fr="Association Amal Beni Ansar Nador")[amal.pk]


def test_different_organisations_are_not_twins(amal):
    assert _found(name_fr="Croix-Rouge marocaine", name_ar="الهلال الأحمر", acronym="CRM") == {}


def test_the_organisation_itself_can_be_excluded(amal):
    assert _found(name_fr=amal.name_fr, exclude_pk=amal.pk) == {}


def test_nothing_given_finds_nothing(amal):
    assert organisation_probable_twins(name_fr="", acronym="") == []


def test_reasons_have_words_for_the_user(amal):
    (twin,) = organisation_probable_twins(name_fr=amal.name_fr, acronym="AAB")
    assert twin.reasons == ["acronym", "name"]
    with translation.override("fr"):
        assert twin.reason_labels == ["même sigle", "même nom, écrit autrement"]


def test_the_service_refuses_a_twin_until_confirmed(cast, amal):
    count = Organisation.objects.count()
    with pytest.raises(services.ProbableTwinsError) as error:
        services.organisation_create(
            actor=cast.coordinator, data={"name_fr": "Asociation Al Amal Beni Ansar", "type": "cso"}
        )
    assert [twin.organisation for twin in error.value.twins] == [amal]
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.exists()

    services.organisation_create(
        actor=cast.coordinator,
        data={"name_fr": "Asociation Al Amal Beni Ansar", "type": "cso"},
        confirm_twins=True,
    )
    assert Organisation.objects.count() == count + 1
