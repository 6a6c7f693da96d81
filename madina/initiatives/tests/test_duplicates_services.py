"""Decisions on drafts and reviews of pairs: stored, audited, refused without writing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.core.models import AuditEvent
from madina.initiatives.duplicates_services import (
    draft_decision_record,
    draft_decisions_attach,
    overlap_review,
)
from madina.initiatives.models import DraftDecision, Initiative, OverlapCandidate
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

REASONS = [{"code": "title", "similarity": 0.9}]


def record(cast, user="member", **overrides):
    arguments = {
        "actor": getattr(cast, user),
        "candidate": InitiativeFactory(lead_organisation=cast.other_organisation),
        "draft_title": "قافلة طبية بالناظور",
        "organisation": cast.organisation,
        "decision": DraftDecision.Decision.COMPLEMENTARY,
        "score": 0.82,
        "reasons": REASONS,
        "note": "Nous avons appelé l'autre association.",
    }
    arguments.update(overrides)
    return draft_decision_record(**arguments)


def test_a_member_records_a_decision_for_their_organisation(cast):
    decision = record(cast)
    decision.refresh_from_db()
    assert decision.decided_by == cast.member
    assert decision.organisation == cast.organisation
    assert decision.decision == "complementary"
    assert decision.reasons == REASONS
    assert decision.created_initiative is None
    event = AuditEvent.objects.get(object_type="initiatives.draftdecision")
    assert event.action == "create"
    assert event.organisation_id == cast.organisation.pk


@pytest.mark.parametrize("user", ["readonly", "outsider"])
def test_others_may_not_decide_in_the_organisation_s_name(cast, user):
    candidate = InitiativeFactory(lead_organisation=cast.other_organisation)
    with pytest.raises(PermissionDenied):
        record(cast, user=user, candidate=candidate)
    assert DraftDecision.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="initiatives.draftdecision").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("decision", "maybe"), ("draft_title", "  "), ("score", 1.5), ("note", "x" * 2001)],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, field, value):
    candidate = InitiativeFactory()
    with pytest.raises(ValidationError):
        record(cast, candidate=candidate, **{field: value})
    assert DraftDecision.objects.count() == 0


def test_a_cancelled_candidate_is_refused(cast):
    candidate = InitiativeFactory(status=Initiative.Status.CANCELLED)
    with pytest.raises(ValidationError):
        record(cast, candidate=candidate)
    assert DraftDecision.objects.count() == 0


def test_a_coordinator_may_decide_for_any_organisation(cast):
    assert record(cast, user="coordinator").organisation == cast.organisation


def test_decisions_are_attached_to_the_initiative_created_after_them(cast):
    mine = record(cast)
    someone_elses = record(cast, user="admin")
    created = InitiativeFactory(lead_organisation=cast.organisation)

    linked = draft_decisions_attach(
        actor=cast.member, initiative=created, decision_ids=[str(mine.pk), someone_elses.pk, "x"]
    )

    assert linked == 1
    mine.refresh_from_db()
    someone_elses.refresh_from_db()
    assert mine.created_initiative == created
    assert someone_elses.created_initiative is None
    # Attached once: a second call links nothing.
    again = draft_decisions_attach(actor=cast.member, initiative=created, decision_ids=[mine.pk])
    assert again == 0


def test_attaching_to_an_initiative_one_may_not_change_is_refused(cast):
    mine = record(cast)
    foreign = InitiativeFactory(lead_organisation=cast.other_organisation)
    with pytest.raises(PermissionDenied):
        draft_decisions_attach(actor=cast.member, initiative=foreign, decision_ids=[mine.pk])
    mine.refresh_from_db()
    assert mine.created_initiative is None


def pair():
    first, second = InitiativeFactory(), InitiativeFactory()
    return OverlapCandidate.objects.create(first=first, second=second, score=0.8)


def test_a_coordinator_reviews_a_pair_and_it_is_audited(cast):
    candidate = pair()
    overlap_review(actor=cast.coordinator, candidate=candidate, state="duplicate", note="Même")
    candidate.refresh_from_db()
    assert candidate.state == "duplicate"
    assert candidate.note == "Même"
    assert candidate.reviewed_by == cast.coordinator
    assert candidate.reviewed_at is not None
    event = AuditEvent.objects.get(object_type="initiatives.overlapcandidate")
    assert event.changes["state"] == ["to_review", "duplicate"]


@pytest.mark.parametrize("user", ["admin", "member", "readonly", "outsider"])
def test_only_coordinators_review_pairs(cast, user):
    candidate = pair()
    with pytest.raises(PermissionDenied):
        overlap_review(actor=getattr(cast, user), candidate=candidate, state="duplicate")
    candidate.refresh_from_db()
    assert candidate.state == "to_review"
    assert not AuditEvent.objects.filter(object_type="initiatives.overlapcandidate").exists()


def test_an_unknown_review_state_is_refused(cast):
    candidate = pair()
    with pytest.raises(ValidationError):
        overlap_review(actor=cast.coordinator, candidate=candidate, state="maybe")
    candidate.refresh_from_db()
    assert candidate.state == "to_review"
