"""The lifecycle services: each step, who may take it, and that a refusal writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.feedback import services
from madina.feedback.models import Feedback, FeedbackEvent
from madina.feedback.tests.conftest import submission

pytestmark = pytest.mark.django_db
S = Feedback.Status


@pytest.fixture
def feedback(cast):
    return services.feedback_submit(data=submission(organisation=cast.organisation))


def test_full_lifecycle_records_every_step(cast, feedback):
    services.feedback_acknowledge(actor=cast.member, feedback=feedback)
    assert feedback.status == S.ACKNOWLEDGED and feedback.acknowledged_at
    services.feedback_assign(actor=cast.admin, feedback=feedback, assignee=cast.member)
    assert feedback.status == S.ASSIGNED and feedback.assigned_to == cast.member
    services.feedback_answer(
        actor=cast.member, feedback=feedback, response="Ouvert à tous.", channel="status_page"
    )
    assert feedback.status == S.ANSWERED and feedback.answered_at
    services.feedback_close(actor=cast.member, feedback=feedback)
    feedback.refresh_from_db()
    assert feedback.status == S.CLOSED and feedback.closed_at
    assert feedback.response == "Ouvert à tous."
    actions = list(feedback.events.values_list("action", flat=True))
    assert actions == ["received", "acknowledged", "assigned", "answered", "closed"]


def test_readonly_member_and_outsider_may_not_act(cast, feedback):
    for user in (cast.readonly, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.feedback_acknowledge(actor=user, feedback=feedback)
    feedback.refresh_from_db()
    assert feedback.status == S.RECEIVED
    assert feedback.events.count() == 1


def test_closing_without_answer_needs_a_reason_and_writes_nothing(cast, feedback):
    services.feedback_acknowledge(actor=cast.member, feedback=feedback)
    with pytest.raises(ValidationError) as error:
        services.feedback_close(actor=cast.member, feedback=feedback)
    assert "note" in error.value.message_dict
    feedback.refresh_from_db()
    assert feedback.status == S.ACKNOWLEDGED
    assert not feedback.events.filter(action="closed").exists()


def test_cannot_answer_a_closed_item(cast, feedback):
    services.feedback_answer(actor=cast.member, feedback=feedback, response="Oui.", channel="phone")
    services.feedback_close(actor=cast.member, feedback=feedback)
    with pytest.raises(ValidationError):
        services.feedback_answer(
            actor=cast.member, feedback=feedback, response="Autre.", channel="phone"
        )
    feedback.refresh_from_db()
    assert feedback.response == "Oui."


def test_assignee_must_be_able_to_handle_it(cast, feedback):
    with pytest.raises(ValidationError):
        services.feedback_assign(actor=cast.member, feedback=feedback, assignee=cast.outsider)
    with pytest.raises(ValidationError):
        services.feedback_assign(actor=cast.member, feedback=feedback, assignee=cast.readonly)
    feedback.refresh_from_db()
    assert feedback.assigned_to is None and feedback.status == S.RECEIVED


def test_referral_moves_it_and_logs_the_note(cast, feedback):
    services.feedback_assign(actor=cast.member, feedback=feedback, assignee=cast.member)
    services.feedback_refer(
        actor=cast.member,
        feedback=feedback,
        organisation=cast.other_organisation,
        note="Leur mandat couvre la santé.",
    )
    feedback.refresh_from_db()
    assert feedback.organisation == cast.other_organisation
    assert feedback.assigned_to is None and feedback.status == S.ACKNOWLEDGED
    event = feedback.events.get(action=FeedbackEvent.Action.REFERRED)
    assert event.organisation == cast.other_organisation and event.actor == cast.member
    assert event.note == "Leur mandat couvre la santé."
    # The referring organisation no longer sees it; the receiving one does.
    assert not cast.member.has_perm("feedback.view_feedback", feedback)
    assert cast.outsider.has_perm("feedback.handle_feedback", feedback)


def test_referral_without_reason_is_refused(cast, feedback):
    with pytest.raises(ValidationError):
        services.feedback_refer(
            actor=cast.member, feedback=feedback, organisation=cast.other_organisation, note=""
        )
    feedback.refresh_from_db()
    assert feedback.organisation == cast.organisation


def test_staff_entry_records_who_entered_it(cast):
    feedback = services.feedback_create(
        actor=cast.member,
        data={
            **submission(organisation=cast.organisation),
            "channel": "phone",
            "sensitive_kind": "",
        },
    )
    assert feedback.entered_by == cast.member
    assert feedback.channel == "phone"
    with pytest.raises(ValidationError):
        services.feedback_create(
            actor=cast.member,
            data={
                **submission(organisation=cast.other_organisation),
                "channel": "phone",
                "sensitive_kind": "",
            },
        )
    assert Feedback.objects.count() == 1


def test_contact_is_kept_only_when_asked_to_be_answered_that_way(cast):
    kept = services.feedback_submit(data=submission(answer_by="phone", contact="+212 600 11 22 33"))
    dropped = services.feedback_submit(
        data=submission(answer_by="status_page", contact="+212 600 11 22 33")
    )
    assert kept.contact == "+212 600 11 22 33"
    dropped.refresh_from_db()
    assert dropped.contact == ""
    with pytest.raises(ValidationError) as error:
        services.feedback_submit(data=submission(answer_by="email", contact="not an address"))
    assert "contact" in error.value.message_dict
    assert Feedback.objects.count() == 2


def test_message_and_contact_are_encrypted_at_rest(cast):
    from django.db import connection

    feedback = services.feedback_submit(data=submission(answer_by="phone", contact="0600112233"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT message, contact FROM feedback_feedback WHERE id = %s", [feedback.pk]
        )
        message, contact = cursor.fetchone()
    assert "attente" not in message and "0600112233" not in contact
    assert Feedback.objects.get(pk=feedback.pk).message == "La file d'attente est trop longue."


def test_reference_codes_are_unique_and_unambiguous(cast):
    from madina.feedback.models import REFERENCE_ALPHABET

    codes = {services.feedback_submit(data=submission()).reference for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 10 and set(code) <= set(REFERENCE_ALPHABET)
        assert not set(code) & set("0O1IL")
