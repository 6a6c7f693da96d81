"""Registering an organisation on the web, with the probable-twins confirmation step."""

import pytest
from django.test import Client
from django.urls import reverse

from madina.accounts.models import Membership
from madina.actors.models import Organisation
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("actors:organisation_create")
EN_URL = "/en/organisations/new/"


def test_a_coordinator_registers_an_organisation(cast, territory):
    client = cast.client_for("coordinator")
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        {
            "name_ar": "جمعية التضامن",
            "name_fr": "Association Tadamoun",
            "type": "cso",
            "communes_covered": [territory.nador.pk, territory.selouane.pk],
            "commune": territory.nador.pk,
            "phone": "0536 60 60 60",
            "email": "contact@tadamoun.example.org",
            "website": "https://tadamoun.example.org",
            "iati_ref": "MA-RC-42",
            "is_active": "on",
        },
    )
    organisation = Organisation.objects.get(name_fr="Association Tadamoun")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.phone.as_e164 == "+212536606060"
    assert set(organisation.communes_covered.all()) == {territory.nador, territory.selouane}
    assert AuditEvent.objects.filter(action="create", object_id=str(organisation.pk)).exists()


def test_the_communes_are_grouped_by_province(cast, territory):
    html = cast.client_for("coordinator").get("/fr" + URL[3:]).content.decode()
    assert '<optgroup label="Nador">' in html
    assert '<optgroup label="Oujda-Angad">' in html


@pytest.mark.parametrize(
    "data",
    [
        {"name_fr": "Asso. Rif Solidarite", "type": "cso"},  # same name, written differently
        {"name_fr": "Tout autre nom", "acronym": "ars", "type": "cso"},  # same acronym
    ],
)
def test_a_probable_twin_is_shown_and_nothing_saved_until_confirmed(cast, data):
    client = cast.client_for("coordinator")
    count = Organisation.objects.count()
    response = client.post(EN_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This organisation may already be registered" in html
    assert f"/organisations/{cast.organisation.pk}/" in html
    assert 'name="confirm_twins"' in html
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.exists()

    response = client.post(URL, {**data, "confirm_twins": "on"})
    assert response.status_code == 302
    assert Organisation.objects.count() == count + 1


def test_an_org_admin_registers_a_branch_and_becomes_its_admin(cast):
    client = cast.client_for("admin")
    form = client.get(URL).context["form"]
    assert list(form.fields["parent"].queryset) == [cast.organisation]
    assert "is_active" not in form.fields
    response = client.post(
        URL, {"name_fr": "Antenne Zaio", "type": "cso", "parent": cast.organisation.pk}
    )
    assert response.status_code == 302
    branch = Organisation.objects.get(name_fr="Antenne Zaio")
    assert Membership.objects.filter(
        user=cast.admin, organisation=branch, role="org_admin"
    ).exists()


def test_an_org_admin_may_not_file_a_branch_under_another_organisation(cast):
    response = cast.client_for("admin").post(
        URL, {"name_fr": "Antenne", "type": "cso", "parent": cast.other_organisation.pk}
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Organisation.objects.filter(name_fr="Antenne").exists()


@pytest.mark.parametrize("who", ["member", "readonly"])
def test_users_without_an_admin_role_get_403(cast, who):
    client = cast.client_for(who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name_fr": "X", "type": "cso"}).status_code == 403
    assert not Organisation.objects.filter(name_fr="X").exists()


def test_anonymous_visitors_are_sent_to_sign_in(db):
    assert Client().get(URL).status_code == 302


def test_a_name_is_required_in_at_least_one_language(cast):
    response = cast.client_for("coordinator").post(EN_URL, {"type": "cso"})
    assert response.status_code == 200
    assert response.context["form"].errors["name_ar"] == [
        "Give the name of the organisation in at least one language."
    ]


def test_a_public_institution_needs_its_sector(cast):
    response = cast.client_for("coordinator").post(
        URL, {"name_fr": "Délégation de la santé", "type": "public_institution"}
    )
    assert "institution_sector" in response.context["form"].errors


def test_errors_are_tied_to_their_field(cast):
    html = cast.client_for("coordinator").post(URL, {"type": "cso", "email": "x"}).content.decode()
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert " style=" not in html
    assert "<script>" not in html
