"""Uploads: judged by content, kept to their limit, stored under random names, served safely.

Every upload field of the platform (``UPLOAD_FIELDS``, checked against the forms so that a new
one cannot be forgotten) is given the files an attacker would try: a web page named ``.pdf``, an
SVG with a script named ``.png``, a file that is a PDF and a web page at once, a file one byte
over the limit, an empty file. Each is refused with a message in the reader's language. A good
file with a hostile name (``../``, U+202E RIGHT-TO-LEFT OVERRIDE, Arabic) is stored under a
random name, and every view that hands a stored file back answers with the registry's type,
``nosniff``, and ``attachment`` unless it is a harmless image.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re

import pytest
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from madina.coordination import evidence_services
from madina.coordination.tests.factories import ItemFactory, SpaceMemberFactory
from madina.core.uploads import EvidenceFileField, clean_original_name
from madina.interop.models import ImportJob
from madina.meetings import services as meeting_services
from madina.meetings.tests.factories import MeetingFactory, MinutesFactory
from madina.outreach import services as outreach_services
from madina.outreach.tests.fixtures_sessions import capsule_data

pytestmark = pytest.mark.django_db

# (form module, form, field): every file field a user can post to.
UPLOAD_FIELDS = [
    ("madina.coordination.programme_forms", "EvidenceForm", "file"),
    ("madina.meetings.forms", "MinutesFileForm", "file"),
    ("madina.meetings.forms", "UpdateForm", "evidence_file"),
    ("madina.outreach.forms", "CapsuleFileForm", "file"),
    ("madina.results.forms", "ManualValueForm", "evidence"),
    ("madina.cases.forms", "AttachmentForm", "file"),
    ("madina.interop.forms", "ImportUploadForm", "file"),  # checked by the import service
]
FORM_MODULES = sorted({module for module, _, _ in UPLOAD_FIELDS} | {
    "madina.accounts.forms", "madina.actors.forms", "madina.cases.forms_referrals",
    "madina.consultations.forms", "madina.coordination.forms", "madina.directory.forms",
    "madina.feedback.forms", "madina.initiatives.forms", "madina.meetings.registration_forms",
    "madina.outreach.training_forms", "madina.portal.forms", "madina.territory.forms",
})  # fmt: skip

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"
HOSTILE_NAME = "../../etc/\u202egnp.exe\u202c تقرير <b>x</b>.png"
HOSTILE_PDF_NAME = "..\\..\\\u202efdp.exe\u202c تقرير.pdf"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _field(module: str, form: str, name: str) -> django_forms.Field:
    return getattr(importlib.import_module(module), form).base_fields[name]


def test_every_upload_field_is_listed():
    found = set()
    for module in FORM_MODULES:
        for form_name, form in vars(importlib.import_module(module)).items():
            if inspect.isclass(form) and issubclass(form, django_forms.BaseForm):
                for name, field in getattr(form, "base_fields", {}).items():
                    if isinstance(field, django_forms.FileField):
                        found.add((module, form_name, name))
    assert found == set(UPLOAD_FIELDS)


EVIDENCE_FIELDS = [f for f in UPLOAD_FIELDS if f[1] != "ImportUploadForm"]

ATTACKS = {
    "html named .pdf": ("report.pdf", HTML),
    "svg with a script named .png": ("photo.png", SVG),
    "svg named .svg": ("drawing.svg", SVG),
    "empty file": ("empty.pdf", b""),
    "html named .txt": ("notes.txt", HTML),
}


@pytest.mark.parametrize("where", EVIDENCE_FIELDS, ids=lambda f: f"{f[1]}.{f[2]}")
@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_hostile_files_are_refused_with_a_translated_message(where, attack):
    field = _field(*where)
    name, content = ATTACKS[attack]
    for language, script in (("fr", r"[a-zé]"), ("ar", r"[\u0600-\u06ff]")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            field.clean(SimpleUploadedFile(name, content))
        message = " ".join(str(m) for m in refused.value.messages)
        assert re.search(script, message), f"{attack}: untranslated refusal {message!r}"
        assert "<script" not in message


@pytest.mark.parametrize("where", EVIDENCE_FIELDS, ids=lambda f: f"{f[1]}.{f[2]}")
def test_a_file_one_byte_over_the_limit_is_refused(where):
    field = _field(*where)
    assert isinstance(field, EvidenceFileField)
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = field.max_bytes + 1  # what the upload handler counted
    with translation.override("fr"), pytest.raises(ValidationError):
        field.clean(upload)
    upload.size = field.max_bytes
    assert field.clean(SimpleUploadedFile("ok.pdf", PDF)) is not None


def test_hostile_names_are_cleaned_and_never_used_for_storage():
    shown = clean_original_name(HOSTILE_NAME)
    assert "/" not in shown and ".." not in shown.split(".")[0:1]
    assert "\u202e" not in shown and "\u202c" not in shown
    assert shown.endswith(".png")


@pytest.fixture
def meeting_world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = MeetingFactory(organiser=cast.organisation)
    SpaceMemberFactory(space=meeting.space, organisation=cast.organisation)
    MinutesFactory(meeting=meeting)
    return meeting


def _served(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, f"{url} answered {answer.status_code}"
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return answer, body


def _assert_served_safely(answer, *, image: bool) -> None:
    content_type = answer["Content-Type"]
    disposition = answer.get("Content-Disposition", "")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "html" not in content_type and "svg" not in content_type and "xml" not in content_type
    if not image:
        assert disposition.startswith("attachment"), disposition
    else:
        assert content_type in ("image/png", "image/jpeg", "image/webp"), content_type
    assert "\u202e" not in disposition and "../" not in disposition


def test_stored_files_get_random_names_and_are_served_safely(cast, meeting_world):
    client = cast.client_for("coordinator")
    minutes_photo = meeting_services.minutes_file_add(
        actor=cast.coordinator,
        meeting=meeting_world,
        file=SimpleUploadedFile(HOSTILE_NAME, _png()),
        kind="photo",
    )
    minutes_pdf = meeting_services.minutes_file_add(
        actor=cast.coordinator,
        meeting=meeting_world,
        file=SimpleUploadedFile("../\u202efdp.exe.pdf", PDF),
        kind="document",
    )
    item = ItemFactory(programme__space=meeting_world.space)
    evidence = evidence_services.evidence_add(
        actor=cast.coordinator, item=item, file=SimpleUploadedFile(HOSTILE_PDF_NAME, PDF)
    )
    # A PDF whose body is also a web page is a PDF: accepted, but only ever served as one.
    polyglot = evidence_services.evidence_add(
        actor=cast.coordinator, item=item, file=SimpleUploadedFile("notes.pdf", POLYGLOT)
    )
    capsule = outreach_services.capsule_create(
        actor=cast.coordinator, organisation=cast.organisation, data=capsule_data()
    )
    capsule_file = outreach_services.capsule_file_add(
        actor=cast.coordinator, capsule=capsule, file=SimpleUploadedFile(HOSTILE_PDF_NAME, PDF)
    )
    stored = [minutes_photo.file.name, minutes_pdf.file.name, evidence.file.name]
    stored.append(polyglot.file.name)
    stored.append(capsule_file.file.name)
    for name in stored:
        base = name.rsplit("/", 1)[-1]
        assert re.fullmatch(r"[A-Za-z0-9_-]{16,}\.(png|pdf)", base), name
        assert ".." not in name and "\u202e" not in name

    for url, image in (
        (reverse("meetings:minutes_file", args=[minutes_photo.pk]), True),
        (reverse("meetings:minutes_file", args=[minutes_pdf.pk]), False),
        (reverse("coordination:evidence_download", args=[evidence.pk]), False),
        (reverse("coordination:evidence_download", args=[polyglot.pk]), False),
        (reverse("outreach:capsule_file", args=[capsule.pk, capsule_file.pk]), False),
    ):
        answer, _body = _served(client, url)
        _assert_served_safely(answer, image=image)


def test_a_hostile_upload_through_the_page_changes_nothing(cast, meeting_world):
    client = cast.client_for("coordinator")
    url = reverse("meetings:minutes_file_add", args=[meeting_world.pk])
    with translation.override("fr"):
        answer = client.post(
            url, {"kind": "document", "file": SimpleUploadedFile("minutes.pdf", HTML)}
        )
    assert answer.status_code == 200
    assert meeting_world.minutes.files.count() == 0


def test_import_sheet_refuses_a_web_page(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = cast.client_for("admin")
    url = reverse("interop:import_upload")
    for name, content in (("sheet.xlsx", HTML), ("sheet.csv", SVG), ("sheet.xlsx", b"")):
        answer = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert answer.status_code == 200, f"{name}: {answer.status_code}"
        assert b'id="id_file_error"' in answer.content, name
    assert not ImportJob.objects.exists()


def test_media_is_not_served_by_the_app_in_production(settings, client):
    import madina.urls

    settings.DEBUG = False
    serving = [
        p
        for p in madina.urls.urlpatterns
        if "serve" in getattr(p, "lookup_str", "") and "media" in str(getattr(p, "pattern", ""))
    ]
    assert not serving
    assert client.get(settings.MEDIA_URL + "x.pdf").status_code == 404
