"""Retention, access requests, correction and deletion (Law 09-08)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from madina.cases import services, tasks
from madina.cases.models import AccessEvent, Case, Incident, Person, PersonIdentity
from madina.cases.tests.conftest import PHONE, verify

pytestmark = pytest.mark.django_db


def _closed(case, days_ago):
    Case.objects.filter(pk=case.pk).update(
        stage=Case.Stage.CLOSED, closed_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_the_nightly_job_anonymises_only_what_is_due(
    ccast, settings, django_capture_on_commit_callbacks
):
    settings.MADINA_CASE_RETENTION_DAYS = 365
    worker = verify(ccast.worker)
    due, recent, open_case = (ccast.open_case() for _ in range(3))
    for case in (due, recent, open_case):
        services.incident_record(
            actor=worker,
            case=case,
            type="rape",
            occurred_on=timezone.localdate() - dt.timedelta(days=400),
            commune=ccast.commune,
            description="details",
        )
    attachment = services.attachment_add(
        actor=worker, case=due, upload=SimpleUploadedFile("n.txt", b"note", "text/plain")
    )
    _closed(due, 400)
    _closed(recent, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.anonymise_closed_cases.call_local() == 1
    assert not PersonIdentity.objects.filter(person=due.person).exists()
    assert PersonIdentity.objects.filter(person=recent.person).exists()
    assert PersonIdentity.objects.filter(person=open_case.person).exists()
    incident = Incident.objects.get(case=due)
    assert (
        incident.description == "" and incident.type == "rape" and incident.commune == ccast.commune
    )
    assert not due.attachments.exists() and not default_storage.exists(attachment.file.name)
    assert Person.objects.get(pk=due.person_id).anonymised_at is not None
    with pytest.raises(ValidationError, match="anonymised"):
        services.case_reopen(actor=worker, case=Case.objects.get(pk=due.pk), reason="again")
    assert tasks.anonymise_closed_cases.call_local() == 0


def test_access_request_export_holds_everything_and_is_logged(ccast):
    case = ccast.open_case()
    data = json.loads(services.person_export(actor=verify(ccast.worker), case=case))
    assert data["identity"]["phone"] == PHONE and data["case"] == case.code
    assert {c["purpose"] for c in data["consents"]} == {"services", "referral"}
    assert case.access_events.filter(
        action=AccessEvent.Action.EXPORT, part="person_export"
    ).exists()


def test_correction_replaces_the_identity(ccast):
    case = ccast.open_case()
    services.identity_update(
        actor=verify(ccast.worker),
        case=case,
        identity={"given_name": "Aminata", "family_name": "Conde", "birth_date": "2010-01-01"},
    )
    case.person.refresh_from_db()
    assert PersonIdentity.objects.get(person=case.person).data["family_name"] == "Conde"
    assert case.person.age_band == "12-17"


def test_deletion_removes_person_history_and_files(ccast, django_capture_on_commit_callbacks):
    case = ccast.open_case()
    worker = verify(ccast.worker)
    attachment = services.attachment_add(
        actor=worker, case=case, upload=SimpleUploadedFile("n.txt", b"note", "text/plain")
    )
    name = attachment.file.name
    with pytest.raises(PermissionDenied):
        services.case_delete(actor=worker, case=case)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_delete(actor=verify(ccast.supervisor), case=case)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Person.objects.filter(pk=case.person_id).exists()
    assert not AccessEvent.objects.filter(case_id=case.pk).exists()
    assert not default_storage.exists(name)
