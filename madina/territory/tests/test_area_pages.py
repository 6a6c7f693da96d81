"""The public territory pages: list, search, detail and the place lookup."""

import pytest
from django.urls import reverse

from madina.actors.tests.factories import OrganisationFactory
from madina.territory.models import Area

BENI_ANSAR = "02.381.01.03"
NADOR = "02.381.01.05"


def list_url(lang="fr"):
    from django.utils import translation

    with translation.override(lang):
        return reverse("territory:area_list")


def detail_url(code, lang="fr"):
    from django.utils import translation

    with translation.override(lang):
        return reverse("territory:area_detail", kwargs={"code": code})


def test_the_list_shows_provinces_with_their_communes_to_anyone(client, oriental):
    response = client.get(list_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<details") == 8
    assert "Oujda-Angad" in html
    assert "Zeghanghane" in html
    assert "ازغنغان" in html
    assert detail_url(NADOR) in html


def test_the_list_needs_a_few_queries_whatever_the_number_of_communes(
    client, oriental, django_assert_max_num_queries
):
    # 133 areas on the page: one query per province or commune would be far above this.
    with django_assert_max_num_queries(6):
        client.get(list_url())


@pytest.mark.parametrize(
    "query", ["بني أنصار", "بني انصار", "Beni Ansar", "Bni Ansar", "BENI ANSAR", "بَنِي أَنْصَار"]
)
def test_the_search_box_finds_variants(client, oriental, query):
    response = client.get(list_url(), {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert detail_url(BENI_ANSAR) in html
    # Commune, its province, and both scripts.
    assert "Bni Ansar" in html
    assert "بني انصار" in html
    assert "<td>Nador</td>" in html


@pytest.mark.parametrize("query", ["Zeghanghane", "Zghanghane", "NADOR", "nador"])
def test_the_search_box_finds_latin_variants(client, oriental, query):
    html = client.get(list_url(), {"q": query}).content.decode()
    code = "02.381.01.09" if "gh" in query else NADOR
    assert detail_url(code) in html


def test_a_search_without_results_says_so(client, oriental):
    html = client.get(list_url(), {"q": "Tombouctou"}).content.decode()
    assert "0 lieu trouvé" in html
    assert "Aucun lieu ne correspond à cette recherche." in html
    assert detail_url(NADOR) not in html


def test_an_htmx_search_returns_only_the_results(client, oriental):
    response = client.get(list_url(), {"q": "Selouane"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert detail_url("02.381.01.19") in html


def test_the_page_is_translated_in_arabic(client, oriental):
    html = client.get(list_url("ar")).content.decode()
    assert 'dir="rtl"' in html
    assert "الأقاليم والعمالات" in html
    assert "Provinces and prefectures" not in html


def test_the_detail_shows_both_scripts_codes_parent_children_and_centroid(client, oriental):
    response = client.get(detail_url("02.381"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "الناضور" in html and "Nador" in html
    assert "02.381" in html
    assert "MA-NAD" in html
    assert detail_url("02") in html  # parent: the region
    assert detail_url(BENI_ANSAR) in html  # a child commune
    commune = client.get(detail_url(NADOR)).content.decode()
    assert "35.173436, -2.938571" in commune


def test_an_unknown_code_is_404(client, oriental):
    assert client.get(detail_url("99.999")).status_code == 404


def test_markup_in_a_name_is_shown_escaped(client, oriental):
    Area.objects.filter(code=NADOR).update(name_fr='<script>alert("x")</script>')
    area = Area.objects.get(code=NADOR)
    area.save()
    for url in (detail_url(NADOR), list_url() + "?q=alert", list_url()):
        html = client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_organisations_are_listed_for_signed_in_users_only(client, cast, oriental):
    nador = Area.objects.get(code=NADOR)
    based = OrganisationFactory(name_fr="Association Basée", commune=nador)
    covering = OrganisationFactory(name_fr="Association Active")
    covering.communes_covered.add(nador)
    elsewhere = OrganisationFactory(name_fr="Association Ailleurs")
    anonymous = client.get(detail_url(NADOR)).content.decode()
    assert "Association Basée" not in anonymous
    assert reverse("accounts:login") in anonymous
    html = cast.client_for("readonly").get(detail_url(NADOR)).content.decode()
    assert reverse("actors:organisation_detail", args=[based.pk]) in html
    assert reverse("actors:organisation_detail", args=[covering.pk]) in html
    assert elsewhere.name_fr not in html
    # The province page gathers the organisations of its communes.
    province = cast.client_for("member").get(detail_url("02.381")).content.decode()
    assert "Association Active" in province


def test_the_lookup_answers_json_for_forms(client, oriental):
    response = client.get(reverse("territory:area_lookup"), {"q": "bni ansar", "level": "commune"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["code"] == BENI_ANSAR
    assert results[0]["name_ar"] == "بني انصار"
    assert client.get(reverse("territory:area_lookup")).json() == {"results": []}
    assert client.get(reverse("territory:area_lookup"), {"q": "x", "level": "planet"}).json() == {
        "results": []
    }
