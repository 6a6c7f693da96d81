"""The referral pages: who sees which side, what the receiver sees, and each action."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from madina.cases import services
from madina.cases.models import AccessEvent, Incident, PlanItem, Referral
from madina.cases.tests.conftest import NAME, PHONE, verify
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SAFETY = "Sleeps at her cousin's in Selouane"
DESCRIPTION = "Beaten at the border fence"


def _case(ccast, consents=("services", "court_cell")):
    case = ccast.open_case(consents=consents)
    worker = verify(ccast.worker)
    services.assessment_save(
        actor=worker,
        case=case,
        risk="high",
        needs=["legal", "shelter"],
        safety_plan=SAFETY,
        contact_channel="sms",
    )
    services.incident_record(
        actor=worker,
        case=case,
        type=Incident.Type.PHYSICAL_ASSAULT,
        occurred_on=timezone.localdate() - dt.timedelta(days=20),
        commune=ccast.commune,
        description=DESCRIPTION,
    )
    return case


def _draft(ccast, case=None, *, service=None, profile="court_cell", sections=None):
    case = case or _case(ccast)
    return services.referral_create(
        actor=verify(ccast.worker),
        case=case,
        service=service or ccast.cell,
        profile=profile,
        sections=sections,
        message="Hearing on Monday",
    )


def _sent(ccast, case=None, **kwargs):
    referral = _draft(ccast, case, **kwargs)
    services.referral_send(actor=verify(ccast.worker), referral=referral)
    referral.refresh_from_db()
    return referral


def _url(name, referral):
    return reverse(f"cases:{name}", args=[referral.pk])


def _text(response) -> str:
    return response.content.decode()


# -- new referral ---------------------------------------------------------------------------


def test_new_referral_in_two_steps_creates_a_draft(ccast):
    case = _case(ccast)
    client = ccast.client_for("worker")
    url = reverse("cases:referral_new", args=[case.code])

    step1 = client.get(url)
    assert step1.status_code == 200
    assert ccast.cell.name in _text(step1) and ccast.shelter.name in _text(step1)
    assert ccast.no_referrals.name not in _text(step1)
    assert step1["Cache-Control"].startswith("no-store")
    filtered = client.get(url, {"type": Service.Type.SHELTER})
    assert ccast.shelter.name in _text(filtered) and ccast.cell.name not in _text(filtered)

    step2 = client.get(url, {"service": ccast.cell.pk})
    page = _text(step2)
    assert step2.status_code == 200
    assert "date of birth" in page and "incidents: what happened" in page
    assert "Valid consent" in page
    assert NAME not in page and PHONE not in page

    response = client.post(
        f"{url}?service={ccast.cell.pk}",
        {
            "profile": "court_cell",
            "sections_court_cell": ["names", "age", "incidents", "message"],
            "message": "Hearing on Monday",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.state == Referral.State.DRAFT and referral.created_by == ccast.worker
    assert referral.packet == {"sections": ["names", "age", "incidents", "message"]}
    assert referral.message == "Hearing on Monday"


def test_the_consent_to_withhold_is_shown_to_the_sender(ccast):
    case = _case(ccast, consents=("services",))
    services.consent_record(
        actor=verify(ccast.worker),
        case=case,
        purpose="referral",
        recipient_kind="court_cell",
        given_by="person",
        given_on=timezone.localdate(),
        withhold="Do not mention her husband",
    )
    page = _text(
        ccast.client_for("worker").get(
            reverse("cases:referral_new", args=[case.code]), {"service": ccast.cell.pk}
        )
    )
    assert "Do not mention her husband" in page


def test_a_plan_line_is_preselected_and_another_cases_line_is_refused(ccast):
    case, other = _case(ccast), _case(ccast)
    worker = verify(ccast.worker)
    item = services.plan_item_save(
        actor=worker, case=case, need="legal", due_on=timezone.localdate()
    )
    foreign = services.plan_item_save(
        actor=worker, case=other, need="legal", due_on=timezone.localdate()
    )
    client = ccast.client_for("worker")
    url = reverse("cases:referral_new", args=[case.code])
    page = client.get(url, {"service": ccast.cell.pk, "plan_item": item.pk})
    assert f'<option value="{item.pk}" selected>' in _text(page)
    assert client.get(url, {"plan_item": foreign.pk}).status_code == 404
    response = client.post(
        f"{url}?service={ccast.cell.pk}",
        {"profile": "court_cell", "plan_item": foreign.pk, "sections_court_cell": ["names"]},
    )
    assert response.status_code == 200 and not Referral.objects.exists()
    client.post(
        f"{url}?service={ccast.cell.pk}&plan_item={item.pk}",
        {"profile": "court_cell", "plan_item": item.pk, "sections_court_cell": ["names"]},
    )
    assert Referral.objects.get().plan_item == item


def test_a_service_that_does_not_accept_referrals_is_refused(ccast):
    case = _case(ccast)
    client = ccast.client_for("worker")
    url = reverse("cases:referral_new", args=[case.code])
    page = client.get(url, {"service": ccast.no_referrals.pk})
    assert "This service does not accept referrals through the platform." in _text(page)
    response = client.post(
        f"{url}?service={ccast.no_referrals.pk}",
        {"profile": "legal_aid", "sections_legal_aid": ["names"]},
    )
    assert response.status_code == 200
    assert "This service does not accept referrals through the platform." in _text(response)
    assert not Referral.objects.exists()
    assert case.access_events.filter(action="denied", part="referral", detail="service").exists()


def test_a_profile_that_does_not_fit_the_service_is_refused(ccast):
    case = _case(ccast)
    url = reverse("cases:referral_new", args=[case.code])
    response = ccast.client_for("worker").post(
        f"{url}?service={ccast.cell.pk}", {"profile": "shelter", "sections_shelter": ["names"]}
    )
    assert response.status_code == 200 and not Referral.objects.exists()


def test_new_referral_is_for_the_cases_workers_only(ccast):
    case = _case(ccast)
    url = reverse("cases:referral_new", args=[case.code])
    for name in ("worker2", "member", "receiver", "outsider", "coordinator", "admin"):
        assert ccast.client_for(name).get(url).status_code == 404, name
    assert ccast.client_for("supervisor").get(url).status_code == 200


# -- detail, both sides ---------------------------------------------------------------------


def test_the_owner_sees_the_referral_and_the_receiver_only_the_packet(ccast):
    referral = _sent(ccast)
    case = referral.case
    owner = _text(ccast.client_for("worker").get(_url("referral", referral)))
    assert case.code in owner and ccast.cell.name in owner
    assert "Hearing on Monday" in owner

    with translation.override("en"):
        response = ccast.client_for("receiver").get(_url("referral", referral))
        sender = ccast.association.name
    page = _text(response)
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    assert "Aminata" in page and "Diallo" in page
    assert DESCRIPTION in page  # the court profile shares what happened
    assert "Guinea" in page and PHONE in page
    assert sender in page
    assert SAFETY not in page  # not in the court profile
    assert case.get_absolute_url() not in page
    assert AccessEvent.objects.filter(
        case=case, user=ccast.receiver, action=AccessEvent.Action.READ, part=f"packet:{referral.pk}"
    ).exists()


def test_a_profile_with_fewer_sections_shows_no_more(ccast):
    case = _case(ccast, consents=("services", "shelter"))
    referral = _sent(
        ccast,
        case,
        service=ccast.shelter,
        profile="shelter",
        sections=["names", "age", "contact", "needs", "message"],
    )
    assert "safety_plan" not in referral.packet and "incidents" not in referral.packet
    page = _text(ccast.client_for("other_supervisor").get(_url("referral", referral)))
    assert "Aminata" in page
    for hidden in (SAFETY, DESCRIPTION, "Guinea", "physical assault", "1999"):
        assert hidden not in page, hidden
    assert ccast.client_for("outsider").get(_url("referral", referral)).status_code == 404


def test_the_receiver_sees_nothing_before_sending_nor_after_the_end(ccast):
    draft = _draft(ccast)
    receiver = ccast.client_for("receiver")
    assert receiver.get(_url("referral", draft)).status_code == 404

    for end in ("done", "declined", "revoked"):
        referral = _sent(ccast)
        assert receiver.get(_url("referral", referral)).status_code == 200
        if end == "done":
            services.referral_respond(actor=verify(ccast.receiver), referral=referral, accept=True)
            services.referral_complete(
                actor=verify(ccast.receiver), referral=referral, feedback="ok"
            )
        elif end == "declined":
            services.referral_respond(
                actor=verify(ccast.receiver), referral=referral, accept=False, reason="full"
            )
        else:
            services.referral_revoke(actor=verify(ccast.worker), referral=referral, reason="moved")
        assert receiver.get(_url("referral", referral)).status_code == 404, end


def test_nobody_else_sees_a_referral(ccast):
    referral = _sent(ccast)
    for name in (
        "worker2",
        "member",
        "court_member",
        "outsider",
        "other_supervisor",
        "coordinator",
        "admin",
    ):
        assert ccast.client_for(name).get(_url("referral", referral)).status_code == 404, name
    assert ccast.client_for("supervisor").get(_url("referral", referral)).status_code == 200


def test_a_session_without_second_factor_is_sent_to_verify(ccast):
    referral = _sent(ccast)
    for name in ("referral", "referral_slip"):
        response = ccast.client_for("worker", verified=False).get(_url(name, referral))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = ccast.client_for("worker", verified=False).get(reverse("cases:referrals"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_forged_number_is_404_and_logged(ccast):
    referral = _sent(ccast)
    client = ccast.client_for("other_supervisor")
    assert client.get(_url("referral", referral)).status_code == 404
    assert client.post(_url("referral_revoke", referral), {"reason": "x"}).status_code == 404
    assert (
        AccessEvent.objects.filter(
            case=referral.case, user=ccast.other_supervisor, action=AccessEvent.Action.DENIED
        ).count()
        >= 2
    )
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.SENT


# -- the sender's actions -------------------------------------------------------------------


def test_sending_with_consent(ccast):
    referral = _draft(ccast)
    response = ccast.client_for("worker").post(_url("referral_send", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT and referral.packet["names"]["given_name"]


def test_sending_without_consent_needs_a_supervisors_reason(ccast):
    referral = _draft(ccast, _case(ccast, consents=("services",)))
    worker, supervisor = ccast.client_for("worker"), ccast.client_for("supervisor")

    page = worker.get(_url("referral", referral))
    assert "has not given valid consent" in _text(page)
    assert 'name="override_reason"' not in _text(page)
    refused = worker.post(_url("referral_send", referral))
    assert "has not given valid consent" in _text(refused)
    forced = worker.post(_url("referral_send", referral), {"override_reason": "child at risk"})
    assert "Only a case supervisor may refer without consent." in _text(forced)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.DRAFT
    # Both refusals are in the case's access log, though their transactions rolled back.
    refused_details = set(
        referral.case.access_events.filter(action="denied").values_list("detail", flat=True)
    )
    assert {"consent", "override"} <= refused_details

    assert 'name="override_reason"' in _text(supervisor.get(_url("referral", referral)))
    response = supervisor.post(
        _url("referral_send", referral), {"override_reason": "child at risk"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT and referral.overridden_by == ccast.supervisor
    assert "child at risk" in _text(supervisor.get(_url("referral", referral)))
    assert "child at risk" not in _text(worker.get(_url("referral", referral)))


def test_revoking_needs_a_reason_and_ends_the_receivers_access(ccast):
    referral = _sent(ccast)
    client = ccast.client_for("worker")
    assert client.post(_url("referral_revoke", referral), {"reason": ""}).status_code == 200
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.SENT
    assert (
        client.post(_url("referral_revoke", referral), {"reason": "She moved"}).status_code == 302
    )
    referral.refresh_from_db()
    assert referral.state == Referral.State.REVOKED and referral.revoke_reason == "She moved"
    assert ccast.client_for("receiver").get(_url("referral", referral)).status_code == 404


def test_a_service_off_the_platform_gets_a_slip_and_a_hand_over(ccast):
    clinic = ServiceFactory(
        organisation=ccast.other, type=Service.Type.MEDICAL, accepts_referrals=True
    )
    # Nobody at the clinic's organisation holds a case role: the slip is the only way.
    ccast.other_supervisor.memberships.update(case_role="")
    case = _case(ccast, consents=("services", "health"))
    referral = _sent(ccast, case, service=clinic, profile="health")
    client = ccast.client_for("worker")
    page = _text(client.get(_url("referral", referral)))
    assert _url("referral_slip", referral) in page
    response = client.post(_url("referral_handover", referral), {"note": "Given to the nurse"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.handed_over_at and referral.handover_note == "Given to the nurse"
    # The court cell answers on the platform: no slip offered.
    court = _sent(ccast)
    assert _url("referral_slip", court) not in _text(client.get(_url("referral", court)))


def test_the_owner_may_not_answer_and_the_receiver_may_not_revoke(ccast):
    referral = _sent(ccast)
    assert (
        ccast.client_for("worker")
        .post(_url("referral_respond", referral), {"decision": "accept"})
        .status_code
        == 404
    )
    assert (
        ccast.client_for("receiver")
        .post(_url("referral_revoke", referral), {"reason": "x"})
        .status_code
        == 404
    )
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.SENT


# -- the receiver's actions -----------------------------------------------------------------


def test_the_receiver_accepts_starts_and_completes_with_feedback(ccast):
    case = _case(ccast)
    item = services.plan_item_save(
        actor=verify(ccast.worker), case=case, need="legal", due_on=timezone.localdate()
    )
    referral = services.referral_create(
        actor=verify(ccast.worker),
        case=case,
        service=ccast.cell,
        profile="court_cell",
        plan_item=item,
    )
    services.referral_send(actor=verify(ccast.worker), referral=referral)
    client = ccast.client_for("receiver")
    assert (
        client.post(_url("referral_respond", referral), {"decision": "accept"}).status_code == 302
    )
    assert client.post(_url("referral_start", referral)).status_code == 302
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.IN_PROGRESS
    empty = client.post(_url("referral_complete", referral), {"feedback": " "})
    assert empty.status_code == 200 and Referral.objects.get(pk=referral.pk).state == "in_progress"
    done = client.post(_url("referral_complete", referral), {"feedback": "Complaint filed"})
    assert done.status_code == 302 and done["Location"] == reverse("cases:referrals")
    referral.refresh_from_db()
    assert referral.state == Referral.State.DONE and referral.feedback == "Complaint filed"
    assert PlanItem.objects.get(pk=item.pk).status == PlanItem.Status.DONE
    assert client.get(_url("referral", referral)).status_code == 404
    owner = _text(ccast.client_for("worker").get(_url("referral", referral)))
    assert "Complaint filed" in owner and "Answered in" in owner


def test_declining_needs_a_reason(ccast):
    referral = _sent(ccast)
    client = ccast.client_for("receiver")
    response = client.post(_url("referral_respond", referral), {"decision": "decline"})
    assert response.status_code == 200 and "Say why you decline." in _text(response)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.SENT
    response = client.post(
        _url("referral_respond", referral), {"decision": "decline", "reason": "No judge this week"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED
    assert "No judge this week" in _text(ccast.client_for("worker").get(_url("referral", referral)))


def test_actions_need_post(ccast):
    referral = _sent(ccast)
    assert ccast.client_for("receiver").get(_url("referral_start", referral)).status_code == 405


# -- lists ----------------------------------------------------------------------------------


def test_the_lists_show_numbers_never_names(ccast):
    referral = _sent(ccast)
    received = ccast.client_for("receiver").get(reverse("cases:referrals"))
    page = _text(received)
    assert received.status_code == 200
    assert _url("referral", referral) in page and ccast.association.name in page
    assert referral.case.code not in page and "Aminata" not in page

    sent = _text(ccast.client_for("worker").get(reverse("cases:referrals"), {"show": "sent"}))
    assert _url("referral", referral) in sent and referral.case.code in sent
    assert "Aminata" not in sent
    assert "How fast the services answer" in sent

    filtered = ccast.client_for("worker").get(
        reverse("cases:referrals"), {"show": "sent", "state": "done"}
    )
    assert _url("referral", referral) not in _text(filtered)
    outsider = _text(ccast.client_for("outsider").get(reverse("cases:referrals")))
    assert _url("referral", referral) not in outsider


# -- the slip -------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_slip_is_a_logged_pdf_of_the_packet(ccast, language):
    referral = _sent(ccast)
    with translation.override(language):
        response = ccast.client_for("worker").get(_url("referral_slip", referral))
        service_name = ccast.cell.name
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("no-store")
    assert f'filename="referral-{referral.pk}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert len(pypdfium2.PdfDocument(response.content)) == 1
    assert referral.case.code in text and service_name in text
    assert "Aminata" in text and SAFETY not in text
    assert AccessEvent.objects.filter(
        case=referral.case, action=AccessEvent.Action.EXPORT, part=f"slip:{referral.pk}"
    ).exists()


def test_the_slip_is_for_the_sender_of_an_open_referral_only(ccast):
    referral = _sent(ccast)
    for name in ("receiver", "outsider", "coordinator"):
        assert ccast.client_for(name).get(_url("referral_slip", referral)).status_code == 404
    draft = _draft(ccast)
    assert ccast.client_for("worker").get(_url("referral_slip", draft)).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_the_lists_do_not_query_per_row(ccast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = _case(ccast)
    _sent(ccast, case)
    clients = {who: ccast.client_for(who) for who in ("worker", "receiver")}
    counts = []
    for _round in range(2):
        for who, show in (("worker", "sent"), ("receiver", "received")):
            with CaptureQueriesContext(connection) as queries:
                clients[who].get(reverse("cases:referrals"), {"show": show})
            counts.append(len(queries))
        for _ in range(3):
            _sent(ccast, case)
    assert counts[:2] == counts[2:]


def test_an_expired_consent_refuses_the_send_and_is_logged(ccast):
    case = _case(ccast, consents=("services",))
    worker = verify(ccast.worker)
    today = timezone.localdate()
    services.consent_record(
        actor=worker,
        case=case,
        purpose="referral",
        recipient_kind="court_cell",
        given_by="person",
        given_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=35),
    )
    referral = _draft(ccast, case)
    response = ccast.client_for("worker").post(_url("referral_send", referral))
    assert "has not given valid consent" in _text(response)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.DRAFT
    assert case.access_events.filter(action="denied", detail="consent").exists()


def test_typed_text_keeps_its_own_direction_on_the_slip():
    from madina.cases.views.referrals import _isolate

    assert _isolate("Dépôt de plainte.") == "\u200eDépôt de plainte.\u200e"
    assert _isolate("« شكاية ».") == "\u200f« شكاية ».\u200f"
    assert _isolate("12/05") == "12/05" and _isolate("") == ""
