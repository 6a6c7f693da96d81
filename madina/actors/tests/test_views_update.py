"""Editing an organisation: its admins and the coordinators; others 403 or 404."""

import pytest
from django.urls import reverse

from madina.actors.models import Organisation
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("actors:organisation_update", kwargs={"pk": organisation.pk})


def _data(organisation, **changes):
    data = {
        "name_ar": organisation.name_ar,
        "name_fr": organisation.name_fr,
        "name_en": organisation.name_en,
        "acronym": organisation.acronym,
        "type": organisation.type,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_admin_and_coordinator_update_and_an_audit_event_is_written(cast, who):
    client = cast.client_for(who)
    assert client.get(_url(cast.organisation)).status_code == 200
    response = client.post(
        _url(cast.organisation), _data(cast.organisation, name_fr="ARS Nador", is_active="on")
    )
    assert response.status_code == 302
    cast.organisation.refresh_from_db()
    assert cast.organisation.name_fr == "ARS Nador"
    event = AuditEvent.objects.get(action="update")
    assert event.actor == getattr(cast, who)
    assert event.changes["name_fr"] == ["Association Rif Solidarité", "ARS Nador"]


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("readonly", 403), ("outsider", 404)])
def test_others_are_refused_and_nothing_changes(cast, who, status):
    client = cast.client_for(who)
    assert client.get(_url(cast.organisation)).status_code == status
    response = client.post(_url(cast.organisation), _data(cast.organisation, name_fr="Pirate"))
    assert response.status_code == status
    assert not Organisation.objects.filter(name_fr="Pirate").exists()
    assert not AuditEvent.objects.exists()


def test_a_forged_id_is_404(cast):
    assert cast.client_for("coordinator").get("/ar/organisations/987654/edit/").status_code == 404


def test_the_update_form_does_not_ask_for_twin_confirmation(cast):
    form = cast.client_for("admin").get(_url(cast.organisation)).context["form"]
    assert "confirm_twins" not in form.fields
    assert cast.organisation not in form.fields["parent"].queryset
