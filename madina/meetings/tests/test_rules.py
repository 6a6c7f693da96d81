"""Who sees and who changes meetings and recommendations, for the whole cast."""

import pytest
from django.contrib.auth.models import AnonymousUser

from madina.accounts.authentication import scope_user_to_organisation
from madina.accounts.services import api_token_create
from madina.coordination.tests.factories import SpaceMemberFactory, SpaceRoleFactory
from madina.meetings import selectors
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

CAST = ["admin", "member", "readonly", "outsider", "coordinator"]


def _sees(user, meeting) -> bool:
    by_rule = user.has_perm("meetings.view_meeting", meeting)
    by_query = selectors.visible_meetings(user).filter(pk=meeting.pk).exists()
    assert by_rule == by_query, "the list query and the rule disagree"
    return by_rule


def _sees_recommendation(user, recommendation) -> bool:
    by_rule = user.has_perm("meetings.view_recommendation", recommendation)
    by_query = selectors.visible_recommendations(user).filter(pk=recommendation.pk).exists()
    assert by_rule == by_query, "the list query and the rule disagree"
    return by_rule


@pytest.mark.parametrize(
    ("who", "public", "transparent", "private"),
    [
        ("admin", True, False, True),
        ("member", True, False, True),
        ("readonly", True, False, True),
        ("outsider", True, False, False),
        ("coordinator", True, True, True),
    ],
)
def test_meetings_follow_the_space_content_rule(cast, meetings, who, public, transparent, private):
    user = getattr(cast, who)
    assert _sees(user, meetings.public) is public
    assert _sees(user, meetings.transparent) is transparent
    assert _sees(user, meetings.private) is private


def test_anonymous_visitors_see_only_public_spaces_meetings(meetings):
    anonymous = AnonymousUser()
    assert _sees(anonymous, meetings.public)
    assert not _sees(anonymous, meetings.transparent)
    assert not _sees(anonymous, meetings.private)


@pytest.mark.parametrize(
    ("who", "changes"),
    [
        ("admin", False),
        ("member", True),
        ("readonly", False),
        ("outsider", False),
        ("coordinator", True),
    ],
)
def test_only_space_role_holders_and_coordinators_change_meetings(cast, meetings, who, changes):
    user = getattr(cast, who)
    for perm in ("change_meeting", "change_recommendation", "view_unpublished_minutes"):
        assert user.has_perm(f"meetings.{perm}", meetings.private) is changes


@pytest.mark.parametrize("role", ["admin", "editor", "rapporteur"])
def test_every_space_role_edits_meetings(cast, meetings, role):
    SpaceRoleFactory(space=meetings.transparent.space, user=cast.readonly, role=role)
    assert cast.readonly.has_perm("meetings.change_meeting", meetings.transparent)
    assert cast.readonly.has_perm("meetings.add_meeting", meetings.transparent.space)


def test_addressees_see_a_recommendation_outside_a_private_space(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    assert not _sees_recommendation(cast.outsider, recommendation)
    recommendation.addressees.add(cast.other_organisation)
    assert _sees_recommendation(cast.outsider, recommendation)
    assert not cast.outsider.has_perm("meetings.view_meeting", meetings.private)
    assert not cast.outsider.has_perm("meetings.change_recommendation", recommendation)


def test_the_public_page_needs_a_public_space_a_public_flag_and_no_draft(meetings):
    anonymous = AnonymousUser()
    shown = RecommendationFactory(meeting=meetings.public, is_public=True)
    draft = RecommendationFactory(meeting=meetings.public, is_public=True, state="draft")
    unflagged = RecommendationFactory(meeting=meetings.public)
    private = RecommendationFactory(meeting=meetings.private, is_public=True)
    for recommendation, public in (
        (shown, True),
        (draft, False),
        (unflagged, False),
        (private, False),
    ):
        assert anonymous.has_perm("meetings.view_public_recommendation", recommendation) is public
    assert set(selectors.public_recommendations()) == {shown}


def test_an_api_token_carries_no_space_role(cast, meetings):
    api_token_create(actor=cast.member, organisation=cast.organisation, name="outil")
    scope_user_to_organisation(cast.member, cast.organisation.pk, "member")
    assert cast.member.has_perm("meetings.view_meeting", meetings.private)
    assert not cast.member.has_perm("meetings.change_meeting", meetings.private)


def test_a_former_member_no_longer_sees_a_private_meeting(cast, spaces):
    import datetime

    SpaceMemberFactory(
        space=spaces.private,
        organisation=cast.other_organisation,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    meeting = MeetingFactory(space=spaces.private)
    assert not _sees(cast.outsider, meeting)


def test_the_meeting_list_costs_the_same_for_more_meetings(
    cast, meetings, django_assert_max_num_queries
):
    def count():
        for name in ("_madina_member_spaces", "_madina_space_roles", "_madina_roles"):
            cast.member.__dict__.pop(name, None)
        with django_assert_max_num_queries(8) as context:
            list(selectors.meeting_list(user=cast.member))
        return len(context.captured_queries)

    before = count()
    for _n in range(5):
        MeetingFactory(space=meetings.private.space)
    assert count() == before
