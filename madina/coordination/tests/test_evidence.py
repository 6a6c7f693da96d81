"""Evidence files on actions and milestones: refused files leave nothing behind, photos lose
their GPS position, downloads only through the authorising view, the whole cast."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from madina.coordination import evidence_services as services
from madina.coordination.models import ItemEvidence
from madina.coordination.tests.factories import SpaceRoleFactory
from madina.core.models import AuditEvent
from madina.core.tests.test_uploads import PDF, docx_bytes, gps_of, image_bytes, photo_with_gps
from madina.core.uploads import MIB

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add_path(plan, language: str = "fr") -> str:
    return f"/{language}/spaces/items/{plan.action.pk}/evidence/new/"


def _post(client, path: str, name: str, content: bytes, title: str = ""):
    return client.post(path, {"file": SimpleUploadedFile(name, content), "title": title})


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def test_the_lead_adds_a_pdf_and_finds_it_on_the_item_page(cast, plan):
    client = cast.client_for("member")
    response = _post(client, _add_path(plan), "rapport.pdf", PDF, "Rapport de l'atelier")
    assert response.status_code == 302
    evidence = ItemEvidence.objects.get()
    assert (evidence.item, evidence.original_name, evidence.size) == (
        plan.action,
        "rapport.pdf",
        len(PDF),
    )
    assert evidence.content_type == "application/pdf" and evidence.uploaded_by == cast.member
    assert (
        evidence.file.name.startswith("evidence/actions/") and "rapport" not in evidence.file.name
    )
    event = AuditEvent.objects.get(object_type="coordination.itemevidence")
    assert event.action == "create" and event.changes["original_name"] == [None, "rapport.pdf"]
    page = client.get(f"/ar/spaces/items/{plan.action.pk}/").content.decode()
    assert "Rapport de l&#x27;atelier" in page and evidence.get_absolute_url() in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "الملف «scan.pdf» ليس مستند PDF: محتواه صورة PNG."),
        (
            "fr",
            "Le fichier « scan.pdf » n’est pas un document PDF : son contenu est une image PNG.",
        ),
    ],
)
def test_a_png_named_pdf_is_refused_in_the_readers_language_and_nothing_is_saved(
    cast, plan, language, expected
):
    response = _post(
        cast.client_for("member"), _add_path(plan, language), "scan.pdf", image_bytes("PNG")
    )
    assert response.status_code == 200
    assert expected in _plain(response.content.decode())
    assert not ItemEvidence.objects.exists()
    assert stored_files() == []
    assert not AuditEvent.objects.filter(object_type="coordination.itemevidence").exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "حجم الملف «big.pdf» أكبر من 10 ميغابايت."),
        ("fr", "Le fichier « big.pdf » dépasse 10 Mo."),
    ],
)
def test_an_oversized_file_is_refused(cast, plan, language, expected):
    content = PDF + b"0" * (10 * MIB)
    response = _post(cast.client_for("member"), _add_path(plan, language), "big.pdf", content)
    assert response.status_code == 200
    assert expected in _plain(response.content.decode())
    assert not ItemEvidence.objects.exists() and stored_files() == []


def test_a_program_named_docx_is_refused(cast, plan):
    response = _post(
        cast.client_for("member"), _add_path(plan, "fr"), "compte-rendu.docx", b"MZ" + b"\0" * 200
    )
    assert response.status_code == 200
    assert "son contenu est un programme Windows" in _plain(response.content.decode())
    assert not ItemEvidence.objects.exists() and stored_files() == []


def test_a_real_docx_is_accepted(cast, plan):
    response = _post(cast.client_for("member"), _add_path(plan), "liste.docx", docx_bytes())
    assert response.status_code == 302
    assert ItemEvidence.objects.get().content_type.endswith("wordprocessingml.document")


def test_a_photo_is_stored_without_its_gps_position(cast, plan):
    photo = photo_with_gps("JPEG")
    assert gps_of(photo)
    response = _post(cast.client_for("member"), _add_path(plan), "atelier.jpg", photo)
    assert response.status_code == 302
    evidence = ItemEvidence.objects.get()
    with evidence.file.open("rb") as stored:
        content = stored.read()
    assert gps_of(content) == {} and b"PhoneMaker" not in content
    assert evidence.size == len(content)
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"


def test_the_service_checks_a_raw_upload_itself(cast, plan):
    with pytest.raises(ValidationError) as caught:
        services.evidence_add(
            actor=cast.member, item=plan.action, file=SimpleUploadedFile("a.pdf", b"MZ\0\0")
        )
    assert "file" in caught.value.message_dict
    assert not ItemEvidence.objects.exists() and stored_files() == []


def test_an_axis_takes_no_evidence(cast, plan):
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=cast.coordinator, item=plan.axis, file=SimpleUploadedFile("a.pdf", PDF)
        )
    assert stored_files() == []


def _evidence(plan, user, name="rapport.pdf", content=PDF) -> ItemEvidence:
    return services.evidence_add(
        actor=user, item=plan.action, file=SimpleUploadedFile(name, content)
    )


def test_a_pdf_is_downloaded_as_an_attachment_with_the_registrys_type(cast, plan):
    evidence = _evidence(plan, cast.member)
    response = cast.client_for("readonly").get(f"/fr/spaces/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="rapport.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_an_image_is_shown_inline(cast, plan):
    evidence = _evidence(plan, cast.member, "photo.png", image_bytes("PNG"))
    response = cast.client_for("member").get(f"/fr/spaces/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_outsider_gets_404_on_a_private_spaces_evidence(cast, plan):
    evidence = _evidence(plan, cast.member)
    client = cast.client_for("outsider")
    assert client.get(f"/fr/spaces/evidence/{evidence.pk}/").status_code == 404
    assert client.get(_add_path(plan)).status_code == 404
    assert _post(client, _add_path(plan), "a.pdf", PDF).status_code == 404
    assert client.post(f"/fr/spaces/evidence/{evidence.pk}/remove/").status_code == 404
    assert ItemEvidence.objects.count() == 1


def test_the_page_never_links_the_media_folder(cast, plan):
    evidence = _evidence(plan, cast.member)
    page = cast.client_for("member").get(f"/fr/spaces/items/{plan.action.pk}/").content.decode()
    assert settings.MEDIA_URL not in page and evidence.file.name not in page


def test_read_only_gets_403_on_upload_and_nothing_is_saved(cast, plan):
    client = cast.client_for("readonly")
    assert client.get(_add_path(plan)).status_code == 403
    assert _post(client, _add_path(plan), "a.pdf", PDF).status_code == 403
    assert not ItemEvidence.objects.exists() and stored_files() == []
    with pytest.raises(PermissionDenied):
        _evidence(plan, cast.readonly)
    assert stored_files() == []


def test_an_organisation_named_in_the_matrix_reads_but_may_not_add(cast, plan):
    evidence = _evidence(plan, cast.member)
    client = _client(plan.informed_user)
    assert client.get(f"/fr/spaces/evidence/{evidence.pk}/").status_code == 200
    assert client.get(_add_path(plan)).status_code == 403


def test_a_space_editor_adds_evidence_to_a_milestone(cast, plan):
    SpaceRoleFactory(space=plan.space, user=cast.readonly, role="editor")
    path = f"/fr/spaces/items/{plan.milestone.pk}/evidence/new/"
    assert _post(cast.client_for("readonly"), path, "a.pdf", PDF).status_code == 302
    assert ItemEvidence.objects.get().item == plan.milestone


def test_the_uploader_removes_the_file_after_the_commit(
    cast, plan, django_capture_on_commit_callbacks
):
    evidence = _evidence(plan, cast.member)
    path = Path(evidence.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for("member").post(f"/fr/spaces/evidence/{evidence.pk}/remove/")
    assert response.status_code == 302
    assert not ItemEvidence.objects.exists() and not path.exists()
    event = AuditEvent.objects.get(object_type="coordination.itemevidence", action="delete")
    assert event.changes["original_name"] == ["rapport.pdf", None]


def test_another_member_of_the_lead_may_not_remove_it_but_a_space_editor_may(
    cast, plan, django_capture_on_commit_callbacks
):
    evidence = _evidence(plan, cast.member)
    assert (
        cast.client_for("admin").post(f"/fr/spaces/evidence/{evidence.pk}/remove/").status_code
        == 403
    )
    assert ItemEvidence.objects.exists()
    SpaceRoleFactory(space=plan.space, user=cast.readonly, role="editor")
    with django_capture_on_commit_callbacks(execute=True):
        cast.client_for("readonly").post(f"/fr/spaces/evidence/{evidence.pk}/remove/")
    assert not ItemEvidence.objects.exists() and stored_files() == []


def test_a_closed_programme_takes_no_evidence(cast, plan):
    plan.programme.status = "closed"
    plan.programme.save()
    response = _post(cast.client_for("member"), _add_path(plan), "a.pdf", PDF)
    assert response.status_code == 200
    assert not ItemEvidence.objects.exists() and stored_files() == []


def test_a_file_name_with_markup_is_shown_escaped(cast, plan):
    name = '<img src=x onerror="alert(1)">.pdf'
    _evidence(plan, cast.member, name)
    page = cast.client_for("member").get(f"/fr/spaces/items/{plan.action.pk}/").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in page
    assert "<img src=x" not in page


def test_the_item_page_lists_evidence_in_a_constant_number_of_queries(
    cast, plan, django_assert_max_num_queries
):
    client = cast.client_for("member")
    _evidence(plan, cast.member)
    with django_assert_max_num_queries(60) as few:
        client.get(f"/fr/spaces/items/{plan.action.pk}/")
    for index in range(5):
        _evidence(plan, cast.member, f"r{index}.pdf")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/fr/spaces/items/{plan.action.pk}/")
