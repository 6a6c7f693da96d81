"""Directory pages: works, rules (404 / 403), filters, bad input, both languages."""

import pytest
from django.urls import reverse

from madina.actors.tests.factories import FocalPersonFactory
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"directory:{name}", args=args)[3:]


@pytest.fixture
def service(cast, territory):
    person = FocalPersonFactory(organisation=cast.organisation, full_name="Samira Haddou")
    service = ServiceFactory(
        organisation=cast.organisation,
        name_fr="Écoute et orientation",
        name_ar="الاستماع والتوجيه",
        accepts_referrals=True,
        referral_focal_point=person,
        commune=territory.nador,
    )
    service.communes_served.set([territory.nador, territory.beni_ansar])
    return service


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("who", ["admin", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_sees_the_list_and_the_detail(cast, service, who, language):
    client = cast.client_for(who)
    listing = client.get(_url("service_list", language=language))
    assert listing.status_code == 200
    assert service.name in listing.content.decode() or service.name_ar in listing.content.decode()
    detail = client.get(_url("service_detail", service.pk, language=language))
    assert detail.status_code == 200
    assert 'id="services-data"' in detail.content.decode()


def test_anonymous_is_sent_to_sign_in(client, service):
    response = client.get(_url("service_list"))
    assert response.status_code == 302


def test_inactive_services_are_hidden_from_other_organisations(cast, service):
    Service.objects.filter(pk=service.pk).update(is_active=False)
    assert cast.client_for("outsider").get(_url("service_detail", service.pk)).status_code == 404
    assert cast.client_for("readonly").get(_url("service_detail", service.pk)).status_code == 200
    listing = cast.client_for("outsider").get(_url("service_list"))
    assert "Écoute et orientation" not in listing.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("readonly", 403), ("outsider", 403)],
)
def test_edit_page_rules(cast, service, who, status):
    assert cast.client_for(who).get(_url("service_update", service.pk)).status_code == status


def test_an_unknown_id_is_404(cast):
    assert cast.client_for("admin").get(_url("service_detail", 999999)).status_code == 404
    assert cast.client_for("admin").get(_url("service_update", 999999)).status_code == 404


def test_read_only_cannot_open_the_create_page(cast):
    assert cast.client_for("readonly").get(_url("service_create")).status_code == 403


def test_create_through_the_form(cast, territory):
    person = FocalPersonFactory(organisation=cast.organisation)
    response = cast.client_for("member").post(
        _url("service_create"),
        {
            "organisation": cast.organisation.pk,
            "name_fr": "Aide juridique",
            "type": "legal",
            "cost": "free",
            "languages": ["fr", "ary"],
            "communes_served": [territory.nador.pk],
            "accepts_referrals": "on",
            "referral_focal_point": person.pk,
            "is_active": "on",
        },
    )
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/services/{service.pk}/")
    assert service.languages == "ary fr"
    assert list(service.communes_served.all()) == [territory.nador]


def test_create_for_an_organisation_not_mine_is_refused(cast):
    response = cast.client_for("member").post(
        _url("service_create"),
        {"organisation": cast.other_organisation.pk, "name_fr": "X", "type": "legal"},
    )
    assert response.status_code == 200
    assert not Service.objects.exists()


def test_form_refuses_a_focal_point_of_another_organisation(cast, service):
    stranger = FocalPersonFactory(organisation=cast.other_organisation)
    response = cast.client_for("admin").post(
        _url("service_update", service.pk),
        {
            "name_fr": "Écoute et orientation",
            "type": "psychosocial",
            "cost": "free",
            "accepts_referrals": "on",
            "referral_focal_point": stranger.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    service.refresh_from_db()
    assert service.referral_focal_point.organisation == cast.organisation


def test_markup_is_escaped(cast, territory):
    ServiceFactory(
        organisation=cast.organisation,
        name_fr="<script>alert(1)</script>",
        commune=territory.nador,
    )
    response = cast.client_for("outsider").get(_url("service_list"))
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_filters(cast, service, territory):
    ServiceFactory(
        organisation=cast.other_organisation,
        name_fr="Cellule du tribunal",
        type="police_justice",
        is_specialised_cell=True,
        cell_kind="court",
        cost="paid",
        languages="es",
    ).communes_served.set([territory.oujda])
    client = cast.client_for("outsider")

    def names(**params):
        response = client.get(_url("service_list"), params)
        return {s.name_fr for s in response.context["page"].object_list}

    both = {"Écoute et orientation", "Cellule du tribunal"}
    assert names() == both
    assert names(q="ecoute") == {"Écoute et orientation"}
    assert names(q="الاستماع") == {"Écoute et orientation"}
    assert names(q="ARS") == {"Écoute et orientation"}
    assert names(type="police_justice") == {"Cellule du tribunal"}
    assert names(commune=territory.beni_ansar.pk) == {"Écoute et orientation"}
    assert names(language="es") == {"Cellule du tribunal"}
    assert names(language="ar") == {"Écoute et orientation"}
    assert names(free="on") == {"Écoute et orientation"}
    assert names(accepts_referrals="on") == {"Écoute et orientation"}
    assert names(cells_only="on") == {"Cellule du tribunal"}
    assert names(type="nonsense") == both


def test_list_queries_do_not_grow_with_rows(cast, territory, django_assert_max_num_queries):
    for _ in range(12):
        ServiceFactory(organisation=cast.organisation, commune=territory.nador).communes_served.set(
            [territory.nador]
        )
    client = cast.client_for("outsider")
    client.get(_url("service_list"))
    with django_assert_max_num_queries(14):
        client.get(_url("service_list"))


def test_private_focal_point_is_shown_only_to_its_organisation(cast, service):
    service.referral_focal_point.is_public = False
    service.referral_focal_point.save()
    url = _url("service_detail", service.pk)
    assert "Samira Haddou" in cast.client_for("readonly").get(url).content.decode()
    assert "Samira Haddou" not in cast.client_for("outsider").get(url).content.decode()
