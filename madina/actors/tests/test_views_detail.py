"""An organisation's page: public fields for everyone signed in, more for its own people."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("actors:organisation_detail", kwargs={"pk": organisation.pk})


@pytest.fixture
def organisation(cast, territory):
    organisation = cast.organisation
    organisation.phone = "0536606060"
    organisation.email = "contact@ars.example.org"
    organisation.iati_ref = "MA-RC-1234"
    organisation.commune = territory.nador
    organisation.save()
    organisation.sectors.add(SectorFactory(name_fr="Santé", name_ar="الصحة"))
    organisation.communes_covered.add(territory.nador, territory.beni_ansar)
    FocalPersonFactory(organisation=organisation, full_name="Public Person", is_public=True)
    FocalPersonFactory(organisation=organisation, full_name="Internal Person", is_public=False)
    return organisation


def test_any_signed_in_user_sees_the_public_fields(cast, organisation):
    response = cast.client_for("outsider").get(_url(organisation))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ("Association Rif Solidarité", "MA-RC-1234", "contact@ars.example.org"):
        assert expected in html
    assert "الصحة" in html
    assert "بني أنصار" in html


def test_anonymous_visitors_are_sent_to_sign_in(organisation):
    response = Client().get(_url(organisation))
    assert response.status_code == 302


def test_a_forged_id_is_404(cast):
    assert cast.client_for("coordinator").get("/ar/organisations/987654/").status_code == 404


def test_the_map_gets_its_data_as_json_and_a_static_script(cast, organisation):
    response = cast.client_for("member").get(_url(organisation))
    html = response.content.decode()
    assert 'id="communes-data"' in html
    assert "actors/map.js" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "vendor/leaflet/leaflet.css" in html
    points = {point["code"]: point for point in response.context["map_data"]}
    assert points["02.381.01.03"]["lat"] == pytest.approx(35.262)
    # No inline script: every <script> has a src, except the JSON data block.
    assert html.count("<script>") == 0
    assert " style=" not in html
    assert 'data-tile-url=""' in html


def test_a_page_without_communes_loads_no_map(cast):
    html = cast.client_for("member").get(_url(cast.other_organisation)).content.decode()
    assert "leaflet.js" not in html


@pytest.mark.parametrize(
    ("who", "sees_internal"),
    [("outsider", False), ("readonly", True), ("member", True), ("coordinator", True)],
)
def test_internal_focal_persons_only_for_its_people_and_coordinators(
    cast, organisation, who, sees_internal
):
    html = cast.client_for(who).get(_url(organisation)).content.decode()
    assert "Public Person" in html
    assert ("Internal Person" in html) is sees_internal


@pytest.mark.parametrize(
    ("who", "edit", "audit", "members"),
    [
        ("admin", True, True, True),
        ("coordinator", True, True, True),
        ("member", False, False, True),
        ("readonly", False, False, True),
        ("outsider", False, False, False),
    ],
)
def test_links_follow_the_permissions(cast, organisation, who, edit, audit, members):
    html = cast.client_for(who).get(_url(organisation)).content.decode()
    pk = organisation.pk
    assert (reverse("actors:organisation_update", kwargs={"pk": pk}) in html) is edit
    assert (reverse("actors:organisation_audit", kwargs={"pk": pk}) in html) is audit
    assert (reverse("accounts:member_list", kwargs={"org": pk}) in html) is members


def test_markup_in_a_name_is_shown_escaped(cast):
    evil = OrganisationFactory(name_fr="<script>alert(1)</script>", acronym="<i>X</i>")
    FocalPersonFactory(organisation=evil, full_name="<img src=x onerror=alert(1)>")
    html = cast.client_for("member").get(f"/fr/organisations/{evil.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>X</i>" not in html
    assert "<img src=x" not in html


def test_commune_names_reach_the_map_as_json_not_html(cast, territory):
    territory.nador.name_fr = "</script><script>alert(1)</script>"
    territory.nador.save()
    evil = OrganisationFactory()
    evil.communes_covered.add(territory.nador)
    html = cast.client_for("member").get(f"/fr/organisations/{evil.pk}/").content.decode()
    assert "</script><script>alert(1)" not in html
    marker = '<script id="communes-data" type="application/json">'
    start = html.index(marker) + len(marker)
    data = json.loads(html[start : html.index("</script>", start)])
    assert data[0]["name"] == "</script><script>alert(1)</script>"
