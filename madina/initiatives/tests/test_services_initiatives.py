"""Registering, changing and closing initiatives through the services: who may, what is kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from madina.actors.tests.factories import OrganisationFactory
from madina.core.models import AuditEvent
from madina.initiatives import services
from madina.initiatives.models import Initiative, InitiativePartner
from madina.initiatives.tests.factories import InitiativeFactory, InitiativePartnerFactory

pytestmark = pytest.mark.django_db


def _data(cast, registry, **overrides):
    data = {
        "title": "Cours d'alphabétisation pour femmes migrantes",
        "description": "Deux séances par semaine.",
        "language": "fr",
        "lead_organisation": cast.organisation,
        "sector": registry.health,
        "subsector": registry.mental_health,
        "activity_type": registry.awareness,
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 6, 30),
        "status": Initiative.Status.ONGOING,
        "budget": 1000,
        "currency": "MAD",
        "communes": [registry.nador, registry.beni_ansar],
        "target_groups": [registry.women],
        "partners": [(cast.other_organisation, InitiativePartner.Role.IMPLEMENTING)],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["admin", "member", "coordinator"])
def test_editors_and_coordinators_register_an_initiative(cast, registry, who):
    initiative = services.initiative_create(actor=getattr(cast, who), data=_data(cast, registry))
    assert initiative.lead_organisation == cast.organisation
    assert set(initiative.communes.all()) == {registry.nador, registry.beni_ansar}
    assert list(initiative.target_groups.all()) == [registry.women]
    assert list(initiative.partnerships.values_list("organisation", "role")) == [
        (cast.other_organisation.pk, "implementing")
    ]
    assert initiative.created_by == getattr(cast, who)
    event = AuditEvent.objects.get(object_type="initiatives.initiative", action="create")
    assert event.organisation_id == cast.organisation.pk
    assert event.changes["partnerships"] == [None, [f"{cast.other_organisation.pk}:implementing"]]


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_others_cannot_register_for_the_organisation(cast, registry, who):
    with pytest.raises(PermissionDenied):
        services.initiative_create(actor=getattr(cast, who), data=_data(cast, registry))
    assert Initiative.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_refused_initiative_writes_nothing(cast, registry):
    with pytest.raises(ValidationError) as caught:
        services.initiative_create(
            actor=cast.member,
            data=_data(
                cast,
                registry,
                communes=[],
                end_date=datetime.date(2025, 1, 1),
                subsector=registry.education,
            ),
        )
    assert set(caught.value.message_dict) >= {"communes", "end_date", "subsector"}
    assert Initiative.objects.count() == 0
    assert InitiativePartner.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_province_is_not_a_commune(cast, registry):
    with pytest.raises(ValidationError) as caught:
        services.initiative_create(
            actor=cast.member, data=_data(cast, registry, communes=[registry.nador_province])
        )
    assert "communes" in caught.value.message_dict


def test_errors_are_in_the_users_language(cast, registry):
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        services.initiative_create(actor=cast.member, data=_data(cast, registry, communes=[]))
    assert caught.value.message_dict["communes"] == ["Choisissez au moins une commune."]


def test_update_changes_only_what_is_given_and_is_audited(cast, registry):
    initiative = services.initiative_create(actor=cast.member, data=_data(cast, registry))
    services.initiative_update(
        actor=cast.admin,
        initiative=initiative,
        data={"title": "Nouveau titre", "partners": [], "communes": [registry.oujda]},
    )
    initiative.refresh_from_db()
    assert initiative.title == "Nouveau titre"
    assert initiative.description == "Deux séances par semaine."
    assert list(initiative.communes.all()) == [registry.oujda]
    assert initiative.partnerships.count() == 0
    event = AuditEvent.objects.get(action="update")
    assert set(event.changes) == {"title", "communes", "partnerships"}
    assert event.organisation_id == cast.organisation.pk


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_others_cannot_change_it(cast, registry, who):
    initiative = InitiativeFactory(lead_organisation=cast.organisation, title="Avant")
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            actor=getattr(cast, who), initiative=initiative, data={"title": "Après"}
        )
    initiative.refresh_from_db()
    assert initiative.title == "Avant"


def test_a_partner_does_not_edit_the_record(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.other_organisation)
    InitiativePartnerFactory(initiative=initiative, organisation=cast.organisation)
    with pytest.raises(PermissionDenied):
        services.initiative_update(actor=cast.member, initiative=initiative, data={"title": "x"})


def test_a_member_cannot_hand_the_lead_to_another_organisation(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.organisation)
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            actor=cast.member,
            initiative=initiative,
            data={"lead_organisation": OrganisationFactory()},
        )
    initiative.refresh_from_db()
    assert initiative.lead_organisation == cast.organisation


def test_the_coordinator_may_hand_the_lead_over(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.organisation)
    services.initiative_update(
        actor=cast.coordinator,
        initiative=initiative,
        data={"lead_organisation": cast.other_organisation},
    )
    initiative.refresh_from_db()
    assert initiative.lead_organisation == cast.other_organisation


def test_the_lead_cannot_be_its_own_partner(cast, registry):
    with pytest.raises(ValidationError) as caught:
        services.initiative_create(
            actor=cast.member,
            data=_data(cast, registry, partners=[(cast.organisation, "funding")]),
        )
    assert "partners" in caught.value.message_dict


def test_status_changes_are_audited_and_nothing_is_deleted(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.organisation)
    services.initiative_set_status(actor=cast.member, initiative=initiative, status="completed")
    services.initiative_set_status(actor=cast.member, initiative=initiative, status="cancelled")
    initiative.refresh_from_db()
    assert initiative.status == "cancelled"
    changes = [
        e.changes["status"] for e in AuditEvent.objects.filter(action="update").order_by("id")
    ]
    assert changes == [["ongoing", "completed"], ["completed", "cancelled"]]
    assert not hasattr(services, "initiative_delete")


def test_status_by_read_only_is_refused(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.organisation)
    with pytest.raises(PermissionDenied):
        services.initiative_set_status(
            actor=cast.readonly, initiative=initiative, status="cancelled"
        )
    initiative.refresh_from_db()
    assert initiative.status == "ongoing"


def test_an_unknown_status_is_refused(cast, registry):
    initiative = InitiativeFactory(lead_organisation=cast.organisation)
    with pytest.raises(ValidationError):
        services.initiative_set_status(actor=cast.member, initiative=initiative, status="deleted")
    assert AuditEvent.objects.count() == 0
