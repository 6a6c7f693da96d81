"""Acceptance 2: every case and referral URL, tried by everyone who must not see the case.

The URL list is read from the URL configuration, so a new page is swept without editing this
file (a route whose parameters the sweep cannot fill fails the test). Each person tries GET and
POST; the case must answer 404 (or the second-factor redirect), nothing may change, and no
response may carry the person's name, phone or date of birth.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from madina.cases import services
from madina.cases.models import AccessEvent, Approval, Attachment, Case, Referral
from madina.cases.tests.conftest import BIRTH, NAME, PHONE, verify

pytestmark = pytest.mark.django_db

# Pages that are not about one case: they answer 200 to anyone signed in, showing only what
# is theirs (an empty inbox, no referral), or 404 when there is nothing for them (statistics).
GENERAL = {"inbox", "list", "new", "referrals", "statistics"}


def _case_routes() -> list[tuple[str, list[str]]]:
    resolver = get_resolver()
    _prefix, namespace_resolver = resolver.namespace_dict["cases"]
    routes = []
    for pattern in namespace_resolver.url_patterns:
        names = list(pattern.pattern.converters)
        routes.append((pattern.name, names))
    return routes


@pytest.fixture
def world(ccast, django_capture_on_commit_callbacks):
    """A case with one of everything, a referral open at the court cell, another case's ids."""
    worker, supervisor = verify(ccast.worker), verify(ccast.supervisor)
    case = ccast.open_case(consents=("services", "court_cell", "statistics"))
    services.assessment_save(actor=worker, case=case, risk="high", needs=["legal"])
    services.incident_record(
        actor=worker, case=case, type="physical_assault", occurred_on=timezone.localdate()
    )
    item = services.plan_item_save(
        actor=worker, case=case, need="legal", due_on=timezone.localdate()
    )
    services.follow_up_add(actor=worker, case=case, on=timezone.localdate(), kind="call")
    approval = services.approval_request(actor=worker, case=case, kind=Approval.Kind.PLAN)
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell", plan_item=item
    )
    services.referral_send(actor=worker, referral=referral)
    transfer = services.transfer_request(
        actor=worker, case=case, to_organisation=ccast.other, reason="moving"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.attachment_add(
        actor=worker,
        case=case,
        upload=SimpleUploadedFile("note.txt", b"a plain note", content_type="text/plain"),
    )
    return {
        "case": case,
        "referral": referral,
        "approval": approval,
        "transfer": transfer,
        "attachment": attachment,
        "consent": case.consents.first(),
        "plan_item": item,
        "supervisor": supervisor,
    }


def _kwargs(name: str, params: list[str], world) -> dict:
    case = world["case"]
    pk_for = {
        "consent_withdraw": world["consent"].pk,
        "plan_edit": world["plan_item"].pk,
        "approval": world["approval"].pk,
        "transfer_cancel": world["transfer"].pk,
        "transfer": world["transfer"].pk,
        "attachment": world["attachment"].pk,
        "attachment_delete": world["attachment"].pk,
    }
    kwargs = {}
    for param in params:
        if param == "code":
            kwargs["code"] = case.code
        elif param == "kind":
            kwargs["kind"] = "closure"
        elif param == "pk":
            kwargs["pk"] = pk_for.get(name, world["referral"].pk)
        else:  # pragma: no cover - a new kind of parameter: teach the sweep
            raise AssertionError(f"The sweep cannot fill <{param}> of cases:{name}")
    return kwargs


def _snapshot(world) -> tuple:
    case = Case.objects.get(pk=world["case"].pk)
    referral = Referral.objects.get(pk=world["referral"].pk)
    return (
        case.stage,
        case.updated_at,
        list(case.workers.values_list("pk", flat=True)),
        referral.state,
        referral.updated_at,
        case.consents.filter(withdrawn_at__isnull=False).count(),
        Attachment.objects.count(),
        case.plan_items.count(),
        case.transfers.filter(state="pending").count(),
    )


def _no_identity(response):
    body = response.content
    for secret in (NAME, PHONE, BIRTH, "Aminata", "Diallo"):
        assert secret.encode() not in body, (response.request["PATH_INFO"], secret)


INTRUDERS = ["outsider", "member", "court_member", "coordinator", "admin", "other_supervisor"]


@pytest.mark.parametrize("who", INTRUDERS)
def test_intruders_get_404_everywhere_and_change_nothing(ccast, world, who):
    client = ccast.client_for(who)
    before = _snapshot(world)
    denied_before = AccessEvent.objects.filter(action=AccessEvent.Action.DENIED).count()
    tried = 0
    for name, params in _case_routes():
        url = reverse(f"cases:{name}", kwargs=_kwargs(name, params, world))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            _no_identity(response)
            if name in GENERAL:
                assert response.status_code in {200, 302, 403, 404, 405}, (who, method, url)
                continue
            if name == "transfer" and who == "other_supervisor":
                # The organisation the case is offered to sees the offer (code and reason only).
                assert response.status_code in {200, 302}, (who, method, url)
                continue
            assert response.status_code == 404, (who, method, url, response.status_code)
            tried += 1
    assert tried > 40
    assert _snapshot(world) == before
    assert AccessEvent.objects.filter(action=AccessEvent.Action.DENIED).count() > denied_before


def test_statistics_only_for_coordinators_and_supervisors(ccast, world):
    url = reverse("cases:statistics")
    for who, expected in [
        ("coordinator", 200),
        ("supervisor", 200),
        ("worker", 404),
        ("outsider", 404),
        ("member", 404),
        ("receiver", 404),
    ]:
        response = ccast.client_for(who).get(url)
        assert response.status_code == expected, who
        _no_identity(response)


def test_without_a_second_factor_every_case_page_asks_for_it(ccast, world):
    client = ccast.client_for("worker", verified=False)
    for name, params in _case_routes():
        url = reverse(f"cases:{name}", kwargs=_kwargs(name, params, world))
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:otp_verify") in response["Location"], url


def test_receiver_sees_only_the_packet_and_only_while_open(ccast, world):
    referral = world["referral"]
    client = ccast.client_for("receiver")
    packet_url = reverse("cases:referral", args=[referral.pk])
    response = client.get(packet_url)
    assert response.status_code == 200
    assert b"Aminata" in response.content  # the court profile shares the names
    assert PHONE.encode() in response.content  # and the phone, to reach her
    # Nothing of the case itself.
    for name, params in _case_routes():
        if "code" in params:
            url = reverse(f"cases:{name}", kwargs=_kwargs(name, params, world))
            assert client.get(url).status_code == 404, url
    # After the referral is done, the packet is gone.
    receiver = verify(ccast.receiver)
    services.referral_respond(actor=receiver, referral=referral, accept=True)
    services.referral_complete(
        actor=receiver, referral=referral, feedback="Heard by the prosecutor"
    )
    response = client.get(packet_url)
    assert response.status_code == 404
    _no_identity(response)


def test_receiver_before_sending_and_after_revocation(ccast, world):
    worker = verify(ccast.worker)
    case = world["case"]
    draft = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    client = ccast.client_for("receiver")
    url = reverse("cases:referral", args=[draft.pk])
    assert client.get(url).status_code == 404
    services.referral_send(actor=worker, referral=draft)
    assert client.get(url).status_code == 200
    services.referral_revoke(actor=worker, referral=draft, reason="She asked us to stop")
    response = client.get(url)
    assert response.status_code == 404
    _no_identity(response)


def test_no_case_data_in_the_api_schema(ccast):
    """Case data has no API (decision 22): the OpenAPI schema names no case path."""
    response = ccast.client_for("admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = list(response.json()["paths"])
    assert len(paths) > 10
    assert not [path for path in paths if "case" in path or "referral" in path]


EVERYONE = [*INTRUDERS, "worker", "supervisor", "receiver", "court_member"]


@pytest.mark.parametrize("who", sorted(set(EVERYONE)))
def test_service_pages_and_hsds_api_show_no_case_and_change_nothing(ccast, world, who):
    """The directory is read by everyone signed in; only the service's organisation (and
    coordinators) may change it; nothing of a case is ever in it."""
    client = ccast.client_for(who)
    cell = ccast.cell
    before = (cell.name_fr, cell.accepts_referrals, cell.updated_at)
    for url in [
        reverse("directory:service_list"),
        reverse("directory:service_detail", args=[cell.pk]),
        "/api/hsds/",
        "/api/hsds/services",
        f"/api/hsds/services/{cell.uuid}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        _no_identity(response)
        assert world["case"].code.encode() not in response.content
    edit = reverse("directory:service_update", args=[cell.pk])
    # Coordinators, and the members of the court that runs the cell (directory rules).
    may_edit = who in {"coordinator", "admin", "receiver", "court_member"}
    for method in ("get", "post"):
        response = getattr(client, method)(edit, {"name_fr": "Changed"})
        if may_edit:
            assert response.status_code in {200, 302}, (who, method)
        else:
            assert response.status_code in {403, 404}, (who, method, response.status_code)
    cell.refresh_from_db()
    if not may_edit:
        assert (cell.name_fr, cell.accepts_referrals, cell.updated_at) == before
