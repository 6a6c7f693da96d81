"""Acceptance 3: no plaintext name, phone or date of birth of a case in the database, and the
keys rotate."""

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import override_settings
from django.utils import timezone

from madina.cases import services
from madina.cases.crypto import generate_key
from madina.cases.models import Attachment, Case, PersonIdentity
from madina.cases.tests.conftest import BIRTH, PHONE, verify

pytestmark = pytest.mark.django_db

SECRETS = ["Aminata", "Diallo", PHONE, PHONE[4:], BIRTH, "her sister in Selouane", "17/04/1999"]


def _full_case(ccast):
    case = ccast.open_case(consents=("services", "court_cell", "statistics"))
    worker = verify(ccast.worker)
    services.assessment_save(
        actor=worker,
        case=case,
        risk="high",
        needs=["legal"],
        safety_plan="Stay with her sister in Selouane",
        contact_notes=PHONE,
    )
    services.incident_record(
        actor=worker,
        case=case,
        type="physical_assault",
        occurred_on=timezone.localdate(),
        description="Aminata Diallo was hit",
    )
    referral = services.referral_create(
        actor=worker,
        case=case,
        service=ccast.cell,
        profile="court_cell",
        message="Aminata needs a hearing",
    )
    services.referral_send(actor=worker, referral=referral)
    upload = io.BytesIO(
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n Aminata Diallo 17/04/1999"
    )
    upload.name = "statement.pdf"
    services.attachment_add(actor=worker, case=case, upload=upload, title="Aminata statement")
    return case


def _database_image() -> bytes:
    """Every byte the database holds for this test, read below the ORM."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT CAST(t AS text) FROM "{table}" t')  # noqa: S608
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks).encode("utf-8")


def test_no_plaintext_identity_in_the_database(ccast):
    case = _full_case(ccast)
    image = _database_image()
    assert case.code.encode() in image  # the image is what we think it is
    for secret in SECRETS:
        assert secret.encode("utf-8") not in image, secret
    # And the attachment file on disk holds a token, not the document.
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert b"Aminata" not in stored and not stored.startswith(b"%PDF")


def _raw_identity() -> str:
    return (
        PersonIdentity.objects.annotate(raw=Cast("data", output_field=TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def test_rotation_re_encrypts_everything(ccast, tmp_path, settings):
    old, new = generate_key(), generate_key()
    settings.MEDIA_ROOT = tmp_path
    with override_settings(MADINA_CASE_KEYS=[old]):
        case = _full_case(ccast)
        before = _raw_identity()
    with override_settings(MADINA_CASE_KEYS=[new, old]):
        call_command("rotate_case_keys", stdout=io.StringIO())
    with override_settings(MADINA_CASE_KEYS=[new]):
        identity = PersonIdentity.objects.get(person=case.person)
        assert identity.data["family_name"] == "Diallo"
        case = Case.objects.get(pk=case.pk)
        assert case.safety_plan.startswith("Stay with")
        referral = case.referrals.get()
        assert referral.packet["names"]["given_name"] == "Aminata"
        data = services.attachment_read(
            actor=verify(ccast.worker), attachment=Attachment.objects.get()
        )
        assert b"Aminata Diallo" in data
        assert before != _raw_identity()
    with override_settings(MADINA_CASE_KEYS=[old]), pytest.raises(InvalidToken):
        PersonIdentity.objects.get(person=case.person)


def test_a_wrong_key_cannot_read(ccast):
    case = ccast.open_case()
    with override_settings(MADINA_CASE_KEYS=[generate_key()]), pytest.raises(InvalidToken):
        PersonIdentity.objects.get(person=case.person)
