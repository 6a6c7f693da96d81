"""The case worker's and supervisor's pages: who gets them, what they show, what they change."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from madina.cases.models import (
    AccessEvent,
    Approval,
    Attachment,
    Case,
    Consent,
    FollowUp,
    Incident,
    Person,
    PlanItem,
    Transfer,
)
from madina.cases.tests.conftest import NAME, PHONE, verify

pytestmark = pytest.mark.django_db

GIVEN, FAMILY = NAME.split()
TODAY = timezone.localdate()
OWNERS = ("worker", "supervisor")
NOT_OWNERS = ("outsider", "member", "coordinator", "admin", "receiver", "other_supervisor")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    """Pages in English, so that assertions read the developers' texts."""
    with translation.override("en"):
        yield


def _url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.code, *args])


def _events(case, action):
    return AccessEvent.objects.filter(case=case, action=action).count()


# -- who may come in --------------------------------------------------------------------------


def _case_pages(case):
    """GET pages of a case, by URL name and arguments."""
    consent = case.consents.first()
    item = PlanItem.objects.create(case=case, need="health", due_on=TODAY)
    approval = Approval.objects.create(case=case, kind="plan", requested_by=case.workers.first())
    return [
        _url("detail", case),
        _url("identity_edit", case),
        _url("assessment", case),
        _url("consent_new", case),
        _url("consent_withdraw", case, consent.pk),
        _url("incident_new", case),
        _url("plan_new", case),
        _url("plan_edit", case, item.pk),
        _url("follow_up_new", case),
        _url("approval_request", case, "closure"),
        _url("approval", case, approval.pk),
        _url("reopen", case),
        _url("workers", case),
        _url("transfer_new", case),
        _url("attachment_new", case),
        _url("access_log", case),
        _url("delete", case),
    ]


@pytest.mark.parametrize("name", NOT_OWNERS)
def test_people_off_the_case_get_404_everywhere_and_are_logged(ccast, name):
    case = ccast.open_case()
    pages = _case_pages(case)
    client = ccast.client_for(name)
    writes = _events(case, AccessEvent.Action.WRITE)
    for url in pages:
        denied = _events(case, AccessEvent.Action.DENIED)
        assert client.get(url).status_code == 404, url
        assert _events(case, AccessEvent.Action.DENIED) == denied + 1, url
    for url in (_url("identity", case), _url("export", case), _url("delete", case)):
        assert client.post(url, {"confirm": case.code}).status_code == 404, url
    assert client.post(_url("assessment", case), {"risk": "high"}).status_code == 404
    assert _events(case, AccessEvent.Action.WRITE) == writes
    assert not _events(case, AccessEvent.Action.REVEAL)
    assert Case.objects.filter(pk=case.pk, risk="").exists()


@pytest.mark.parametrize("name", OWNERS)
def test_the_worker_and_the_supervisor_get_every_page(ccast, name):
    case = ccast.open_case()
    case.workers.add(ccast.supervisor)
    client = ccast.client_for(name)
    for url in _case_pages(case):
        response = client.get(url)
        if name == "worker" and (url.endswith("/workers/") or url.endswith("/delete/")):
            assert response.status_code == 403, url
        elif name == "worker" and "/approvals/" in url and "/request/" not in url:
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url
            assert "no-store" in response["Cache-Control"], url


