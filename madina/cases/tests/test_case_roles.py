"""Giving a member a case role (the organisation's administrator), and the "Cases" menu item."""

import pytest
from django.urls import reverse
from django.utils import translation

from madina.accounts.models import Membership
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _change_url(ccast, user):
    membership = Membership.objects.get(user=user, organisation=ccast.association)
    return membership, reverse(
        "accounts:member_change", kwargs={"org": ccast.association.pk, "pk": membership.pk}
    )


def test_the_administrator_gives_and_removes_a_case_role(ccast):
    membership, url = _change_url(ccast, ccast.worker2)
    client = ccast.client_for("member")  # the association's administrator
    assert 'name="case_role"' in client.get(url).content.decode()
    response = client.post(
        url, {"action": "role", "role": "member", "case_role": "case_supervisor"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.case_role == "case_supervisor"
    event = AuditEvent.objects.filter(object_type="accounts.membership").latest("pk")
    assert event.changes == {"case_role": ["case_worker", "case_supervisor"]}
    members = client.get(reverse("accounts:member_list", kwargs={"org": ccast.association.pk}))
    assert "case supervisor" in members.content.decode()
    client.post(url, {"action": "role", "role": "member", "case_role": ""})
    membership.refresh_from_db()
    assert membership.case_role == ""


def test_a_form_without_the_field_leaves_the_case_role(ccast):
    membership, url = _change_url(ccast, ccast.worker2)
    ccast.client_for("member").post(url, {"action": "role", "role": "member"})
    membership.refresh_from_db()
    assert membership.case_role == "case_worker"


def test_an_invalid_case_role_is_refused(ccast):
    membership, url = _change_url(ccast, ccast.worker2)
    response = ccast.client_for("member").post(
        url, {"action": "role", "role": "member", "case_role": "god"}
    )
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.case_role == "case_worker"


@pytest.mark.parametrize("name", ["worker", "supervisor", "outsider"])
def test_only_the_administrator_sets_a_case_role(ccast, name):
    membership, url = _change_url(ccast, ccast.worker2)
    response = ccast.client_for(name).post(
        url, {"action": "role", "role": "member", "case_role": "case_supervisor"}
    )
    assert response.status_code in {403, 404}
    membership.refresh_from_db()
    assert membership.case_role == "case_worker"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("worker", True),
        ("supervisor", True),
        ("receiver", True),
        ("member", False),
        ("court_member", False),
        ("coordinator", False),
    ],
)
def test_the_menu_offers_cases_to_case_roles_and_focal_points(ccast, name, shown):
    html = ccast.client_for(name).get(reverse("core:home")).content.decode()
    assert (reverse("cases:inbox") in html) is shown


def test_the_menu_offers_cases_to_a_focal_point_without_a_case_role(ccast):
    Membership.objects.filter(user=ccast.receiver).update(case_role="")
    html = ccast.client_for("receiver").get(reverse("core:home")).content.decode()
    assert reverse("cases:inbox") in html
