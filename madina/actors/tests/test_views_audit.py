"""The audit trail of an organisation: its admins and the coordinators only."""

import pytest
from django.urls import reverse

from madina.actors import services
from madina.actors.tests.factories import SectorFactory

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("actors:organisation_audit", kwargs={"pk": organisation.pk})


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("coordinator", 200), ("member", 403), ("readonly", 403), ("outsider", 404)],
)
def test_who_may_read_the_trail(cast, who, status):
    assert cast.client_for(who).get(_url(cast.organisation)).status_code == status


def test_a_forged_id_is_404(cast):
    assert (
        cast.client_for("coordinator").get("/ar/organisations/987654/history/").status_code == 404
    )


def test_the_trail_shows_who_when_and_before_after_in_words(cast):
    cast.admin.full_name = "Amina Admin"
    cast.admin.save()
    sector = SectorFactory(name_fr="Santé")
    services.organisation_update(
        actor=cast.admin,
        organisation=cast.organisation,
        data={"name_fr": "ARS Nador", "sectors": [sector], "type": "migrant_led"},
    )
    services.focal_person_create(
        actor=cast.admin,
        organisation=cast.organisation,
        data={"full_name": "Karim", "role": "santé"},
    )
    html = cast.client_for("coordinator").get("/fr" + _url(cast.organisation)[3:]).content.decode()
    assert "Amina Admin" in html
    assert "Association Rif Solidarité" in html
    assert "ARS Nador" in html
    assert "Santé" in html  # the sector by name, not by id
    assert "Karim" in html  # the focal person's history is part of the organisation's
    assert "<time datetime=" in html
