"""Two people editing the same initiative at once: the second is told, nothing is overwritten."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from madina.core.concurrency import STALE, etag, version_of
from madina.core.models import AuditEvent
from madina.initiatives import services
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory
from madina.initiatives.tests.test_views_registry import _edit, _post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(cast, registry):
    return InitiativeFactory(
        title="Sensibilisation à Nador",
        lead_organisation=cast.organisation,
        communes=[registry.nador],
    )


def _loaded_version(response) -> str:
    assert 'name="version"' in response.content.decode()
    return response.context["form"]["version"].value()


def test_the_second_save_of_a_stale_edit_page_is_refused(cast, registry, own):
    first, second = cast.client_for("member"), cast.client_for("admin")
    version_first = _loaded_version(first.get(_edit(own)))
    version_second = _loaded_version(second.get(_edit(own)))

    response = first.post(
        _edit(own), _post_data(cast, registry, title="Titre de Fatima", version=version_first)
    )
    assert response.status_code == 302
    response = second.post(
        _edit(own), _post_data(cast, registry, title="Titre de Karim", version=version_second)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert str(STALE) in html
    assert "Titre de Karim" in html  # kept in the form, to copy
    own.refresh_from_db()
    assert own.title == "Titre de Fatima"


def test_the_service_refuses_a_stale_version_and_writes_nothing(cast, registry, own):
    loaded = version_of(own)
    services.initiative_update(
        actor=cast.member, initiative=own, data={"title": "A"}, version=loaded
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.initiative_update(
            actor=cast.admin, initiative=own, data={"title": "B"}, version=loaded
        )
    assert refused.value.messages == [str(STALE)]
    assert Initiative.objects.get(pk=own.pk).title == "A"
    assert AuditEvent.objects.count() == events


def test_the_api_answers_412_to_a_stale_if_match(cast, registry, own):
    client = APIClient()
    client.force_authenticate(cast.member)
    url = f"/api/initiatives/{own.pk}/"
    tag = client.get(url)["ETag"]
    assert tag == etag(own)

    changed = client.patch(url, {"title": "Premier"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    stale = client.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=tag)

    assert stale.status_code == 412
    assert Initiative.objects.get(pk=own.pk).title == "Premier"
    # Without If-Match the API behaves as before.
    assert client.patch(url, {"title": "Trois"}, format="json").status_code == 200
