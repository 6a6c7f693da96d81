"""Advocacy and mobilisation actions: pages per role, filters, bad input that writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from madina.core.models import AuditEvent
from madina.outreach import training_services as services
from madina.outreach.models import AdvocacyAction
from madina.outreach.tests.fixtures_trainings import (  # noqa: F401 (the fixtures)
    action_fixture,
    places_fixture,
)

pytestmark = pytest.mark.django_db


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"outreach:{name}", args=args)[3:]


def _post(organisation=None, **changes):
    data = {
        "kind": AdvocacyAction.Kind.MOBILISATION,
        "held_on": "2025-06-20",
        "target": "Habitants du quartier Ouled Mimoun",
        "message": "Journée de mobilisation pour l'inscription des enfants à l'école.",
        "commune": "",
        "people_reached": "120",
        "outcome": AdvocacyAction.Outcome.PENDING,
        "outcome_notes": "",
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    data.update(changes)
    return data


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("who", ["admin", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_reads_the_list_and_the_detail(cast, action, who, language):
    client = cast.client_for(who)
    listing = client.get(_url("advocacy_list", language=language))
    assert listing.status_code == 200
    assert action.target in listing.content.decode()
    detail = client.get(_url("advocacy_detail", action.pk, language=language))
    assert detail.status_code == 200
    assert "Une commission a été créée." in detail.content.decode()


def test_anonymous_is_sent_to_sign_in(client, action):
    assert client.get(_url("advocacy_list")).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("readonly", 403), ("outsider", 403)],
)
def test_edit_page_per_role(cast, action, who, status):
    assert cast.client_for(who).get(_url("advocacy_update", action.pk)).status_code == status


def test_unknown_ids_are_404(cast):
    assert cast.client_for("admin").get(_url("advocacy_detail", 999999)).status_code == 404
    assert cast.client_for("admin").get(_url("advocacy_update", 999999)).status_code == 404


def test_read_only_cannot_create(cast):
    assert cast.client_for("readonly").get(_url("advocacy_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.advocacy_create(actor=cast.readonly, organisation=cast.organisation, data={})
    assert not AdvocacyAction.objects.exists()


def test_the_outsider_cannot_change_or_record_for_another_organisation(cast, action):
    client = cast.client_for("outsider")
    response = client.post(_url("advocacy_update", action.pk), _post(target="Pris"))
    assert response.status_code == 403
    response = client.post(_url("advocacy_create"), _post(cast.organisation))
    assert response.status_code == 200
    assert AdvocacyAction.objects.count() == 1
    action.refresh_from_db()
    assert action.target != "Pris"


def test_create_and_update(cast, places):
    client = cast.client_for("member")
    response = client.post(
        _url("advocacy_create"), _post(cast.organisation, commune=places.nador.pk)
    )
    assert response.status_code == 302
    created = AdvocacyAction.objects.get()
    assert created.people_reached == 120 and created.commune == places.nador
    assert AuditEvent.objects.filter(object_type="outreach.advocacyaction").count() == 1
    response = client.post(
        _url("advocacy_update", created.pk),
        _post(outcome="achieved", outcome_notes="Trente enfants inscrits.", people_reached=""),
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.outcome == "achieved" and created.people_reached is None


def test_filters(cast, action):
    other = AdvocacyAction.objects.create(
        organisation=cast.other_organisation,
        kind=AdvocacyAction.Kind.MOBILISATION,
        held_on=datetime.date(2024, 12, 18),
        target="Journée internationale des migrants",
        message="Marche et village associatif.",
        outcome=AdvocacyAction.Outcome.ACHIEVED,
    )
    client = cast.client_for("readonly")

    def targets(**filters):
        page = client.get(_url("advocacy_list"), filters).content.decode()
        return {a.target for a in (action, other) if a.target in page}

    assert targets() == {action.target, other.target}
    assert targets(kind="mobilisation") == {other.target}
    assert targets(organisation=cast.organisation.pk) == {action.target}
    assert targets(outcome="partly") == {action.target}
    assert targets(since="2025-01-01") == {action.target}
    assert targets(until="2024-12-31") == {other.target}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"people_reached": "-5"}, "people_reached"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"target": "  "}, "target"),
        ({"message": ""}, "message"),
        ({"kind": "petition"}, "kind"),
    ],
)
def test_bad_input_writes_nothing(cast, changes, field):
    response = cast.client_for("admin").post(
        _url("advocacy_create"), _post(cast.organisation, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AdvocacyAction.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_service_refuses_a_future_date_and_negative_people(cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.advocacy_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data={
                "kind": "advocacy",
                "held_on": tomorrow,
                "target": "Wilaya",
                "message": "Accès aux soins",
                "people_reached": -1,
            },
        )
    assert {"held_on", "people_reached"} <= set(error.value.message_dict)
    assert "The date cannot be in the future." in error.value.message_dict["held_on"]
    assert not AdvocacyAction.objects.exists()


def test_the_future_date_is_explained_in_english(cast):
    response = cast.client_for("admin").post(
        _url("advocacy_create", language="en"), _post(cast.organisation, held_on="2999-01-01")
    )
    assert "The date cannot be in the future." in response.content.decode()


def test_markup_is_shown_as_text(cast, action):
    services.advocacy_update(
        actor=cast.admin,
        action=action,
        data={"message": '<img src=x onerror="alert(1)">', "outcome_notes": "<b>gras</b>"},
    )
    page = cast.client_for("outsider").get(_url("advocacy_detail", action.pk)).content.decode()
    assert "<img src=x" not in page and "<b>gras</b>" not in page
    assert "&lt;img src=x" in page and "&lt;b&gt;gras&lt;/b&gt;" in page
