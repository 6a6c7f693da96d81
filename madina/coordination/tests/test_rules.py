"""Who sees and who changes a space, for each visibility and the whole cast."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from madina.accounts.services import api_token_create
from madina.coordination.selectors import space_list, visible_spaces
from madina.coordination.tests.factories import SpaceMemberFactory, SpaceRoleFactory

pytestmark = pytest.mark.django_db

CAST = ["admin", "member", "readonly", "outsider", "coordinator"]


def _sees(user, space) -> bool:
    by_rule = user.has_perm("coordination.view_space", space)
    by_query = visible_spaces(user).filter(pk=space.pk).exists()
    assert by_rule == by_query, "the list query and the rule disagree"
    return by_rule


@pytest.mark.parametrize("who", CAST)
def test_everyone_signed_in_sees_public_and_transparent_spaces(cast, spaces, who):
    user = getattr(cast, who)
    assert _sees(user, spaces.public)
    assert _sees(user, spaces.transparent)


def test_anonymous_sees_only_public_spaces(spaces):
    anonymous = AnonymousUser()
    assert _sees(anonymous, spaces.public)
    assert not _sees(anonymous, spaces.transparent)
    assert not _sees(anonymous, spaces.private)


@pytest.mark.parametrize(
    ("who", "sees"),
    [("admin", True), ("member", True), ("readonly", True), ("outsider", False)],
)
def test_a_private_space_is_seen_by_the_people_of_its_member_organisations(cast, spaces, who, sees):
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation)
    assert _sees(getattr(cast, who), spaces.private) is sees
    assert _sees(cast.coordinator, spaces.private)


def test_a_former_member_no_longer_sees_a_private_space(cast, spaces):
    SpaceMemberFactory(
        space=spaces.private,
        organisation=cast.organisation,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    assert not _sees(cast.member, spaces.private)


def test_a_role_holder_sees_a_private_space_whatever_their_organisation(cast, spaces):
    SpaceRoleFactory(space=spaces.private, user=cast.outsider, role="rapporteur")
    assert _sees(cast.outsider, spaces.private)
    assert not cast.outsider.has_perm("coordination.change_space", spaces.private)


def test_transparent_content_is_kept_to_those_who_take_part(cast, spaces):
    SpaceMemberFactory(space=spaces.transparent, organisation=cast.organisation)
    assert cast.readonly.has_perm("coordination.view_space_content", spaces.transparent)
    assert not cast.outsider.has_perm("coordination.view_space_content", spaces.transparent)
    assert cast.outsider.has_perm("coordination.view_space_content", spaces.public)


@pytest.mark.parametrize(
    ("role", "edit", "close", "members", "roles"),
    [
        ("admin", True, True, True, True),
        ("editor", True, False, True, False),
        ("rapporteur", False, False, False, False),
    ],
)
def test_space_roles_decide_who_edits(cast, spaces, role, edit, close, members, roles):
    SpaceRoleFactory(space=spaces.public, user=cast.readonly, role=role)
    user = cast.readonly
    assert user.has_perm("coordination.change_space", spaces.public) is edit
    assert user.has_perm("coordination.close_space", spaces.public) is close
    assert user.has_perm("coordination.manage_members", spaces.public) is members
    assert user.has_perm("coordination.manage_roles", spaces.public) is roles
    assert user.has_perm("coordination.view_roles", spaces.public)


def test_coordinators_manage_every_space(cast, spaces):
    for perm in ("change_space", "close_space", "manage_members", "manage_roles"):
        assert cast.coordinator.has_perm(f"coordination.{perm}", spaces.private)


def test_an_api_token_acts_for_its_organisation_without_space_roles(cast, spaces):
    from madina.accounts.authentication import scope_user_to_organisation

    SpaceRoleFactory(space=spaces.private, user=cast.member, role="admin")
    api_token_create(actor=cast.member, organisation=cast.organisation, name="outil")
    scope_user_to_organisation(cast.member, cast.organisation.pk, "member")
    assert not cast.member.has_perm("coordination.view_space", spaces.private)
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation)
    cast.member.__dict__.pop("_madina_member_spaces", None)
    assert cast.member.has_perm("coordination.view_space", spaces.private)
    assert not cast.member.has_perm("coordination.change_space", spaces.private)


def test_my_spaces(cast, spaces):
    SpaceMemberFactory(space=spaces.transparent, organisation=cast.organisation)
    SpaceRoleFactory(space=spaces.private, user=cast.member)
    mine = set(space_list(user=cast.member, mine=True))
    assert mine == {spaces.transparent, spaces.private}


def test_the_list_costs_the_same_for_more_spaces(cast, spaces, django_assert_max_num_queries):
    from madina.coordination.tests.factories import SpaceFactory

    def count():
        with django_assert_max_num_queries(6) as context:
            list(space_list(user=cast.member))
        return len(context.captured_queries)

    before = count()
    for _n in range(5):
        SpaceFactory()
    cast.member.__dict__.pop("_madina_member_spaces", None)
    cast.member.__dict__.pop("_madina_space_roles", None)
    cast.member.__dict__.pop("_madina_roles", None)
    assert count() == before
