"""Recommendations linked to the actions that carry them out: rules, progress, pages, e-mails."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madina.accounts.tests.factories import MembershipFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.coordination.programme_services import item_set_status
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
)
from madina.core.models import AuditEvent
from madina.meetings import selectors, services
from madina.meetings.models import RecommendationAction
from madina.meetings.receivers import on_item_changed
from madina.meetings.tests.factories import AttendanceFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(cast, meetings, spaces):
    """A recommendation of the private meeting; two actions of the private space's programme,
    and one of a programme in another private space nobody of the cast may see."""
    meeting = meetings.private
    AttendanceFactory(meeting=meeting, organisation=cast.organisation)
    recommendation = RecommendationFactory(meeting=meeting, title="Ouvrir un guichet unique")
    programme = ProgrammeFactory(space=spaces.private, title="Programme intercommunal")
    first = ItemFactory(programme=programme, code="1.1", title="Recenser", progress=40)
    second = ItemFactory(programme=programme, code="1.2", title="Former", status="done")
    ResponsibilityFactory(item=first, organisation=cast.organisation)
    elsewhere = ItemFactory(
        programme=ProgrammeFactory(space=SpaceFactory(visibility="private")),
        code="9.9",
        title="Action cachée",
        progress=10,
    )
    return recommendation, first, second, elsewhere


def test_an_editor_links_actions_and_progress_is_their_average(cast, work):
    recommendation, first, second, _elsewhere = work
    link = services.recommendation_link_action(
        actor=cast.member, recommendation=recommendation, action=first
    )
    services.recommendation_link_action(
        actor=cast.member, recommendation=recommendation, action=second
    )
    assert set(recommendation.actions.all()) == {first, second}
    event = AuditEvent.objects.get(
        object_type="meetings.recommendationaction", object_id=str(link.pk)
    )
    assert event.action == AuditEvent.Action.CREATE and event.actor == cast.member
    found = selectors.implementation(cast.member, recommendation)
    assert [row.action for row in found.rows] == [first, second]
    assert [row.progress_percent for row in found.rows] == [40, 100]
    assert found.progress_percent == 70 and found.hidden == 0


def test_dropped_actions_do_not_count_and_milestones_make_an_actions_progress(cast, work):
    recommendation, first, second, _elsewhere = work
    second.status, second.status_reason = "dropped", "Plus de budget"
    second.save()
    ItemFactory(programme=first.programme, kind="milestone", parent=first, status="done")
    ItemFactory(programme=first.programme, kind="milestone", parent=first, progress=0)
    for action in (first, second):
        RecommendationAction.objects.create(recommendation=recommendation, action=action)
    assert selectors.recommendation_progress(recommendation) == 50
    assert selectors.recommendation_progress(RecommendationFactory()) is None


@pytest.mark.parametrize("what", ["hidden", "axis", "twice", "rejected"])
def test_refused_links_write_nothing(cast, work, what):
    recommendation, first, _second, elsewhere = work
    action = first
    if what == "hidden":
        action = elsewhere
    elif what == "axis":
        action = ItemFactory(programme=first.programme, kind="axis")
    elif what == "twice":
        RecommendationAction.objects.create(recommendation=recommendation, action=first)
    else:
        recommendation.state, recommendation.state_justification = "rejected", "Hors mandat"
        recommendation.save()
    before = RecommendationAction.objects.count()
    with pytest.raises(ValidationError):
        services.recommendation_link_action(
            actor=cast.member, recommendation=recommendation, action=action
        )
    assert RecommendationAction.objects.count() == before
    assert not AuditEvent.objects.filter(object_type="meetings.recommendationaction").exists()


def test_read_only_people_and_outsiders_cannot_link(cast, work):
    recommendation, first, _second, _elsewhere = work
    for user in (cast.readonly, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.recommendation_link_action(
                actor=user, recommendation=recommendation, action=first
            )
    assert not RecommendationAction.objects.exists()


def test_an_action_of_a_programme_one_cannot_see_is_counted_not_shown(cast, work):
    recommendation, first, _second, elsewhere = work
    for action in (first, elsewhere):
        RecommendationAction.objects.create(recommendation=recommendation, action=action)
    found = selectors.implementation(cast.member, recommendation)
    assert [row.action for row in found.rows] == [first]
    assert found.hidden == 1 and found.progress_percent == 25
    assert len(selectors.implementation(cast.coordinator, recommendation).rows) == 2


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_page_lists_the_actions_and_the_form_links_one(cast, work, language):
    recommendation, first, second, elsewhere = work
    client = cast.client_for("member")
    url = f"/{language}/meetings/recommendations/{recommendation.pk}/"
    form_url = f"/{language}/meetings/recommendations/{recommendation.pk}/actions/link/"
    page = client.get(form_url)
    offered = list(page.context["form"].fields["action"].queryset)
    assert first in offered and second in offered and elsewhere not in offered
    response = client.post(form_url, {"action": first.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{url}#actions")
    html = client.get(url).content.decode()
    assert "Recenser" in html and "meetings-progress" in html
    assert 'value="40"' in html
    assert client.post(form_url, {"action": elsewhere.pk}).status_code == 200
    assert list(recommendation.actions.all()) == [first]


def test_unlinking_from_the_page_is_audited(cast, work):
    recommendation, first, _second, _elsewhere = work
    link = RecommendationAction.objects.create(recommendation=recommendation, action=first)
    path = f"/fr/meetings/recommendations/{recommendation.pk}/actions/{link.pk}/unlink/"
    assert cast.client_for("readonly").post(path).status_code == 403
    assert cast.client_for("outsider").post(path).status_code == 404
    assert cast.client_for("member").post(path).status_code == 302
    assert not RecommendationAction.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="meetings.recommendationaction", action=AuditEvent.Action.DELETE
    ).exists()


def test_link_pages_answer_404_to_outsiders_and_403_to_read_only(cast, work):
    recommendation, first, _second, _elsewhere = work
    path = f"/fr/meetings/recommendations/{recommendation.pk}/actions/link/"
    assert cast.client_for("outsider").get(path).status_code == 404
    assert cast.client_for("readonly").get(path).status_code == 403
    assert cast.client_for("readonly").post(path, {"action": first.pk}).status_code == 403
    other = RecommendationFactory()
    link = RecommendationAction.objects.create(recommendation=other, action=first)
    wrong = f"/fr/meetings/recommendations/{recommendation.pk}/actions/{link.pk}/unlink/"
    assert cast.client_for("member").post(wrong).status_code == 404


def test_the_page_does_not_grow_in_queries_with_its_actions(
    cast, work, django_assert_max_num_queries
):
    recommendation, first, second, _elsewhere = work
    client = cast.client_for("member")
    url = f"/fr/meetings/recommendations/{recommendation.pk}/"
    RecommendationAction.objects.create(recommendation=recommendation, action=first)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        action = ItemFactory(programme=first.programme, code=f"2.{n}")
        ResponsibilityFactory(item=action)
        RecommendationAction.objects.create(recommendation=recommendation, action=action)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_followers_are_told_when_a_linked_actions_status_changes(
    cast, work, django_capture_on_commit_callbacks
):
    """Through coordination's own service and its ``item_changed`` signal, after the commit."""
    recommendation, first, _second, _elsewhere = work
    addressee = OrganisationFactory(name_fr="Commune de Selouane")
    far = MembershipFactory(organisation=addressee, role="member").user
    recommendation.addressees.add(addressee)
    RecommendationAction.objects.create(recommendation=recommendation, action=first)
    with django_capture_on_commit_callbacks(execute=True):
        item_set_status(
            actor=cast.member, item=first, status="on_track", reason="Nouveau calendrier"
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {cast.admin.email, cast.readonly.email, far.email}
    assert recommendation.code in by_address[cast.admin.email].subject
    assert "Recenser" in by_address[cast.admin.email].body
    # The addressee outside the private space follows the recommendation, not the programme.
    assert "Recenser" not in by_address[far.email].body
    assert "40" in by_address[far.email].body
    for message in mail.outbox:
        assert "Nouveau calendrier" not in message.body


def test_a_milestone_counts_as_its_action_and_other_changes_send_nothing(cast, work):
    recommendation, first, _second, _elsewhere = work
    milestone = ItemFactory(programme=first.programme, kind="milestone", parent=first)
    done = {"status": ("late", "done")}
    on_item_changed(sender=None, item=milestone, actor=None, changes=done)
    assert not mail.outbox  # no recommendation is linked yet
    RecommendationAction.objects.create(recommendation=recommendation, action=first)
    on_item_changed(sender=None, item=first, actor=None, changes={"title": ("a", "b")})
    assert not mail.outbox
    on_item_changed(sender=None, item=milestone, actor=cast.admin, changes=done)
    assert {message.to[0] for message in mail.outbox} == {cast.member.email, cast.readonly.email}
