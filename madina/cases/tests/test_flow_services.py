"""The case and referral lifecycle through the services, with who may do each step."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from madina.cases import selectors, services
from madina.cases.models import AccessEvent, Approval, Case, Incident, PlanItem, Referral
from madina.cases.tests.conftest import NAME, PHONE, verify

pytestmark = pytest.mark.django_db


def test_intake_to_closure_with_a_court_cell_referral(ccast, django_capture_on_commit_callbacks):
    case = ccast.open_case()
    worker, supervisor, receiver = (
        verify(u) for u in (ccast.worker, ccast.supervisor, ccast.receiver)
    )
    assert case.code.startswith("C-") and case.stage == Case.Stage.INTAKE
    assert list(case.workers.all()) == [ccast.worker]
    services.assessment_save(
        actor=worker,
        case=case,
        risk="high",
        needs=["legal", "health"],
        safety_plan="Stay with her sister",
        contact_channel="sms",
    )
    assert case.stage == Case.Stage.ASSESSMENT
    item = services.plan_item_save(
        actor=worker,
        case=case,
        need="legal",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        service=ccast.cell,
    )
    services.approval_request(actor=worker, case=case, kind=Approval.Kind.PLAN)
    case.refresh_from_db()
    assert case.stage == Case.Stage.CASE_PLAN
    approval = case.approvals.get()
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=worker, approval=approval, approve=True)
    services.approval_decide(actor=supervisor, approval=approval, approve=True)
    case.refresh_from_db()
    assert case.stage == Case.Stage.SERVICES

    referral = services.referral_create(
        actor=worker,
        case=case,
        service=ccast.cell,
        profile="court_cell",
        plan_item=item,
        message="Audience",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_send(actor=worker, referral=referral)
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    assert referral.packet["names"] == {"given_name": "Aminata", "family_name": "Diallo"}
    assert "safety_plan" not in referral.packet  # not in the court profile
    assert [m.to for m in mail.outbox] == [[ccast.receiver.email]]
    assert "Aminata" not in mail.outbox[0].body and PHONE not in mail.outbox[0].body

    # The receiver sees the packet, not the case.
    assert selectors.referral_for_receiver(receiver, referral.pk).pk == referral.pk
    with pytest.raises(Http404):
        selectors.case_get(receiver, case.code)
    services.referral_respond(actor=receiver, referral=referral, accept=True)
    services.referral_start(actor=receiver, referral=referral)
    services.referral_complete(actor=receiver, referral=referral, feedback="Complaint registered")
    referral.refresh_from_db()
    assert referral.state == Referral.State.DONE and referral.responded_at
    with pytest.raises(Http404):
        selectors.referral_for_receiver(receiver, referral.pk)
    assert PlanItem.objects.get(pk=item.pk).status == PlanItem.Status.DONE

    services.approval_request(actor=worker, case=case, kind=Approval.Kind.CLOSURE)
    services.approval_decide(
        actor=supervisor, approval=case.approvals.get(kind="closure"), approve=True
    )
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED and case.closed_at
    selectors.flush_refusals()  # what a case page does once it has answered
    actions = set(case.access_events.values_list("action", flat=True))
    assert {AccessEvent.Action.WRITE, AccessEvent.Action.READ, AccessEvent.Action.DENIED} <= actions


def test_no_consent_refuses_unless_a_supervisor_overrides(ccast):
    case = ccast.open_case(consents=("services",))
    worker, supervisor = verify(ccast.worker), verify(ccast.supervisor)
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    with pytest.raises(ValidationError):
        services.referral_send(actor=worker, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_send(actor=worker, referral=referral, override_reason="child at risk")
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.DRAFT
    services.referral_send(actor=supervisor, referral=referral, override_reason="child at risk")
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT and referral.overridden_by == ccast.supervisor


def test_withdrawing_consent_revokes_the_receivers_access(ccast):
    case = ccast.open_case()
    worker, receiver = verify(ccast.worker), verify(ccast.receiver)
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    services.referral_send(actor=worker, referral=referral)
    consent = case.consents.get(purpose="referral")
    services.consent_withdraw(actor=worker, consent=consent)
    referral.refresh_from_db()
    assert referral.state == Referral.State.REVOKED
    with pytest.raises(Http404):
        selectors.referral_for_receiver(receiver, referral.pk)


def test_expired_consent_closes_the_packet(ccast):
    case = ccast.open_case(consents=("services",))
    worker, receiver = verify(ccast.worker), verify(ccast.receiver)
    services.consent_record(
        actor=worker,
        case=case,
        purpose="referral",
        recipient_kind="court_cell",
        given_by="person",
        given_on=timezone.localdate() - dt.timedelta(days=10),
        expires_on=timezone.localdate(),
    )
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    services.referral_send(actor=worker, referral=referral)
    assert selectors.referral_for_receiver(receiver, referral.pk)
    consent = case.consents.get(purpose="referral")
    consent.expires_on = timezone.localdate() - dt.timedelta(days=1)
    consent.save()
    with pytest.raises(Http404):
        selectors.referral_for_receiver(receiver, referral.pk)


def test_rape_within_72_hours_puts_health_first(ccast):
    case = ccast.open_case()
    worker = verify(ccast.worker)
    services.plan_item_save(actor=worker, case=case, need="legal", due_on=timezone.localdate())
    services.incident_record(
        actor=worker,
        case=case,
        type=Incident.Type.RAPE,
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        commune=ccast.commune,
    )
    case.refresh_from_db()
    assert case.is_urgent and case.urgent_reason == services.URGENT_RAPE
    first = case.plan_items.first()
    assert first.need == "health" and first.is_urgent
    assert list(selectors.case_list(worker))[0] == case


def test_old_rape_is_not_urgent(ccast):
    case = ccast.open_case()
    services.incident_record(
        actor=verify(ccast.worker),
        case=case,
        type=Incident.Type.RAPE,
        occurred_on=timezone.localdate() - dt.timedelta(days=30),
    )
    case.refresh_from_db()
    assert not case.is_urgent and not case.plan_items.exists()


def test_no_second_factor_no_case(ccast):
    case = ccast.open_case()
    ccast.worker.is_verified = lambda: False
    with pytest.raises(Http404):
        selectors.case_get(ccast.worker, case.code)


def test_transfer_accepted_moves_the_case(ccast):
    case = ccast.open_case()
    worker, other = verify(ccast.worker), verify(ccast.other_supervisor)
    transfer = services.transfer_request(
        actor=worker, case=case, to_organisation=ccast.other, reason="She moved to Oujda"
    )
    services.transfer_answer(actor=other, transfer=transfer, accept=True)
    case.refresh_from_db()
    assert case.organisation == ccast.other and list(case.workers.all()) == [ccast.other_supervisor]
    with pytest.raises(Http404):
        selectors.case_get(worker, case.code)
    assert selectors.case_get(other, case.code) == case


def test_anonymise_keeps_statistics_only(ccast):
    case = ccast.open_case(consents=("services", "statistics"))
    worker = verify(ccast.worker)
    services.incident_record(
        actor=worker,
        case=case,
        type="physical_assault",
        occurred_on=timezone.localdate(),
        description=f"{NAME} was hit",
    )
    case.stage, case.closed_at = Case.Stage.CLOSED, timezone.now() - dt.timedelta(days=10_000)
    case.save()
    assert services.anonymise_due() == 1
    case.refresh_from_db()
    assert not hasattr(case.person, "identity") or case.person.identity is None
    assert case.incidents.get().description == "" and case.person.anonymised_at


def test_a_refusal_inside_a_transaction_is_still_logged(ccast, django_capture_on_commit_callbacks):
    """The send is refused (no consent) and its transaction rolled back; the log row stays."""
    case = ccast.open_case(consents=("services",))
    worker = verify(ccast.worker)
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    with pytest.raises(ValidationError):
        services.referral_send(actor=worker, referral=referral)
    assert selectors.flush_refusals() == 1
    event = case.access_events.get(action=AccessEvent.Action.DENIED)
    assert (event.part, event.detail, event.user) == (
        f"referral:{referral.pk}",
        "consent",
        ccast.worker,
    )
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.DRAFT
