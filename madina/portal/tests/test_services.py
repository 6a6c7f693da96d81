"""The public service finder: each filter filters, only active services, no account needed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(territory):
    """A free health service in Beni Ansar where French is spoken and papers are not needed."""
    return ServiceFactory(
        name_fr="Centre de santé Beni Ansar",
        name_ar="المركز الصحي بني أنصار",
        type=Service.Type.MEDICAL,
        cost=Service.Cost.FREE,
        languages="ary fr",
        commune=territory.beni_ansar,
        address="Rue 12",
        how_to_access="Bus 3, arrêt du marché",
        opening_hours="Lundi à vendredi, 8 h – 16 h",
        phone="+212536601234",
        without_papers=Service.WithoutPapers.YES,
        latitude=Decimal("35.26"),
        longitude=Decimal("-2.93"),
    )


@pytest.fixture
def paid_health(territory):
    return ServiceFactory(
        name_fr="Clinique privée Beni Ansar",
        type=Service.Type.PSYCHOSOCIAL,
        cost=Service.Cost.PAID,
        languages="ary fr",
        commune=territory.beni_ansar,
    )


def _names(client, **params) -> list[str]:
    response = client.get(reverse("portal:services"), params)
    assert response.status_code == 200
    return [service.name_fr for service in response.context["page"].object_list]


def test_the_free_french_speaking_health_service_of_beni_ansar_is_found(
    client, territory, health, paid_health
):
    params = {"need": "health", "commune": territory.beni_ansar.pk, "language": "fr"}
    assert set(_names(client, **params)) == {health.name_fr, paid_health.name_fr}
    assert _names(client, **params, free="on") == [health.name_fr]


def test_need_filters_by_the_types_that_answer_it(client, health):
    legal = ServiceFactory(name_fr="Aide juridique", type=Service.Type.LEGAL)
    school = ServiceFactory(name_fr="École", type=Service.Type.EDUCATION)
    assert _names(client, need="health") == [health.name_fr]
    assert _names(client, need="legal") == [legal.name_fr]
    assert _names(client, need="school") == [school.name_fr]


def test_protection_includes_the_specialised_cells(client, health):
    police = ServiceFactory(name_fr="Commissariat", type=Service.Type.POLICE_JUSTICE)
    cell = ServiceFactory(
        name_fr="Cellule de l'hôpital",
        type=Service.Type.MEDICAL,
        is_specialised_cell=True,
        cell_kind=Service.CellKind.HOSPITAL,
    )
    assert set(_names(client, need="protection")) == {police.name_fr, cell.name_fr}


def test_commune_matches_the_address_or_the_communes_served(client, territory, health):
    serving = ServiceFactory(name_fr="Équipe mobile", commune=territory.nador)
    serving.communes_served.set([territory.beni_ansar])
    elsewhere = ServiceFactory(name_fr="À Selouane", commune=territory.selouane)
    names = _names(client, commune=territory.beni_ansar.pk)
    assert set(names) == {health.name_fr, serving.name_fr}
    assert elsewhere.name_fr not in names


def test_language_matches_a_whole_code(client, health):
    arabic = ServiceFactory(name_fr="En arabe", languages="ar")
    assert _names(client, language="ar") == [arabic.name_fr]
    assert _names(client, language="ary") == [health.name_fr]


def test_without_papers_keeps_only_those_that_said_yes(client, health):
    ServiceFactory(name_fr="Pas dit")
    ServiceFactory(name_fr="Non", without_papers=Service.WithoutPapers.NO)
    assert _names(client, without_papers="on") == [health.name_fr]


def test_inactive_services_are_hidden_from_the_list_and_their_page(client, health):
    hidden = ServiceFactory(name_fr="Fermé", is_active=False)
    assert _names(client) == [health.name_fr]
    url = reverse("portal:service_detail", kwargs={"uuid": hidden.uuid})
    assert client.get(url).status_code == 404


def test_an_invalid_filter_is_ignored(client, health):
    assert _names(client, need="spaceship", commune="abc") == [health.name_fr]


def test_a_result_shows_what_a_person_needs_to_go(client, health):
    response = client.get(reverse("portal:services"), {"need": "health"})
    html = response.content.decode()
    assert 'href="tel:+212536601234"' in html
    assert "Rue 12" in html
    assert "Bus 3, arrêt du marché" in html
    assert "Lundi à vendredi" in html
    assert '<li class="tag-yes">Can help without papers</li>' in html
    assert '<li class="tag-yes">Free</li>' in html
    assert "French" in html
    # What "near me" needs, and only that: the service's position, sorted in the browser.
    assert 'id="service-results"' in html
    assert 'data-lat="35.260000" data-lng="-2.930000"' in html
    assert 'id="near-me"' in html
    assert 'data-template="%s km"' in html


def test_a_service_without_its_own_point_takes_its_communes(client, territory):
    ServiceFactory(commune=territory.selouane)
    html = client.get(reverse("portal:services")).content.decode()
    assert 'data-lat="35.073000" data-lng="-2.940000"' in html


def test_detail_page(client, health):
    response = client.get(reverse("portal:service_detail", kwargs={"uuid": health.uuid}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Centre de santé Beni Ansar" in html
    assert 'href="tel:+212536601234"' in html


def test_spanish_readers_get_the_french_name(client, health):
    with translation.override("es"):
        url = reverse("portal:services")
    assert url.startswith("/es/portal/")
    response = client.get(url)
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()
    assert "Centre de santé Beni Ansar" in response.content.decode()


def test_arabic_readers_get_the_arabic_name(client, health):
    with translation.override("ar"):
        response = client.get(reverse("portal:services"))
    assert "المركز الصحي بني أنصار" in response.content.decode()


def test_the_list_costs_the_same_queries_for_more_services(
    client, django_assert_max_num_queries, territory
):
    ServiceFactory.create_batch(3, commune=territory.nador)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("portal:services"))
    ServiceFactory.create_batch(12, commune=territory.selouane)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:services"))
