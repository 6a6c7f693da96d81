"""Writes of programmes: the tree's rules, the responsibility matrix, status, reviews, lateness.

Each refusal is checked for its translated message and for having written nothing.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory
from madina.coordination import programme_services as services
from madina.coordination.models import Programme, ProgrammeItem, Responsibility, ReviewRequest
from madina.coordination.tests.factories import ItemFactory, SpaceRoleFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 5, 15)


def _events():
    return AuditEvent.objects.count()


# --- Programmes and the tree --------------------------------------------------------------------


def test_a_space_editor_starts_a_programme_and_it_is_audited(cast, plan):
    SpaceRoleFactory(space=plan.space, user=cast.member, role="editor")
    programme = services.programme_create(
        actor=cast.member,
        space=plan.space,
        data={
            "kind": "roadmap",
            "title": "  Feuille de route 2026 ",
            "period_start": D(2026, 1, 1),
            "period_end": D(2026, 12, 31),
        },
    )
    assert programme.title == "Feuille de route 2026" and programme.status == "draft"
    assert AuditEvent.objects.filter(object_type="coordination.programme").count() == 1


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider"])
def test_taking_part_gives_no_right_to_change_the_programme(cast, plan, who):
    count = Programme.objects.count()
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=getattr(cast, who),
            space=plan.space,
            data={"title": "x", "period_start": D(2026, 1, 1), "period_end": D(2026, 2, 1)},
        )
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=getattr(cast, who), programme=plan.programme, data={"kind": "axis", "title": "x"}
        )
    assert Programme.objects.count() == count


def test_a_period_that_ends_before_it_starts_is_refused(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.programme_update(
            actor=cast.coordinator, programme=plan.programme, data={"period_end": D(2024, 1, 1)}
        )
    assert "period_end" in error.value.message_dict
    plan.programme.refresh_from_db()
    assert plan.programme.period_end == D(2026, 12, 31)


def test_a_due_date_before_the_start_is_refused_in_french(cast, plan):
    before = (ProgrammeItem.objects.count(), _events())
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.item_create(
            actor=cast.coordinator,
            programme=plan.programme,
            data={
                "parent": plan.objective,
                "kind": "action",
                "title": "Former les agents",
                "start_date": D(2025, 6, 1),
                "due_date": D(2025, 5, 1),
            },
        )
    assert error.value.message_dict["due_date"] == [
        "La date d’échéance ne peut pas précéder la date de début."
    ]
    assert (ProgrammeItem.objects.count(), _events()) == before


def test_an_item_cannot_be_moved_under_itself_or_its_parts(cast, plan):
    for parent in (plan.axis, plan.objective, plan.action):
        with translation.override("ar"), pytest.raises(ValidationError) as error:
            services.item_update(actor=cast.coordinator, item=plan.axis, data={"parent": parent})
        assert error.value.message_dict["parent"] == [
            "لا يمكن وضع عنصر تحت نفسه أو تحت أحد أجزائه."
        ]
    plan.axis.refresh_from_db()
    assert plan.axis.parent is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("kind", "parent"),
    [("axis", "objective"), ("objective", "action"), ("action", "milestone"), ("milestone", None)],
)
def test_each_kind_hangs_only_under_the_kinds_above_it(cast, plan, kind, parent):
    count = ProgrammeItem.objects.count()
    with pytest.raises(ValidationError) as error:
        services.item_create(
            actor=cast.coordinator,
            programme=plan.programme,
            data={"kind": kind, "title": "x", "parent": getattr(plan, parent) if parent else None},
        )
    assert "parent" in error.value.message_dict
    assert ProgrammeItem.objects.count() == count


def test_an_item_of_another_programme_is_not_a_parent(cast, plan):
    elsewhere = ItemFactory(kind="axis")
    with pytest.raises(ValidationError) as error:
        services.item_create(
            actor=cast.coordinator,
            programme=plan.programme,
            data={"kind": "objective", "title": "x", "parent": elsewhere},
        )
    assert "parent" in error.value.message_dict


def test_moving_an_action_under_another_axis_is_audited_and_the_informed_are_told(
    cast, plan, django_capture_on_commit_callbacks
):
    other_axis = ItemFactory(programme=plan.programme, kind="axis", code="2", title="Services")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=cast.coordinator,
            item=plan.action,
            data={"parent": other_axis, "due_date": D(2025, 9, 30)},
        )
    plan.action.refresh_from_db()
    assert plan.action.parent == other_axis
    assert [message.to for message in mail.outbox] == [[plan.informed_user.email]]
    assert cast.organisation.name_ar in mail.outbox[0].body
    assert plan.consulted.name_ar not in mail.outbox[0].body


# --- Responsibility matrix ----------------------------------------------------------------------


def test_a_second_lead_is_refused_with_a_translated_message(cast, plan):
    before = (Responsibility.objects.count(), _events())
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.responsibility_add(
            actor=cast.coordinator,
            item=plan.action,
            data={"organisation": cast.other_organisation, "role": "accountable"},
        )
    (message,) = error.value.message_dict["role"]
    assert message.startswith("Cette action a déjà une organisation cheffe de file")
    assert (Responsibility.objects.count(), _events()) == before


def test_the_database_also_refuses_a_second_lead(plan, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(
            item=plan.action, organisation=cast.other_organisation, role="accountable"
        )


def test_an_organisation_holds_one_role_per_action(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.responsibility_add(
            actor=cast.coordinator,
            item=plan.action,
            data={"organisation": plan.consulted, "role": "informed"},
        )
    assert "organisation" in error.value.message_dict


def test_responsibilities_are_given_on_actions_only(cast, plan):
    with pytest.raises(ValidationError):
        services.responsibility_add(
            actor=cast.coordinator,
            item=plan.objective,
            data={"organisation": cast.other_organisation, "role": "accountable"},
        )
    assert not plan.objective.responsibilities.exists()


def test_the_contact_is_a_public_focal_person_of_that_organisation(cast, plan):
    stranger = FocalPersonFactory(organisation=plan.consulted, is_public=True)
    hidden = FocalPersonFactory(organisation=cast.other_organisation, is_public=False)
    for contact in (stranger, hidden):
        with pytest.raises(ValidationError) as error:
            services.responsibility_add(
                actor=cast.coordinator,
                item=plan.action,
                data={
                    "organisation": cast.other_organisation,
                    "role": "responsible",
                    "contact": contact,
                },
            )
        assert "contact" in error.value.message_dict
    good = FocalPersonFactory(organisation=cast.other_organisation, is_public=True)
    responsibility = services.responsibility_add(
        actor=cast.coordinator,
        item=plan.action,
        data={"organisation": cast.other_organisation, "role": "responsible", "contact": good},
    )
    assert responsibility.contact == good


def test_removing_the_lead_leaves_a_gap_and_another_may_lead(cast, plan):
    lead = plan.action.responsibilities.get(role="accountable")
    services.responsibility_remove(actor=cast.coordinator, responsibility=lead)
    new = services.responsibility_add(
        actor=cast.coordinator,
        item=plan.action,
        data={"organisation": cast.other_organisation, "role": "accountable"},
    )
    assert new.role == "accountable"
    assert AuditEvent.objects.filter(object_type="coordination.responsibility").count() == 2


# --- Status, reviews ----------------------------------------------------------------------------


def test_the_leads_member_updates_the_status_and_the_informed_are_told(
    cast, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(
            actor=cast.member, item=plan.action, status="on_track", today=TODAY
        )
    plan.action.refresh_from_db()
    assert plan.action.status == "on_track"
    assert [message.to for message in mail.outbox] == [[plan.informed_user.email]]
    body = mail.outbox[0].body
    assert cast.organisation.name_ar in body and cast.member.full_name not in body
    services.item_set_status(
        actor=cast.member, item=plan.milestone, status="on_track", progress=40, today=D(2025, 3, 1)
    )
    plan.milestone.refresh_from_db()
    assert plan.milestone.progress == 40
    with pytest.raises(ValidationError) as error:
        services.item_set_status(
            actor=cast.member, item=plan.action, status="on_track", progress=40, today=TODAY
        )
    assert "progress" in error.value.message_dict


@pytest.mark.parametrize("who", ["readonly", "outsider", "admin_of_consulted"])
def test_only_the_lead_and_the_space_editors_update_the_status(cast, plan, who):
    actor = plan.consulted_user if who == "admin_of_consulted" else getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.item_set_status(actor=actor, item=plan.action, status="on_track", today=TODAY)
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"


def test_a_space_editor_updates_the_status_of_a_milestone(cast, plan):
    SpaceRoleFactory(space=plan.space, user=cast.outsider, role="editor")
    services.item_set_status(actor=cast.outsider, item=plan.milestone, status="done", today=TODAY)
    plan.milestone.refresh_from_db()
    assert (plan.milestone.status, plan.milestone.progress) == ("done", 100)


def test_done_asks_the_consulted_first_and_the_last_approval_finishes_it(
    cast, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(actor=cast.member, item=plan.action, status="done", today=TODAY)
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"
    review = ReviewRequest.objects.get(item=plan.action)
    assert (review.organisation, review.state) == (plan.consulted, "pending")
    assert [message.to for message in mail.outbox] == [[plan.consulted_user.email]]
    with pytest.raises(ValidationError):
        services.item_set_status(actor=cast.member, item=plan.action, status="done", today=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_answer(actor=plan.consulted_user, review=review, approve=True)
    plan.action.refresh_from_db()
    assert (plan.action.status, plan.action.progress) == ("done", 100)
    assert [message.to for message in mail.outbox] == [[plan.informed_user.email]]


def test_asking_for_changes_needs_a_comment_and_ends_the_round(
    cast, plan, django_capture_on_commit_callbacks
):
    second = OrganisationFactory()
    Responsibility.objects.create(item=plan.action, organisation=second, role="consulted")
    services.item_set_status(actor=cast.member, item=plan.action, status="done", today=TODAY)
    review = ReviewRequest.objects.get(item=plan.action, organisation=plan.consulted)
    with pytest.raises(ValidationError) as error:
        services.review_answer(actor=plan.consulted_user, review=review, approve=False)
    assert "comment" in error.value.message_dict
    review.refresh_from_db()
    assert review.state == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        services.review_answer(
            actor=plan.consulted_user, review=review, approve=False, comment="Il manque le bilan."
        )
    states = dict(plan.action.reviews.values_list("organisation_id", "state"))
    assert states == {plan.consulted.pk: "changes_requested", second.pk: "withdrawn"}
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"
    assert {tuple(message.to) for message in mail.outbox} == {
        (cast.admin.email,),
        (cast.member.email,),
    }
    assert "Il manque le bilan" not in mail.outbox[0].body


def test_a_read_only_person_of_the_consulted_organisation_may_not_answer(cast, plan):
    services.item_set_status(actor=cast.member, item=plan.action, status="done", today=TODAY)
    review = ReviewRequest.objects.get()
    with pytest.raises(PermissionDenied):
        services.review_answer(actor=plan.informed_user, review=review, approve=True)
    with pytest.raises(PermissionDenied):
        services.review_answer(actor=cast.member, review=review, approve=True)


def test_an_action_without_consulted_is_done_at_once(cast, plan):
    plan.action.responsibilities.filter(role="consulted").delete()
    services.item_set_status(actor=cast.member, item=plan.action, status="done", today=TODAY)
    plan.action.refresh_from_db()
    assert plan.action.status == "done" and not ReviewRequest.objects.exists()


def test_dropping_needs_a_reason(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.item_set_status(actor=cast.member, item=plan.action, status="dropped", today=TODAY)
    assert "reason" in error.value.message_dict


# --- Lateness -----------------------------------------------------------------------------------


def test_mark_late_marks_what_is_past_due_and_not_closed(
    cast, plan, django_capture_on_commit_callbacks
):
    done = ItemFactory(programme=plan.programme, due_date=D(2025, 1, 31), status="done")
    draft = ItemFactory(due_date=D(2025, 1, 31), programme__status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        late = services.mark_late(today=D(2025, 4, 1))
    assert late == [plan.milestone]
    assert services.mark_late(today=D(2025, 4, 1)) == []
    for item in (done, draft):
        item.refresh_from_db()
        assert item.status != "late"
    late = services.mark_late(today=D(2025, 7, 1))
    assert late == [plan.action]
    event = AuditEvent.objects.filter(object_id=str(plan.action.pk)).latest("at")
    assert event.actor is None and event.changes["status"] == ["not_started", "late"]
    assert [message.to for message in mail.outbox] == [[plan.informed_user.email]]


def test_overriding_late_needs_a_reason_and_then_holds(cast, plan):
    services.mark_late(today=D(2025, 7, 1))
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.item_set_status(
            actor=cast.member, item=plan.action, status="on_track", today=D(2025, 7, 1)
        )
    assert error.value.message_dict["reason"][0].startswith("La date d’échéance est passée")
    plan.action.refresh_from_db()
    assert plan.action.status == "late"
    services.item_set_status(
        actor=cast.member,
        item=plan.action,
        status="on_track",
        reason="Le rapport final est en relecture.",
        today=D(2025, 7, 1),
    )
    assert services.mark_late(today=D(2025, 7, 2)) == []
    plan.action.refresh_from_db()
    assert (plan.action.status, plan.action.status_overridden) == ("on_track", True)
    # A new due date ends the override: the reason was about the old one.
    services.item_update(actor=cast.coordinator, item=plan.action, data={"due_date": D(2025, 7, 1)})
    assert services.mark_late(today=D(2025, 7, 2)) == [plan.action]
