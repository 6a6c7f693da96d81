"""The staff pages: each works for those who may use it; outsiders get 404, read-only 403."""

import pytest

from madina.feedback import services
from madina.feedback.models import Feedback, YouSaidWeDid
from madina.feedback.tests.conftest import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(cast):
    return services.feedback_submit(
        data=submission(organisation=cast.organisation, answer_by="phone", contact="0600112233")
    )


def test_inbox_lists_own_organisation_only(cast, feedback):
    other = services.feedback_submit(data=submission(organisation=cast.other_organisation))
    page = cast.client_for("readonly").get("/en/feedback/").content.decode()
    assert feedback.reference_display in page and other.reference_display not in page
    assert "0600112233" not in page  # contacts are never in lists
    page = cast.client_for("coordinator").get("/en/feedback/?type=complaint").content.decode()
    assert feedback.reference_display in page and other.reference_display in page


def test_inbox_filters(cast, feedback):
    question = services.feedback_submit(
        data=submission(organisation=cast.organisation, type="question")
    )
    page = cast.client_for("member").get("/en/feedback/?type=question").content.decode()
    assert question.reference_display in page and feedback.reference_display not in page


def test_detail_outsider_404_readonly_403_on_actions(cast, feedback):
    assert cast.client_for("outsider").get(f"/en/feedback/{feedback.pk}/").status_code == 404
    response = cast.client_for("readonly").get(f"/en/feedback/{feedback.pk}/")
    assert response.status_code == 200 and "0600112233" not in response.content.decode()
    response = cast.client_for("readonly").post(f"/en/feedback/{feedback.pk}/acknowledge/")
    assert response.status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RECEIVED


def test_member_works_the_item_through_the_pages(cast, feedback):
    client = cast.client_for("member")
    page = client.get(f"/en/feedback/{feedback.pk}/").content.decode()
    assert "0600112233" in page
    assert client.post(f"/en/feedback/{feedback.pk}/acknowledge/").status_code == 302
    response = client.post(
        f"/en/feedback/{feedback.pk}/answer/", {"response": "Rappelé.", "channel": "phone"}
    )
    assert response.status_code == 302
    assert client.post(f"/en/feedback/{feedback.pk}/close/", {"close-note": ""}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.CLOSED and feedback.response == "Rappelé."


def test_refused_answer_shows_the_error(cast, feedback):
    client = cast.client_for("member")
    response = client.post(
        f"/en/feedback/{feedback.pk}/answer/", {"response": "x" * 4001, "channel": "phone"}
    )
    assert response.status_code == 400
    assert "The answer is too long" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.response == ""


def test_staff_entry_page(cast):
    client = cast.client_for("member")
    assert client.get("/en/feedback/new/").status_code == 200
    response = client.post(
        "/en/feedback/new/",
        {
            "channel": "phone",
            "type": "question",
            "category": "documents",
            "organisation": cast.organisation.pk,
            "language": "ar",
            "message": "Comment obtenir un acte de naissance ?",
            "answer_by": "none",
        },
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/feedback/{feedback.pk}/"
    assert feedback.entered_by == cast.member and feedback.channel == "phone"
    assert cast.client_for("readonly").get("/en/feedback/new/").status_code == 403


def test_outsider_without_any_organisation_gets_404_on_inbox(db, cast):
    from django.test import Client

    from madina.accounts.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    assert client.get("/en/feedback/").status_code == 404


def test_you_said_is_for_coordinators_and_published_ones_are_public(cast, client):
    assert cast.client_for("admin").get("/en/feedback/you-said-we-did/").status_code == 404
    coordinator = cast.client_for("coordinator")
    assert coordinator.get("/en/feedback/you-said-we-did/new/").status_code == 200
    response = coordinator.post(
        "/en/feedback/you-said-we-did/new/",
        {
            "category": "health",
            "said_fr": "Trop d'attente dehors.",
            "did_fr": "Une salle ouverte le samedi.",
            "done_on": "2026-10-01",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    entry = YouSaidWeDid.objects.get()
    coordinator.post(
        f"/en/feedback/you-said-we-did/{entry.pk}/",
        {
            "category": "health",
            "said_fr": "Trop d'attente dehors.",
            "did_fr": "Une salle ouverte le samedi.",
            "done_on": "2026-10-01",
        },
    )
    entry.refresh_from_db()
    assert not entry.is_published
    assert "Une salle ouverte" not in client.get("/fr/portal/feedback/results/").content.decode()
    entry.is_published = True
    entry.save()
    assert "Une salle ouverte" in client.get("/fr/portal/feedback/results/").content.decode()


def test_teams_page(cast):
    client = cast.client_for("admin")
    page = client.get("/en/feedback/teams/").content.decode()
    assert cast.organisation.name in page
    assert cast.other_organisation.name not in page
    response = client.post(
        f"/en/feedback/teams/{cast.organisation.pk}/add/", {"user": cast.member.pk}
    )
    assert response.status_code == 302
    assert cast.member.feedback_sensitive_teams.exists()
    assert cast.client_for("member").get("/en/feedback/teams/").status_code == 403


def test_refused_steps_come_back_with_their_message_and_change_nothing(cast, feedback):
    client = cast.client_for("member")
    # A step the status does not allow yet: said in a message, on the item's page.
    response = client.post(
        f"/en/feedback/{feedback.pk}/close/", {"close-note": "Fini."}, follow=True
    )
    assert response.redirect_chain == [(feedback.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This cannot be done while the feedback is “received”."
    ]
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RECEIVED and feedback.closed_at is None
    # Closing without an answer when the person asked for one needs a reason.
    services.feedback_acknowledge(actor=cast.member, feedback=feedback)
    response = client.post(f"/en/feedback/{feedback.pk}/close/", {"close-note": ""})
    assert response.status_code == 400
    assert "Say why it is closed without an answer" in response.content.decode()
    # Referring to where it already is.
    response = client.post(
        f"/en/feedback/{feedback.pk}/refer/",
        {"organisation": cast.organisation.pk, "note": "Pour suite à donner."},
    )
    assert response.status_code == 400
    assert "already addressed there" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ACKNOWLEDGED
    assert feedback.organisation == cast.organisation
    assert not feedback.events.exclude(action__in=["received", "acknowledged"]).exists()


def test_assigning_through_the_page(cast, feedback):
    client = cast.client_for("member")
    response = client.post(
        f"/en/feedback/{feedback.pk}/assign/", {"assignee": cast.member.pk, "note": ""}
    )
    assert response.status_code == 302 and response["Location"] == feedback.get_absolute_url()
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ASSIGNED and feedback.assigned_to == cast.member
