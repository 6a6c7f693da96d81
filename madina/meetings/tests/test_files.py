"""Documents and photos of the minutes, evidence files of recommendation updates (decision 16):
checked by content, stored under random names, served only through an authorising view."""

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from madina.core.models import AuditEvent
from madina.core.tests.test_uploads import PDF, gps_of, image_bytes, photo_with_gps
from madina.core.uploads import MIB
from madina.meetings.models import MinutesFile, RecommendationUpdate
from madina.meetings.tests.factories import MinutesFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _plain(text: str) -> str:
    return html.unescape(text).replace("\u2068", "").replace("\u2069", "")


@pytest.fixture
def minutes(meetings):
    return MinutesFactory(meeting=meetings.private, is_published=True)


def _add(client, meeting, name, content, *, kind="document", language="fr"):
    return client.post(
        f"/{language}/meetings/{meeting.pk}/minutes/files/new/",
        {"kind": kind, "title": "Diaporama", "file": SimpleUploadedFile(name, content)},
    )


def test_an_editor_adds_a_pdf_served_as_an_attachment(cast, minutes, media):
    meeting = minutes.meeting
    response = _add(cast.client_for("member"), meeting, "présentation.pdf", PDF)
    assert response.status_code == 302
    attachment = MinutesFile.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "présentation.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.file.name.startswith("meetings/minutes/")
    assert "présentation" not in attachment.file.name
    assert AuditEvent.objects.filter(object_type="meetings.minutesfile", action="create").exists()
    page = cast.client_for("readonly").get(f"/ar/meetings/{meeting.pk}/").content.decode()
    assert attachment.get_absolute_url() in page and "/media/" not in page
    download = cast.client_for("readonly").get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF


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
def test_a_png_named_pdf_is_refused_with_a_translated_message_and_nothing_saved(
    cast, minutes, media, language, expected
):
    client = cast.client_for("member")
    response = _add(client, minutes.meeting, "scan.pdf", image_bytes("PNG"), language=language)
    assert response.status_code == 200
    assert expected in _plain(response.content.decode())
    assert not MinutesFile.objects.exists() and stored(media) == []
    assert not AuditEvent.objects.filter(object_type="meetings.minutesfile").exists()


def test_an_oversized_file_is_refused(cast, minutes, media):
    big = PDF + b"0" * (10 * MIB)
    response = _add(cast.client_for("member"), minutes.meeting, "gros.pdf", big)
    assert response.status_code == 200
    assert "Le fichier « gros.pdf » dépasse 10 Mo." in _plain(response.content.decode())
    assert not MinutesFile.objects.exists() and stored(media) == []


def test_a_photo_loses_its_gps_position_and_is_shown_inline(cast, minutes, media):
    original = photo_with_gps("JPEG")
    assert gps_of(original)
    response = _add(cast.client_for("member"), minutes.meeting, "salle.jpg", original, kind="photo")
    assert response.status_code == 302
    attachment = MinutesFile.objects.get()
    with attachment.file.open("rb") as file:
        kept = file.read()
    assert gps_of(kept) == {} and b"PhoneMaker" not in kept
    download = cast.client_for("readonly").get(attachment.get_absolute_url())
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("inline;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_photo_must_be_an_image(cast, minutes, media):
    response = _add(cast.client_for("member"), minutes.meeting, "a.pdf", PDF, kind="photo")
    assert response.status_code == 200 and response.context["form"].errors
    assert not MinutesFile.objects.exists() and stored(media) == []


def test_outsiders_get_404_and_read_only_people_403(cast, minutes, media):
    meeting = minutes.meeting
    _add(cast.client_for("member"), meeting, "a.pdf", PDF)
    attachment = MinutesFile.objects.get()
    url = attachment.get_absolute_url()
    outsider = cast.client_for("outsider")
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/fr/meetings/{meeting.pk}/minutes/files/new/").status_code == 404
    assert outsider.post(f"{url}remove/").status_code == 404
    readonly = cast.client_for("readonly")
    assert readonly.get(f"/fr/meetings/{meeting.pk}/minutes/files/new/").status_code == 403
    assert _add(readonly, meeting, "b.pdf", PDF).status_code == 403
    assert readonly.post(f"{url}remove/").status_code == 403
    assert MinutesFile.objects.count() == 1 and len(stored(media)) == 1


def test_files_of_unpublished_minutes_are_for_their_editors_only(cast, minutes, media):
    _add(cast.client_for("member"), minutes.meeting, "a.pdf", PDF)
    minutes.is_published = False
    minutes.save()
    url = MinutesFile.objects.get().get_absolute_url()
    assert cast.client_for("readonly").get(url).status_code == 404
    assert cast.client_for("member").get(url).status_code == 200


def test_minutes_come_before_their_files(cast, meetings, media):
    response = _add(cast.client_for("member"), meetings.private, "a.pdf", PDF)
    assert response.status_code == 200
    assert not MinutesFile.objects.exists() and stored(media) == []


def test_removing_a_file_is_audited_and_empties_storage(
    cast, minutes, media, django_capture_on_commit_callbacks
):
    _add(cast.client_for("member"), minutes.meeting, "a.pdf", PDF)
    url = MinutesFile.objects.get().get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        assert cast.client_for("member").post(f"{url}remove/").status_code == 302
    assert not MinutesFile.objects.exists() and stored(media) == []
    assert AuditEvent.objects.filter(object_type="meetings.minutesfile", action="delete").exists()


def test_an_update_carries_an_evidence_file_served_to_who_sees_the_recommendation(
    cast, meetings, media
):
    recommendation = RecommendationFactory(meeting=meetings.private)
    client = cast.client_for("member")
    response = client.post(
        f"/fr/meetings/recommendations/{recommendation.pk}/follow-up/",
        {
            "state": "in_progress",
            "text": "Convention signée",
            "on": "2025-04-01",
            "evidence_file": SimpleUploadedFile("convention.pdf", PDF),
        },
    )
    assert response.status_code == 302
    update = RecommendationUpdate.objects.get()
    assert update.evidence_file_name == "convention.pdf" and update.evidence_size == len(PDF)
    assert update.evidence_file.name.startswith("evidence/recommendations/")
    page = cast.client_for("readonly").get(recommendation.get_absolute_url()).content.decode()
    assert update.get_evidence_url() in page
    download = cast.client_for("readonly").get(update.get_evidence_url())
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert cast.client_for("outsider").get(update.get_evidence_url()).status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_disguised_evidence_file_refuses_the_whole_update(cast, meetings, media, language):
    recommendation = RecommendationFactory(meeting=meetings.private)
    response = cast.client_for("member").post(
        f"/{language}/meetings/recommendations/{recommendation.pk}/follow-up/",
        {
            "state": "in_progress",
            "text": "Convention signée",
            "on": "2025-04-01",
            "evidence_file": SimpleUploadedFile("convention.pdf", image_bytes("PNG")),
        },
    )
    assert response.status_code == 200
    assert "PNG" in _plain(response.content.decode())
    assert not RecommendationUpdate.objects.exists() and stored(media) == []
    recommendation.refresh_from_db()
    assert recommendation.state == "adopted"
