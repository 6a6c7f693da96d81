"""The registry's list page: visible to every signed-in user, forgiving search, filters."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madina.actors.tests.factories import OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = reverse("actors:organisation_list")


def _names(response) -> set[str]:
    return {organisation.name_fr for organisation in response.context["page"].object_list}


def test_a_signed_in_user_sees_the_registry(cast):
    response = cast.client_for("outsider").get(URL)
    assert response.status_code == 200
    assert _names(response) == {"Association Rif Solidarité", "Association Oujda Accueil"}


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.fixture
def beni_ansar_org(cast):
    return OrganisationFactory(
        name_fr="Association Béni Ansar pour le développement",
        name_ar="جمعية بني أنصار للتنمية",
        acronym="ABAD",
    )


@pytest.mark.parametrize(
    "query",
    ["Beni Ansar", "Bni Ansar", "béni-ansar", "BENI ANSAR", "بني انصار", "بني أنصار", "abad"],
)
def test_search_forgives_spelling_and_script(cast, beni_ansar_org, query):
    response = cast.client_for("member").get(URL, {"q": query})
    assert _names(response) == {beni_ansar_org.name_fr}


def test_search_with_no_match_says_so(cast):
    response = cast.client_for("member").get("/en/organisations/", {"q": "Zeghanghane"})
    assert _names(response) == set()
    assert "No organisation matches" in response.content.decode()


def test_filters_by_type_sector_province_and_commune(cast, territory):
    health = SectorFactory()
    hospital = OrganisationFactory(
        name_fr="Hôpital Hassani",
        type="public_institution",
        institution_sector="health",
        commune=territory.nador,
    )
    hospital.sectors.add(health)
    oujda_org = OrganisationFactory(name_fr="Oujda Migrants")
    oujda_org.communes_covered.add(territory.oujda)
    selouane_org = OrganisationFactory(name_fr="Selouane Femmes")
    selouane_org.communes_covered.add(territory.selouane, territory.nador)
    client = cast.client_for("member")

    assert _names(client.get(URL, {"type": "public_institution"})) == {"Hôpital Hassani"}
    assert _names(client.get(URL, {"sector": health.pk})) == {"Hôpital Hassani"}
    assert _names(client.get(URL, {"province": territory.province.pk})) == {
        "Hôpital Hassani",
        "Selouane Femmes",
    }
    assert _names(client.get(URL, {"commune": territory.oujda.pk})) == {"Oujda Migrants"}
    assert _names(client.get(URL, {"commune": territory.nador.pk, "type": "cso"})) == {
        "Selouane Femmes"
    }


def test_an_invalid_filter_value_is_ignored_not_an_error(cast):
    response = cast.client_for("member").get(URL, {"sector": "999999", "type": "bogus"})
    assert response.status_code == 200
    assert len(_names(response)) == 2


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(cast, territory):
    client = cast.client_for("member")
    sectors = [SectorFactory(), SectorFactory()]

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory(commune=territory.nador)
            organisation.sectors.set(sectors)
            organisation.communes_covered.set([territory.nador, territory.selouane])

    add(1)
    few = _queries_for_list(client)  # 3 rows
    add(17)
    many = _queries_for_list(client)  # 20 rows: a full page
    assert many == few


def test_the_list_is_paginated(cast):
    for _ in range(25):
        OrganisationFactory()
    client = cast.client_for("member")
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 20
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 7


def test_markup_in_a_name_is_shown_escaped(cast):
    OrganisationFactory(name_fr="<script>alert(1)</script>", name_ar="<b>جمعية</b>")
    for language in ("fr", "ar"):
        html = cast.client_for("member").get(f"/{language}/organisations/").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<b>جمعية</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (
        cast.client_for("member").get("/fr/organisations/").content.decode()
    )
