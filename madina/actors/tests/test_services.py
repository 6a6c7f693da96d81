"""Services: the one path to every write of the registry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.accounts.models import Membership
from madina.actors import services
from madina.actors.models import FocalPerson, Organisation, Sector
from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory, SectorFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organisation.objects.count(),
        FocalPerson.objects.count(),
        Sector.objects.count(),
        AuditEvent.objects.count(),
        Membership.objects.count(),
    )


def test_coordinator_creates_an_organisation_with_an_audit_event(cast, territory):
    sector = SectorFactory()
    organisation = services.organisation_create(
        actor=cast.coordinator,
        data={
            "name_fr": "Caritas Nador",
            "type": Organisation.Type.INTERNATIONAL,
            "sectors": [sector],
            "communes_covered": [territory.nador, territory.beni_ansar],
            "iati_ref": "XM-DAC-12345",
        },
    )
    assert organisation.pk
    assert set(organisation.communes_covered.all()) == {territory.nador, territory.beni_ansar}
    event = AuditEvent.objects.get(
        object_type="actors.organisation", object_id=str(organisation.pk)
    )
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == cast.coordinator
    assert event.organisation_id == organisation.pk
    assert event.changes["name_fr"] == [None, "Caritas Nador"]
    assert event.changes["sectors"][1] == [str(sector.pk)]
    # A coordinator does not become a member of what they register.
    assert not Membership.objects.filter(organisation=organisation).exists()


@pytest.mark.parametrize("who", ["member", "readonly"])
def test_a_user_without_an_admin_role_cannot_create_and_nothing_is_written(cast, who):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=getattr(cast, who), data={"name_fr": "Nouvelle", "type": "cso"}
        )
    assert _counts() == before


def test_an_org_admin_registers_a_branch_and_becomes_its_admin(cast):
    branch = services.organisation_create(
        actor=cast.admin,
        data={"name_fr": "Antenne de Selouane", "type": "cso", "parent": cast.organisation},
    )
    assert branch.parent == cast.organisation
    membership = Membership.objects.get(organisation=branch)
    assert (membership.user, membership.role) == (cast.admin, Membership.Role.ADMIN)
    assert cast.admin.has_perm("actors.change_organisation", branch)


def test_an_org_admin_cannot_register_a_free_standing_organisation(cast):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=cast.admin, data={"name_fr": "Libre", "type": "cso"})
    assert "parent" in error.value.message_dict
    assert _counts() == before


def test_an_org_admin_cannot_register_a_branch_of_someone_else(cast):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=cast.admin,
            data={"name_fr": "Pas à moi", "type": "cso", "parent": cast.other_organisation},
        )
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "cso"}, "name_ar"),
        ({"name_fr": "  ", "type": "cso"}, "name_ar"),
        ({"name_fr": "Hôpital Hassani", "type": "public_institution"}, "institution_sector"),
        ({"name_fr": "Org", "type": "cso", "iati_ref": "12345"}, "iati_ref"),
        ({"name_fr": "Org", "type": "cso", "email": "not-an-address"}, "email"),
        ({"name_fr": "Org", "type": "cso", "phone": "12"}, "phone"),
        ({"name_fr": "Org", "type": "nonsense"}, "type"),
    ],
)
def test_invalid_data_is_refused_and_nothing_is_written(cast, data, field):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=cast.coordinator, data=data)
    assert field in error.value.message_dict
    assert _counts() == before


def test_communes_covered_must_be_communes(cast, territory):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=cast.coordinator,
            data={"name_fr": "Org", "type": "cso", "communes_covered": [territory.province]},
        )
    assert "communes_covered" in error.value.message_dict


def test_institution_sector_is_cleared_when_not_a_public_institution(cast):
    organisation = services.organisation_create(
        actor=cast.coordinator,
        data={"name_fr": "Org", "type": "cso", "institution_sector": "health"},
    )
    assert organisation.institution_sector == ""


def test_org_admin_updates_and_the_audit_keeps_before_and_after(cast, territory):
    services.organisation_update(
        actor=cast.admin,
        organisation=cast.organisation,
        data={"name_fr": "Rif Solidarité", "communes_covered": [territory.selouane]},
    )
    cast.organisation.refresh_from_db()
    assert cast.organisation.name_fr == "Rif Solidarité"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.actor == cast.admin
    assert event.organisation_id == cast.organisation.pk
    assert event.changes == {
        "name_fr": ["Association Rif Solidarité", "Rif Solidarité"],
        "communes_covered": [[], [str(territory.selouane.pk)]],
    }


def test_an_update_that_changes_nothing_writes_no_event(cast):
    services.organisation_update(
        actor=cast.admin, organisation=cast.organisation, data={"acronym": "ARS"}
    )
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["member", "readonly", "outsider"])
def test_others_cannot_update_and_nothing_is_written(cast, who):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=getattr(cast, who), organisation=cast.organisation, data={"name_fr": "Pirate"}
        )
    cast.organisation.refresh_from_db()
    assert cast.organisation.name_fr == "Association Rif Solidarité"
    assert _counts() == before


def test_an_org_admin_cannot_deactivate_their_organisation(cast):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=cast.admin, organisation=cast.organisation, data={"is_active": False}
        )
    services.organisation_update(
        actor=cast.coordinator, organisation=cast.organisation, data={"is_active": False}
    )
    cast.organisation.refresh_from_db()
    assert cast.organisation.is_active is False


def test_an_organisation_cannot_be_its_own_ancestor(cast):
    branch = OrganisationFactory(parent=cast.organisation)
    with pytest.raises(ValidationError) as error:
        services.organisation_update(
            actor=cast.coordinator, organisation=cast.organisation, data={"parent": branch}
        )
    assert "parent" in error.value.message_dict


def test_a_failed_update_leaves_the_record_unchanged(cast):
    with pytest.raises(ValidationError):
        services.organisation_update(
            actor=cast.admin,
            organisation=cast.organisation,
            data={"name_fr": "", "name_ar": "", "name_en": ""},
        )
    cast.organisation.refresh_from_db()
    assert cast.organisation.name_fr == "Association Rif Solidarité"
    assert not AuditEvent.objects.exists()


# --- Focal persons ---


def test_a_member_adds_edits_and_removes_a_focal_person_with_audit(cast):
    person = services.focal_person_create(
        actor=cast.member,
        organisation=cast.organisation,
        data={"full_name": "Fatima Zahra", "role": "orientation", "phone": "0536606060"},
    )
    assert person.phone.as_e164 == "+212536606060"
    services.focal_person_update(actor=cast.member, focal_person=person, data={"is_public": True})
    services.focal_person_delete(actor=cast.member, focal_person=person)
    assert not FocalPerson.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="actors.focalperson")
        .order_by("id")
        .values_list("action", "organisation_id")
    )
    assert actions == [
        ("create", cast.organisation.pk),
        ("update", cast.organisation.pk),
        ("delete", cast.organisation.pk),
    ]


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_readonly_and_outsiders_cannot_touch_focal_persons(cast, who):
    person = FocalPersonFactory(organisation=cast.organisation)
    before = _counts()
    actor = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.focal_person_create(
            actor=actor, organisation=cast.organisation, data={"full_name": "X", "role": "Y"}
        )
    with pytest.raises(PermissionDenied):
        services.focal_person_update(actor=actor, focal_person=person, data={"full_name": "X"})
    with pytest.raises(PermissionDenied):
        services.focal_person_delete(actor=actor, focal_person=person)
    assert _counts() == before


# --- Sectors ---


def test_coordinators_edit_the_sector_taxonomy(cast):
    health = services.sector_create(
        actor=cast.coordinator,
        data={"code": "SNIA-01", "kind": "sectoral", "name_ar": "الصحة", "name_fr": "Santé"},
    )
    services.sector_update(
        actor=cast.coordinator, sector=health, data={"name_en": "Health", "verified": True}
    )
    health.refresh_from_db()
    assert (health.name_en, health.verified) == ("Health", True)
    assert AuditEvent.objects.filter(object_type="actors.sector").count() == 2


def test_others_cannot_edit_sectors(cast):
    sector = SectorFactory()
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.sector_create(
            actor=cast.admin, data={"code": "X", "kind": "sectoral", "name_ar": "x", "name_fr": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.sector_update(actor=cast.admin, sector=sector, data={"name_fr": "Autre"})
    assert _counts() == before


def test_a_sector_cannot_be_under_its_own_sub_sector(cast):
    parent = SectorFactory()
    child = SectorFactory(parent=parent, kind=Sector.Kind.SUBSECTOR)
    with pytest.raises(ValidationError):
        services.sector_update(actor=cast.coordinator, sector=parent, data={"parent": child})
