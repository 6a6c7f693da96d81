"""The admin site: platform administrators browse and edit the registry; edits are audited."""

import pytest
from django.test import Client

from madina.accounts.tests.factories import UserFactory
from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory, SectorFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(settings):
    settings.MADINA_2FA_REQUIRED_ROLES = []
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["organisation", "sector", "focalperson"])
def test_changelists_and_forms_open(admin_client, model):
    organisation = OrganisationFactory()
    objects = {
        "organisation": organisation,
        "sector": SectorFactory(),
        "focalperson": FocalPersonFactory(organisation=organisation),
    }
    assert admin_client.get(f"/fr/admin/actors/{model}/").status_code == 200
    assert admin_client.get(f"/fr/admin/actors/{model}/?q=a").status_code == 200
    pk = objects[model].pk
    assert admin_client.get(f"/fr/admin/actors/{model}/{pk}/change/").status_code == 200


def test_an_admin_edit_is_audited(admin_client):
    sector = SectorFactory(code="S1", name_fr="Santé", name_ar="الصحة")
    response = admin_client.post(
        f"/fr/admin/actors/sector/{sector.pk}/change/",
        {"code": "S1", "kind": "sectoral", "name_ar": "الصحة", "name_fr": "Santé publique"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="actors.sector")
    assert event.changes["name_fr"] == ["Santé", "Santé publique"]
