"""The services write the directory: permissions, validation, audit; a refusal writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.actors.tests.factories import FocalPersonFactory, SectorFactory
from madina.core.models import AuditEvent
from madina.directory import services
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

DATA = {"name_fr": "Écoute des femmes", "type": "psychosocial", "cost": "free"}


@pytest.mark.parametrize("who", ["admin", "member", "coordinator"])
def test_editors_add_a_service_and_it_is_audited(cast, who):
    actor = getattr(cast, who)
    service = services.service_create(
        actor=actor, organisation=cast.organisation, data={**DATA, "languages": ["fr", "ary"]}
    )
    assert service.organisation == cast.organisation
    assert service.languages == "ary fr"
    event = AuditEvent.objects.get(object_type="directory.service", object_id=str(service.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == actor
    assert event.organisation_id == cast.organisation.pk


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_others_may_not_add_and_nothing_is_written(cast, who):
    with pytest.raises(PermissionDenied):
        services.service_create(actor=getattr(cast, who), organisation=cast.organisation, data=DATA)
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(object_type="directory.service").exists()


def test_a_focal_point_of_another_organisation_is_refused(cast):
    stranger = FocalPersonFactory(organisation=cast.other_organisation)
    with pytest.raises(ValidationError) as error:
        services.service_create(
            actor=cast.coordinator,
            organisation=cast.organisation,
            data={**DATA, "accepts_referrals": True, "referral_focal_point": stranger},
        )
    assert "referral_focal_point" in error.value.message_dict
    assert not Service.objects.exists()


def test_accepting_referrals_needs_a_focal_point(cast):
    with pytest.raises(ValidationError) as error:
        services.service_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data={**DATA, "accepts_referrals": True},
        )
    assert "referral_focal_point" in error.value.message_dict
    person = FocalPersonFactory(organisation=cast.organisation)
    service = services.service_create(
        actor=cast.admin,
        organisation=cast.organisation,
        data={**DATA, "accepts_referrals": True, "referral_focal_point": person},
    )
    assert service.referral_focal_point == person


def test_a_cell_needs_its_kind_and_a_plain_service_has_none(cast):
    with pytest.raises(ValidationError) as error:
        services.service_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data={**DATA, "is_specialised_cell": True},
        )
    assert "cell_kind" in error.value.message_dict
    service = services.service_create(
        actor=cast.admin,
        organisation=cast.organisation,
        data={**DATA, "is_specialised_cell": False, "cell_kind": "court"},
    )
    assert service.cell_kind == ""


def test_names_languages_sectors_and_positions_are_checked(cast):
    sub = SectorFactory(parent=SectorFactory())
    bad = [
        ({"name_fr": "  "}, "name_ar"),
        ({"languages": ["xx"]}, "languages"),
        ({"sector": sub}, "sector"),
        ({"latitude": "35.1"}, "latitude"),
        ({"latitude": 95, "longitude": 2}, "latitude"),
    ]
    for extra, key in bad:
        with pytest.raises(ValidationError) as error:
            services.service_create(
                actor=cast.admin, organisation=cast.organisation, data={**DATA, **extra}
            )
        assert key in error.value.message_dict, extra
    assert not Service.objects.exists()


def test_update_records_before_and_after_and_refuses_read_only(cast):
    service = ServiceFactory(organisation=cast.organisation, name_fr="Avant")
    with pytest.raises(PermissionDenied):
        services.service_update(actor=cast.readonly, service=service, data={"name_fr": "X"})
    with pytest.raises(PermissionDenied):
        services.service_update(actor=cast.outsider, service=service, data={"name_fr": "X"})
    services.service_update(actor=cast.member, service=service, data={"name_fr": "Après"})
    service.refresh_from_db()
    assert service.name_fr == "Après"
    event = AuditEvent.objects.get(object_type="directory.service", action="update")
    assert event.changes["name_fr"] == ["Avant", "Après"]


def test_search_text_holds_the_organisation_names(cast):
    service = ServiceFactory(organisation=cast.organisation)
    assert "ars" in service.search_text
