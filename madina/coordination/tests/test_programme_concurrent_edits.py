"""Two people editing the same action at once: the second is told, nothing is overwritten."""

import pytest
from django.core.exceptions import ValidationError

from madina.coordination import programme_services as services
from madina.coordination.models import ProgrammeItem
from madina.coordination.tests.factories import SpaceRoleFactory
from madina.core.concurrency import STALE, version_of
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _data(plan, **overrides):
    data = {
        "kind": "action",
        "parent": plan.objective.pk,
        "code": "1.1.1",
        "title": "Cartographier les services",
        "start_date": "2025-01-01",
        "due_date": "2025-06-30",
        "weight": 1,
    }
    return {**data, **overrides}


def _loaded_version(response) -> str:
    assert 'name="version"' in response.content.decode()
    return response.context["form"]["version"].value()


def test_the_second_save_of_a_stale_action_page_is_refused(cast, plan):
    SpaceRoleFactory(space=plan.space, user=cast.member, role="editor")
    first, second = cast.client_for("coordinator"), cast.client_for("member")
    url = f"/fr/spaces/items/{plan.action.pk}/edit/"
    version_first = _loaded_version(first.get(url))
    version_second = _loaded_version(second.get(url))

    response = first.post(url, _data(plan, title="Cartographier", version=version_first))
    assert response.status_code == 302
    response = second.post(
        f"/en/spaces/items/{plan.action.pk}/edit/",
        _data(plan, title="Recenser les services", due_date="2025-09-30", version=version_second),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert str(STALE) in html
    assert "Recenser les services" in html  # kept in the form, to copy
    action = ProgrammeItem.objects.get(pk=plan.action.pk)
    assert action.title == "Cartographier"
    assert str(action.due_date) == "2025-06-30"


def test_the_service_refuses_a_stale_version_and_writes_nothing(cast, plan):
    loaded = version_of(plan.action)
    services.item_update(
        actor=cast.coordinator, item=plan.action, data={"title": "A"}, version=loaded
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.item_update(
            actor=cast.coordinator, item=plan.action, data={"title": "B"}, version=loaded
        )
    assert refused.value.messages == [str(STALE)]
    assert ProgrammeItem.objects.get(pk=plan.action.pk).title == "A"
    assert AuditEvent.objects.count() == events
