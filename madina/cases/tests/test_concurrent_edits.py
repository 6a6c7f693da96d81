"""Two people editing the same case at once: the second is told, nothing is overwritten."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from madina.cases import services
from madina.cases.models import AccessEvent, Case, PersonIdentity, PlanItem
from madina.cases.tests.conftest import verify
from madina.core.concurrency import STALE, version_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.code, *args])


def _loaded_version(response) -> str:
    assert 'name="version"' in response.content.decode()
    return response.context["form"]["version"].value()


def test_second_assessment_saved_on_a_stale_page_is_refused(ccast):
    case = ccast.open_case()
    first, second = ccast.client_for("worker"), ccast.client_for("supervisor")
    version_first = _loaded_version(first.get(_url("assessment", case)))
    version_second = _loaded_version(second.get(_url("assessment", case)))
    assert version_first == version_second == version_of(case)

    response = first.post(
        _url("assessment", case),
        {"risk": "high", "needs": ["health"], "safety_plan": "Plan A", "version": version_first},
    )
    assert response.status_code == 302
    response = second.post(
        _url("assessment", case),
        {"risk": "low", "needs": ["legal"], "safety_plan": "Plan B", "version": version_second},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert str(STALE) in html
    assert "Plan B" in html  # the second editor's text is still there to copy
    case.refresh_from_db()
    assert (case.risk, case.needs, case.safety_plan) == ("high", ["health"], "Plan A")


def test_assessment_saved_after_a_reload_goes_through(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    client.post(
        _url("assessment", case),
        {"risk": "high", "version": _loaded_version(client.get(_url("assessment", case)))},
    )
    version = _loaded_version(client.get(_url("assessment", case)))
    response = client.post(_url("assessment", case), {"risk": "low", "version": version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk == "low"


def test_second_plan_line_edit_on_a_stale_page_is_refused(ccast):
    case = ccast.open_case()
    item = PlanItem.objects.create(case=case, need="health", due_on=TODAY)
    first, second = ccast.client_for("worker"), ccast.client_for("supervisor")
    version_first = _loaded_version(first.get(_url("plan_edit", case, item.pk)))
    version_second = _loaded_version(second.get(_url("plan_edit", case, item.pk)))
    data = {"need": "legal", "due_on": TODAY.isoformat(), "status": "planned"}

    response = first.post(
        _url("plan_edit", case, item.pk), {**data, "action": "First", "version": version_first}
    )
    assert response.status_code == 302
    response = second.post(
        _url("plan_edit", case, item.pk),
        {**data, "action": "Second", "status": "done", "version": version_second},
    )

    assert response.status_code == 200
    assert str(STALE) in response.content.decode()
    item.refresh_from_db()
    assert (item.action, item.status) == ("First", "planned")


def test_second_identity_correction_on_a_stale_page_is_refused(ccast):
    case = ccast.open_case()
    first, second = ccast.client_for("worker"), ccast.client_for("supervisor")
    version_first = _loaded_version(first.get(_url("identity_edit", case)))
    version_second = _loaded_version(second.get(_url("identity_edit", case)))

    response = first.post(
        _url("identity_edit", case), {"given_name": "Awa", "version": version_first}
    )
    assert response.status_code == 302
    response = second.post(
        _url("identity_edit", case), {"given_name": "Fatou", "version": version_second}
    )

    assert response.status_code == 200
    assert str(STALE) in response.content.decode()
    assert PersonIdentity.objects.get(person=case.person).data["given_name"] == "Awa"


def test_the_service_refuses_a_stale_version_and_writes_nothing(ccast):
    case = ccast.open_case()
    actor = verify(ccast.worker)
    loaded = version_of(case)
    services.assessment_save(actor=actor, case=case, risk="high", needs=[], version=loaded)
    writes = AccessEvent.objects.filter(case=case, action=AccessEvent.Action.WRITE).count()
    saved = Case.objects.get(pk=case.pk)

    with pytest.raises(ValidationError) as refused:
        services.assessment_save(
            actor=actor, case=Case.objects.get(pk=case.pk), risk="low", needs=[], version=loaded
        )

    assert refused.value.messages == [str(STALE)]
    assert Case.objects.get(pk=case.pk).risk == "high"
    assert version_of(Case.objects.get(pk=case.pk)) == version_of(saved)
    assert AccessEvent.objects.filter(case=case, action=AccessEvent.Action.WRITE).count() == writes
