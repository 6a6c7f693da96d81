"""Focal persons: the organisation's editors and the coordinators add, edit and remove them."""

import pytest
from django.urls import reverse

from madina.actors.models import FocalPerson
from madina.actors.tests.factories import FocalPersonFactory

pytestmark = pytest.mark.django_db


def _add(organisation):
    return reverse("actors:focal_person_create", kwargs={"pk": organisation.pk})


def _edit(person):
    return reverse(
        "actors:focal_person_update", kwargs={"pk": person.organisation_id, "focal_pk": person.pk}
    )


def _delete(person):
    return reverse(
        "actors:focal_person_delete", kwargs={"pk": person.organisation_id, "focal_pk": person.pk}
    )


@pytest.mark.parametrize("who", ["admin", "member", "coordinator"])
def test_editors_add_edit_and_remove(cast, who):
    client = cast.client_for(who)
    assert client.get(_add(cast.organisation)).status_code == 200
    response = client.post(
        _add(cast.organisation), {"full_name": "Nadia", "role": "orientation", "is_public": "on"}
    )
    assert response.status_code == 302
    person = FocalPerson.objects.get(full_name="Nadia")
    assert client.post(_edit(person), {"full_name": "Nadia B.", "role": "santé"}).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.is_public) == ("Nadia B.", False)
    assert client.get(_delete(person)).status_code == 200
    assert client.post(_delete(person)).status_code == 302
    assert not FocalPerson.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("readonly", 403), ("outsider", 404)])
def test_others_are_refused(cast, who, status):
    person = FocalPersonFactory(organisation=cast.organisation)
    client = cast.client_for(who)
    assert client.get(_add(cast.organisation)).status_code == status
    assert (
        client.post(_add(cast.organisation), {"full_name": "X", "role": "Y"}).status_code == status
    )
    assert client.post(_edit(person), {"full_name": "X", "role": "Y"}).status_code == status
    assert client.post(_delete(person)).status_code == status
    assert FocalPerson.objects.get() == person
    person.refresh_from_db()
    assert person.full_name != "X"


def test_a_focal_person_of_another_organisation_is_404(cast):
    foreign = FocalPersonFactory(organisation=cast.other_organisation)
    url = reverse(
        "actors:focal_person_update", kwargs={"pk": cast.organisation.pk, "focal_pk": foreign.pk}
    )
    assert cast.client_for("admin").get(url).status_code == 404
