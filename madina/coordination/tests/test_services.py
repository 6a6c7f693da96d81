"""Writes of coordination spaces: rules, validation, audit; nothing written on refusal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory
from madina.coordination import services
from madina.coordination.models import Space, SpaceMember, SpaceRole
from madina.coordination.tests.factories import SpaceFactory, SpaceMemberFactory, SpaceRoleFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date


def _data(**extra):
    return {"name_fr": "Comité régional", "type": "regional_committee", **extra}


def test_a_coordinator_creates_a_space_and_it_is_audited(cast):
    space = services.space_create(actor=cast.coordinator, data=_data(name_ar=" لجنة جهوية "))
    assert space.name_ar == "لجنة جهوية"
    event = AuditEvent.objects.get(object_type="coordination.space", object_id=str(space.pk))
    assert event.action == "create" and event.actor == cast.coordinator


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider"])
def test_only_coordinators_create_spaces(cast, who):
    with pytest.raises(PermissionDenied):
        services.space_create(actor=getattr(cast, who), data=_data())
    assert not Space.objects.exists()


def test_a_space_needs_a_name(cast):
    with pytest.raises(ValidationError) as error:
        services.space_create(actor=cast.coordinator, data={"type": "other"})
    assert "name_ar" in error.value.message_dict
    assert not Space.objects.exists()


def test_cycles_are_refused(cast):
    top = SpaceFactory()
    middle = SpaceFactory(parent=top)
    bottom = SpaceFactory(parent=middle)
    for parent in (top, bottom, middle):
        with pytest.raises(ValidationError) as error:
            services.space_update(actor=cast.coordinator, space=top, data={"parent": parent})
        assert "parent" in error.value.message_dict
    top.refresh_from_db()
    assert top.parent is None
    assert not AuditEvent.objects.exists()


def test_an_editor_may_not_file_the_space_under_a_private_space_they_cannot_see(cast, spaces):
    SpaceRoleFactory(space=spaces.public, user=cast.member, role="editor")
    with pytest.raises(ValidationError) as error:
        services.space_update(
            actor=cast.member, space=spaces.public, data={"parent": spaces.private}
        )
    assert "parent" in error.value.message_dict


def test_closing_needs_a_reason_and_a_date_not_before_creation(cast):
    space = SpaceFactory(created_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.space_close(
            actor=cast.coordinator, space=space, closed_on=D(2025, 1, 1), reason=" "
        )
    assert "closing_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.space_close(
            actor=cast.coordinator, space=space, closed_on=D(2023, 1, 1), reason="Fusion"
        )
    assert "closed_on" in error.value.message_dict
    space.refresh_from_db()
    assert space.closed_on is None
    services.space_close(
        actor=cast.coordinator, space=space, closed_on=D(2025, 6, 1), reason="Fusion"
    )
    space.refresh_from_db()
    assert (space.closed_on, space.closing_reason) == (D(2025, 6, 1), "Fusion")


def test_a_closed_space_is_not_changed_until_reopened(cast):
    space = SpaceFactory(closed_on=D(2025, 1, 1), closing_reason="Fin du projet")
    with pytest.raises(ValidationError):
        services.space_update(actor=cast.coordinator, space=space, data={"name_fr": "Autre"})
    with pytest.raises(ValidationError):
        services.member_add(
            actor=cast.coordinator,
            space=space,
            data={"organisation": cast.organisation, "position": "member"},
        )
    services.space_reopen(actor=cast.coordinator, space=space)
    space.refresh_from_db()
    assert space.closed_on is None and space.closing_reason == ""
    event = AuditEvent.objects.filter(object_type="coordination.space").first()
    assert event.changes["closing_reason"] == ["Fin du projet", ""]


def test_only_space_admins_and_coordinators_close(cast):
    space = SpaceFactory()
    SpaceRoleFactory(space=space, user=cast.member, role="editor")
    with pytest.raises(PermissionDenied):
        services.space_close(actor=cast.member, space=space, closed_on=D(2025, 1, 1), reason="x")
    SpaceRoleFactory(space=space, user=cast.admin, role="admin")
    services.space_close(actor=cast.admin, space=space, closed_on=D(2025, 1, 1), reason="x")


def test_one_chair_at_a_time(cast):
    space = SpaceFactory()
    SpaceMemberFactory(space=space, position="chair", start_date=D(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator,
            space=space,
            data={
                "organisation": cast.organisation,
                "position": "chair",
                "start_date": D(2025, 1, 1),
            },
        )
    assert "position" in error.value.message_dict
    assert space.members.count() == 1


def test_a_new_chair_after_the_previous_one_ended(cast):
    space = SpaceFactory()
    old = SpaceMemberFactory(space=space, position="chair", start_date=D(2024, 2, 1))
    services.member_end(actor=cast.coordinator, member=old, end_date=D(2024, 12, 31))
    member = services.member_add(
        actor=cast.coordinator,
        space=space,
        data={"organisation": cast.organisation, "position": "chair", "start_date": D(2025, 1, 1)},
    )
    assert member.position == "chair"


def test_an_end_date_before_the_start_is_refused(cast):
    space = SpaceFactory()
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator,
            space=space,
            data={
                "organisation": cast.organisation,
                "position": "member",
                "start_date": D(2025, 3, 1),
                "end_date": D(2025, 2, 1),
            },
        )
    assert "end_date" in error.value.message_dict
    assert not SpaceMember.objects.exists()


def test_an_organisation_sits_once_at_a_time(cast):
    space = SpaceFactory()
    SpaceMemberFactory(space=space, organisation=cast.organisation)
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator,
            space=space,
            data={"organisation": cast.organisation, "position": "observer"},
        )
    assert "organisation" in error.value.message_dict


def test_delegates_are_public_focal_persons_of_the_member(cast):
    space = SpaceFactory()
    member = SpaceMemberFactory(space=space, organisation=cast.organisation)
    own = FocalPersonFactory(organisation=cast.organisation, is_public=True)
    internal = FocalPersonFactory(organisation=cast.organisation, is_public=False)
    foreign = FocalPersonFactory(organisation=OrganisationFactory(), is_public=True)
    for wrong in (internal, foreign):
        with pytest.raises(ValidationError) as error:
            services.member_change(
                actor=cast.coordinator, member=member, data={"delegates": [wrong]}
            )
        assert "delegates" in error.value.message_dict
    services.member_change(actor=cast.coordinator, member=member, data={"delegates": [own]})
    assert list(member.delegates.all()) == [own]


def test_membership_gives_no_right_to_edit(cast):
    space = SpaceFactory()
    SpaceMemberFactory(space=space, organisation=cast.organisation)
    with pytest.raises(PermissionDenied):
        services.space_update(actor=cast.admin, space=space, data={"name_fr": "Autre"})
    with pytest.raises(PermissionDenied):
        services.member_add(
            actor=cast.admin,
            space=space,
            data={"organisation": cast.other_organisation, "position": "member"},
        )


def test_granting_and_revoking_roles(cast):
    space = SpaceFactory()
    SpaceRoleFactory(space=space, user=cast.admin, role="admin")
    role = services.role_grant(
        actor=cast.admin, space=space, email=cast.member.email, role="editor"
    )
    assert cast.member.has_perm("coordination.change_space", space)
    changed = services.role_grant(
        actor=cast.admin, space=space, email=cast.member.email.upper(), role="rapporteur"
    )
    role.refresh_from_db()
    assert role.revoked_at is not None and changed.role == "rapporteur"
    services.role_revoke(actor=cast.admin, space_role=changed)
    assert not SpaceRole.objects.active().filter(user=cast.member).exists()
    assert AuditEvent.objects.filter(object_type="coordination.spacerole").count() == 4


def test_editors_do_not_grant_roles_and_unknown_addresses_are_refused(cast):
    space = SpaceFactory()
    SpaceRoleFactory(space=space, user=cast.member, role="editor")
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=cast.member, space=space, email=cast.admin.email, role="admin")
    with pytest.raises(ValidationError) as error:
        services.role_grant(
            actor=cast.coordinator, space=space, email="nobody@example.org", role="editor"
        )
    assert "email" in error.value.message_dict
    assert SpaceRole.objects.count() == 1