def test_an_unverified_session_is_sent_to_the_second_factor(ccast):
    case = ccast.open_case()
    verify(ccast.worker)  # the worker has a device
    client = ccast.client_for("worker", verified=False)
    for url in (reverse("cases:inbox"), reverse("cases:list"), _url("detail", case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = client.post(_url("identity", case))
    assert response.status_code == 302
    assert not _events(case, AccessEvent.Action.REVEAL)


def test_anonymous_is_sent_to_sign_in(ccast, client):
    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


# -- inbox and list ---------------------------------------------------------------------------


def test_inbox_shows_codes_and_urgency_never_names(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    client.post(
        _url("incident_new", case),
        {"type": "rape", "occurred_on": TODAY.isoformat(), "reported_on": TODAY.isoformat()},
    )
    html = client.get(reverse("cases:inbox")).content.decode()
    assert case.code in html
    assert "health referral first" in html
    assert GIVEN not in html and FAMILY not in html and PHONE not in html
    assert reverse("cases:new") in html


def test_inbox_lists_approvals_and_transfers_for_supervisors(ccast):
    case = ccast.open_case()
    Approval.objects.create(case=case, kind="closure", requested_by=ccast.worker)
    other_case = ccast.open_case()
    Transfer.objects.create(
        case=other_case,
        from_organisation=ccast.association,
        to_organisation=ccast.other,
        requested_by=ccast.worker,
    )
    html = ccast.client_for("supervisor").get(reverse("cases:inbox")).content.decode()
    assert reverse("cases:approval", args=[case.code, case.approvals.get().pk]) in html
    html = ccast.client_for("other_supervisor").get(reverse("cases:inbox")).content.decode()
    assert reverse("cases:transfer", args=[other_case.transfers.get().pk]) in html
    assert NAME not in html


def test_inbox_explains_when_there_is_no_case_role(ccast):
    response = ccast.client_for("court_member").get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert "no role in case management" in response.content.decode()
    assert "Open a case" not in response.content.decode()


def test_inbox_of_a_receiver_shows_no_case(ccast):
    ccast.open_case()
    response = ccast.client_for("receiver").get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert "No referral is waiting" in response.content.decode()
    assert "C-" not in response.content.decode().split("<main", 1)[1]


def test_case_list_shows_codes_and_filters(ccast):
    case = ccast.open_case()
    other = ccast.open_case(by="worker2")
    client = ccast.client_for("supervisor")
    html = client.get(reverse("cases:list")).content.decode()
    assert case.code in html and other.code in html
    assert NAME not in html and GIVEN not in html and PHONE not in html
    assert "Nadia Case" in html  # staff names are shown
    html = client.get(reverse("cases:list"), {"q": case.code[-4:]}).content.decode()
    assert case.code in html and other.code not in html
    html = ccast.client_for("worker").get(reverse("cases:list")).content.decode()
    assert case.code in html and other.code not in html
    html = client.get(reverse("cases:list"), {"urgent": "on"}).content.decode()
    assert case.code not in html


def test_case_list_is_empty_for_people_without_a_case_role(ccast):
    case = ccast.open_case()
    html = ccast.client_for("coordinator").get(reverse("cases:list")).content.decode()
    assert case.code not in html


# -- intake -----------------------------------------------------------------------------------


def test_intake_opens_a_case_and_asks_for_consent(ccast):
    client = ccast.client_for("worker")
    page = client.get(reverse("cases:new"))
    assert page.status_code == 200
    assert 'type="hidden" name="organisation"' in page.content.decode()
    response = client.post(
        reverse("cases:new"),
        {
            "organisation": ccast.association.pk,
            "sex": "female",
            "given_name": GIVEN,
            "family_name": FAMILY,
            "phone": "0612345678",
            "birth_date": "2012-03-01",
            "birth_date_is_estimate": "on",
            "nationality": "GN",
            "age_band": "unknown",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", case) + "#consents"
    assert NAME not in response["Location"]
    assert case.person.age_band == "12-17"
    data = case.person.identity.data
    assert data["phone"] == PHONE and data["birth_date_is_estimate"] is True
    assert list(case.workers.all()) == [ccast.worker]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "consent" in html and case.code in html
    assert GIVEN not in html and FAMILY not in html and PHONE not in html


def test_intake_without_a_name_is_refused(ccast):
    client = ccast.client_for("worker")
    response = client.post(
        reverse("cases:new"), {"organisation": ccast.association.pk, "sex": "female"}
    )
    assert response.status_code == 200
    assert "Give at least a first name" in response.content.decode()
    assert not Case.objects.exists() and not Person.objects.exists()


def test_intake_is_refused_without_a_case_role(ccast):
    for name in ("member", "receiver", "coordinator"):
        client = ccast.client_for(name)
        assert client.get(reverse("cases:new")).status_code == 403
        client.post(reverse("cases:new"), {"sex": "female", "given_name": "X"})
    assert not Case.objects.exists()


# -- the case and its identity ----------------------------------------------------------------


def test_detail_hides_the_identity_and_the_reveal_shows_it_logged(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    html = client.get(_url("detail", case)).content.decode()
    assert case.code in html
    assert GIVEN not in html and FAMILY not in html and PHONE not in html and "1999" not in html
    assert client.get(_url("identity", case)).status_code == 405
    assert not _events(case, AccessEvent.Action.REVEAL)
    response = client.post(_url("identity", case))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert GIVEN in html and FAMILY in html and PHONE in html
    assert "Guinea" in html
    assert _events(case, AccessEvent.Action.REVEAL) == 1
    assert GIVEN not in html.split("<title>")[1].split("</title>")[0]


def test_urgent_case_shows_an_alert(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    client.post(
        _url("incident_new", case),
        {
            "type": "rape",
            "contexts": ["migration_route"],
            "occurred_on": TODAY.isoformat(),
            "reported_on": TODAY.isoformat(),
            "commune": ccast.commune.pk,
            "description": "At the border",
        },
    )
    incident = Incident.objects.get(case=case)
    assert incident.commune == ccast.commune and incident.contexts == ["migration_route"]
    html = client.get(_url("detail", case)).content.decode()
    assert 'role="alert"' in html and "health referral first" in html
    assert "during the migration journey" in html and "At the border" in html
    assert PlanItem.objects.filter(case=case, need="health", is_urgent=True).exists()


def test_identity_edit_corrects_and_logs(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    page = client.get(_url("identity_edit", case))
    assert GIVEN in page.content.decode()
    assert _events(case, AccessEvent.Action.REVEAL) == 1
    response = client.post(
        _url("identity_edit", case), {"given_name": "Awa", "birth_date": "2015-01-01"}
    )
    assert response.status_code == 302
    case.person.refresh_from_db()
    assert case.person.identity.data == {"given_name": "Awa", "birth_date": "2015-01-01"}
    assert case.person.age_band == "0-11"
    assert case.access_events.filter(action="write", part="identity").exists()


# -- sub-forms --------------------------------------------------------------------------------


def test_assessment_saves_needs_and_moves_the_stage(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    response = client.post(
        _url("assessment", case),
        {
            "risk": "high",
            "needs": ["legal", "health"],
            "safety_plan": "Stay with her sister",
            "contact_channel": "sms",
            "contact_notes": "After 18:00",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.ASSESSMENT and case.needs == ["legal", "health"]
    html = client.get(_url("detail", case)).content.decode()
    assert "legal aid and justice" in html and "Stay with her sister" in html
    response = client.post(_url("assessment", case), {"risk": "extreme"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.risk == "high"


def test_consent_is_recorded_and_validated(ccast):
    case = ccast.open_case(consents=())
    client = ccast.client_for("worker")
    response = client.post(
        _url("consent_new", case),
        {"purpose": "referral", "given_by": "person", "given_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "Say to which kind of service" in response.content.decode()
    assert not case.consents.exists()
    response = client.post(
        _url("consent_new", case),
        {
            "purpose": "referral",
            "recipient_kind": "health",
            "given_by": "person",
            "given_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert case.consents.get().recipient_kind == "health"


def test_consent_withdraw_and_a_forged_consent(ccast):
    case = ccast.open_case()
    other = ccast.open_case()
    foreign = other.consents.first()
    client = ccast.client_for("worker")
    assert client.post(_url("consent_withdraw", case, foreign.pk)).status_code == 404
    assert Consent.objects.get(pk=foreign.pk).withdrawn_at is None
    consent = case.consents.get(purpose="services")
    assert client.get(_url("consent_withdraw", case, consent.pk)).status_code == 200
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    response = client.post(_url("consent_withdraw", case, consent.pk))
    assert response.status_code == 302
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    assert "withdrawn" in client.get(_url("detail", case)).content.decode()


def test_plan_lines_are_added_edited_and_overdue_is_shown(ccast):
    case = ccast.open_case()
    other = ccast.open_case()
    client = ccast.client_for("worker")
    response = client.post(
        _url("plan_new", case),
        {
            "need": "legal",
            "service": ccast.cell.pk,
            "action": "Complaint",
            "due_on": (TODAY - dt.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = case.plan_items.get()
    assert item.service == ccast.cell and item.action == "Complaint"
    html = client.get(_url("detail", case)).content.decode()
    assert "overdue" in html and "legal aid and justice" in html
    assert "overdue" in client.get(reverse("cases:inbox")).content.decode().lower()
    response = client.post(
        _url("plan_edit", case, item.pk),
        {"need": "legal", "due_on": TODAY.isoformat(), "status": "done"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.done_on == TODAY and item.service is None
    foreign = PlanItem.objects.create(case=other, need="health", due_on=TODAY)
    response = client.post(
        _url("plan_edit", case, foreign.pk),
        {"need": "legal", "due_on": TODAY.isoformat(), "status": "done"},
    )
    assert response.status_code == 404
    assert PlanItem.objects.get(pk=foreign.pk).status == "planned"


def test_follow_up_is_recorded(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    response = client.post(
        _url("follow_up_new", case),
        {"on": TODAY.isoformat(), "kind": "call", "notes": "Feels safer"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(case=case).by == ccast.worker
    response = client.post(
        _url("follow_up_new", case),
        {"on": (TODAY + dt.timedelta(days=3)).isoformat(), "kind": "call"},
    )
    assert response.status_code == 200 and FollowUp.objects.count() == 1


# -- approvals, reopening, workers ------------------------------------------------------------


def test_plan_approval_request_and_decision(ccast):
    case = ccast.open_case()
    worker = ccast.client_for("worker")
    response = worker.post(_url("approval_request", case, "plan"), {"note": "Please"})
    assert response.status_code == 200
    assert "Add at least one line" in response.content.decode()
    assert not case.approvals.exists()
    worker.post(_url("assessment", case), {"risk": "low", "needs": ["health"]})
    worker.post(_url("plan_new", case), {"need": "health", "due_on": TODAY.isoformat()})
    assert worker.post(_url("approval_request", case, "plan"), {}).status_code == 302
    approval = case.approvals.get()
    assert worker.get(_url("approval", case, approval.pk)).status_code == 403
    assert (
        worker.post(_url("approval", case, approval.pk), {"decision": "approve"}).status_code == 403
    )
    supervisor = ccast.client_for("supervisor")
    page = supervisor.get(_url("approval", case, approval.pk)).content.decode()
    assert "health care" in page
    response = supervisor.post(_url("approval", case, approval.pk), {"decision": "reject"})
    assert response.status_code == 200 and "Say why it is sent back" in response.content.decode()
    response = supervisor.post(_url("approval", case, approval.pk), {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.SERVICES
    assert "approved" in worker.get(_url("detail", case)).content.decode()
    assert (
        worker.get(reverse("cases:approval_request", args=[case.code, "other"])).status_code == 404
    )


def test_closure_then_reopen(ccast):
    case = ccast.open_case()
    worker, supervisor = ccast.client_for("worker"), ccast.client_for("supervisor")
    worker.post(_url("approval_request", case, "closure"), {})
    approval = case.approvals.get(kind="closure")
    page = supervisor.get(_url("approval", case, approval.pk)).content.decode()
    assert "0 referrals of this case are still open" in page
    supervisor.post(_url("approval", case, approval.pk), {"decision": "approve"})
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED
    html = worker.get(_url("detail", case)).content.decode()
    assert _url("reopen", case) in html and _url("plan_new", case) not in html
    assert worker.post(_url("reopen", case), {"reason": ""}).status_code == 200
    assert worker.post(_url("reopen", case), {"reason": "She came back"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.SERVICES


def test_supervisor_reassigns_workers(ccast):
    case = ccast.open_case()
    supervisor = ccast.client_for("supervisor")
    response = supervisor.post(_url("workers", case), {"workers": [ccast.worker2.pk]})
    assert response.status_code == 302
    assert list(case.workers.all()) == [ccast.worker2]
    # the first worker is off the case now
    assert ccast.client_for("worker").get(_url("detail", case)).status_code == 404
    response = supervisor.post(_url("workers", case), {"workers": [ccast.receiver.pk]})
    assert response.status_code == 200
    assert list(case.workers.all()) == [ccast.worker2]


# -- transfers --------------------------------------------------------------------------------


def test_transfer_offered_cancelled_then_accepted(ccast):
    case = ccast.open_case()
    worker = ccast.client_for("worker")
    response = worker.post(
        _url("transfer_new", case), {"to_organisation": ccast.other.pk, "reason": "She moved"}
    )
    assert response.status_code == 302
    transfer = case.transfers.get()
    assert worker.post(_url("transfer_cancel", case, transfer.pk)).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.CANCELLED
    worker.post(
        _url("transfer_new", case), {"to_organisation": ccast.other.pk, "reason": "She moved"}
    )
    transfer = case.transfers.get(state="pending")
    url = reverse("cases:transfer", args=[transfer.pk])
    for name in ("worker", "supervisor", "outsider", "receiver"):
        assert ccast.client_for(name).get(url).status_code == 404, name
        assert ccast.client_for(name).post(url, {"answer": "accept"}).status_code == 404
    other = ccast.client_for("other_supervisor")
    page = other.get(url).content.decode()
    assert case.code in page and "She moved" in page and NAME not in page
    response = other.post(url, {"answer": "decline"})
    assert response.status_code == 200 and "Say why you decline" in response.content.decode()
    response = other.post(url, {"answer": "accept"})
    assert response["Location"] == _url("detail", case)
    case.refresh_from_db()
    assert case.organisation == ccast.other
    assert worker.get(_url("detail", case)).status_code == 404
    assert other.get(_url("detail", case)).status_code == 200


def test_transfer_of_another_case_cannot_be_cancelled_here(ccast):
    case = ccast.open_case()
    other_case = ccast.open_case()
    transfer = Transfer.objects.create(
        case=other_case,
        from_organisation=ccast.association,
        to_organisation=ccast.other,
        requested_by=ccast.worker,
    )
    response = ccast.client_for("worker").post(_url("transfer_cancel", case, transfer.pk))
    assert response.status_code == 404
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.PENDING


# -- attachments ------------------------------------------------------------------------------


def test_attachment_round_trip_encrypted(
    ccast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    case = ccast.open_case()
    client = ccast.client_for("worker")
    upload = SimpleUploadedFile("certificat médical.pdf", PDF, content_type="application/pdf")
    response = client.post(_url("attachment_new", case), {"file": upload, "title": "Certificate"})
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.name == "certificat médical.pdf"
    stored = (tmp_path / attachment.file.name).read_bytes()
    assert PDF not in stored and b"%PDF" not in stored
    download = client.get(_url("attachment", case, attachment.pk))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''certificat%20m%C3%A9dical.pdf" in download["Content-Disposition"]
    assert case.access_events.filter(action="export", part=f"attachment:{attachment.pk}").exists()
    assert (
        ccast.client_for("outsider").get(_url("attachment", case, attachment.pk)).status_code == 404
    )
    other = ccast.open_case()
    assert client.get(_url("attachment", other, attachment.pk)).status_code == 404
    assert client.get(_url("attachment_delete", case, attachment.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("attachment_delete", case, attachment.pk))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not list(tmp_path.rglob("*.bin"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"<html><body><script>alert(1)</script></body></html>", "x.pdf"),
        (
            "scan.pdf",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "scan.pdf",
        ),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "larger than"),
    ],
)
def test_disguised_or_oversized_attachment_is_refused(
    ccast, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    case = ccast.open_case()
    client = ccast.client_for("worker")
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(_url("attachment_new", case), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "invalid-feedback" in html
    assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    # Refused and logged against the case.
    assert case.access_events.filter(action="denied", part="attachment", detail="upload").exists()


# -- access log, export, deletion -------------------------------------------------------------


def test_access_log_lists_who_did_what(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    client.post(_url("identity", case))
    html = client.get(_url("access_log", case)).content.decode()
    assert "revealed identity" in html and "Nadia Case" in html
    assert GIVEN not in html


def test_export_is_a_logged_json_download(ccast):
    case = ccast.open_case()
    client = ccast.client_for("worker")
    assert client.get(_url("export", case)).status_code == 405
    response = client.post(_url("export", case))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{case.code}.json"'
    data = json.loads(response.content)
    assert data["case"] == case.code and data["identity"]["phone"] == PHONE
    assert case.access_events.filter(action="export", part="person_export").exists()


def test_only_a_supervisor_deletes_and_must_type_the_code(ccast):
    case = ccast.open_case()
    assert (
        ccast.client_for("worker").post(_url("delete", case), {"confirm": case.code}).status_code
        == 403
    )
    supervisor = ccast.client_for("supervisor")
    response = supervisor.post(_url("delete", case), {"confirm": "C-AAAA-AAAA"})
    assert response.status_code == 200 and "not the code" in response.content.decode()
    assert Case.objects.filter(pk=case.pk).exists()
    response = supervisor.post(_url("delete", case), {"confirm": case.code.lower()})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists() and not Person.objects.exists()


def test_detail_shows_actions_by_role(ccast):
    case = ccast.open_case()
    worker_html = ccast.client_for("worker").get(_url("detail", case)).content.decode()
    supervisor_html = ccast.client_for("supervisor").get(_url("detail", case)).content.decode()
    for html in (worker_html, supervisor_html):
        assert _url("export", case) in html and _url("referral_new", case) in html
    assert _url("delete", case) not in worker_html and _url("workers", case) not in worker_html
    assert _url("delete", case) in supervisor_html and _url("workers", case) in supervisor_html
