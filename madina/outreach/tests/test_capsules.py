"""Awareness capsules: the services (write, audit, refusals write nothing), the pages for the
whole cast, filters, markup shown as text, and the capsule's files (checked by content, served
only through the authorising view)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from madina.core.models import AuditEvent
from madina.core.tests.test_uploads import PDF, ftyp
from madina.outreach import services
from madina.outreach.forms import CapsuleFileForm
from madina.outreach.models import Capsule, CapsuleFile
from madina.outreach.tests.fixtures_sessions import capsule_data, stored_files

pytestmark = pytest.mark.django_db

MP4 = ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41") + b"\x00" * 256


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"outreach:{name}", args=args)[3:]


# --- Services -----------------------------------------------------------------------------------


def test_a_member_adds_a_capsule_with_partners_and_it_is_audited(cast):
    capsule = services.capsule_create(
        actor=cast.member,
        organisation=cast.organisation,
        data=capsule_data(languages=["fr", "ary", "ar", "ary"], partners=[cast.other_organisation]),
    )
    capsule.refresh_from_db()
    assert capsule.languages == "ar ary fr"
    assert capsule.topics == ["rights", "non_discrimination"]
    assert list(capsule.partners.all()) == [cast.other_organisation]
    event = AuditEvent.objects.get(object_type="outreach.capsule")
    assert (event.actor, event.action, event.organisation_id) == (
        cast.member,
        AuditEvent.Action.CREATE,
        cast.organisation.pk,
    )


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_read_only_members_and_other_organisations_cannot_add_one(cast, who):
    with pytest.raises(PermissionDenied):
        services.capsule_create(
            actor=getattr(cast, who), organisation=cast.organisation, data=capsule_data()
        )
    assert not Capsule.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title_fr": " ", "title_ar": ""}, "title_ar"),
        ({"topics": ["weather"]}, "topics"),
        ({"languages": ["xx"]}, "languages"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"format": "hologram"}, "format"),
    ],
)
def test_bad_capsules_are_refused_and_nothing_is_written(cast, data, field):
    with pytest.raises(ValidationError) as error:
        services.capsule_create(
            actor=cast.admin, organisation=cast.organisation, data=capsule_data(**data)
        )
    assert field in error.value.message_dict
    assert not Capsule.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_producer_is_not_its_own_partner(cast):
    with pytest.raises(ValidationError) as error:
        services.capsule_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data=capsule_data(partners=[cast.organisation]),
        )
    assert "partners" in error.value.message_dict


def test_an_update_changes_only_what_is_given_and_records_the_difference(cast, capsule):
    services.capsule_update(actor=cast.admin, capsule=capsule, data={"is_active": False})
    capsule.refresh_from_db()
    assert not capsule.is_active
    assert capsule.title_fr == "Vivre ensemble à l'école"
    event = AuditEvent.objects.get(object_type="outreach.capsule", action="update")
    assert event.changes == {"is_active": [True, False]}
    with pytest.raises(PermissionDenied):
        services.capsule_update(actor=cast.outsider, capsule=capsule, data={"is_active": True})


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_sees_the_list_and_the_detail(cast, capsule, who, language):
    client = cast.client_for(who)
    listing = client.get(_url("capsule_list", language=language))
    assert listing.status_code == 200
    assert capsule.get_absolute_url()[3:] in listing.content.decode()
    detail = client.get(_url("capsule_detail", capsule.pk, language=language))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "العيش المشترك في المدرسة" in body


def test_the_detail_shows_labels_not_codes(cast, capsule):
    page = cast.client_for("readonly").get(_url("capsule_detail", capsule.pk, language="en"))
    body = page.content.decode()
    assert "Standard Arabic · Darija (Moroccan Arabic) · French" in body
    assert "rights of migrants · living together, against discrimination" in body
    assert "adolescents 12–14" in body


def test_anonymous_is_sent_to_sign_in(client, capsule):
    assert client.get(_url("capsule_list")).status_code == 302
    assert client.get(_url("capsule_detail", capsule.pk)).status_code == 302


def test_a_capsule_that_does_not_exist_is_404(cast):
    client = cast.client_for("coordinator")
    assert client.get(_url("capsule_detail", 999)).status_code == 404
    assert client.get(_url("capsule_update", 999)).status_code == 404
    assert client.get(_url("capsule_file_add", 999)).status_code == 404
    assert client.get(_url("capsule_file", 999, 1)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("readonly", 403), ("outsider", 403)],
)
def test_only_the_producers_editors_and_coordinators_change_a_capsule(cast, capsule, who, status):
    client = cast.client_for(who)
    assert client.get(_url("capsule_update", capsule.pk)).status_code == status
    assert client.get(_url("capsule_file_add", capsule.pk)).status_code == status
    response = client.post(
        _url("capsule_update", capsule.pk),
        _form_post(title_fr="Changé", title_ar="العيش المشترك في المدرسة"),
    )
    capsule.refresh_from_db()
    if status == 403:
        assert response.status_code == 403
        assert capsule.title_fr == "Vivre ensemble à l'école"
    else:
        assert response.status_code == 302
        assert capsule.title_fr == "Changé"


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("outsider", 200), ("readonly", 403)],
)
def test_who_may_open_the_form_to_add_a_capsule(cast, who, status):
    assert cast.client_for(who).get(_url("capsule_create")).status_code == status


def _form_post(**overrides) -> dict:
    data = {
        "title_ar": "",
        "title_fr": "Les droits des enfants migrants",
        "title_en": "",
        "format": "comic",
        "languages": ["ar", "fr"],
        "topics": ["rights", "schooling"],
        "audience": "6-11",
        "school_level": "primary",
        "duration_minutes": "",
        "link": "",
        "validated_on": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_member_adds_a_capsule_through_the_page(cast):
    client = cast.client_for("member")
    response = client.post(
        _url("capsule_create"),
        _form_post(organisation=cast.organisation.pk, partners=[cast.other_organisation.pk]),
    )
    capsule = Capsule.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(capsule.get_absolute_url()[3:])
    assert capsule.organisation == cast.organisation
    assert capsule.languages == "ar fr"
    assert capsule.topics == ["rights", "schooling"]


def test_an_outsider_cannot_add_a_capsule_for_another_organisation(cast):
    client = cast.client_for("outsider")
    response = client.post(_url("capsule_create"), _form_post(organisation=cast.organisation.pk))
    assert response.status_code == 200
    assert not Capsule.objects.exists()


def test_a_capsule_without_a_title_is_refused_with_a_message(cast):
    client = cast.client_for("admin")
    response = client.post(
        _url("capsule_create", language="en"),
        _form_post(organisation=cast.organisation.pk, title_fr=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title_ar"] == [
        "Give the title of the capsule in at least one language."
    ]
    assert not Capsule.objects.exists()


def test_markup_typed_in_a_title_is_shown_as_text(cast):
    services.capsule_create(
        actor=cast.admin,
        organisation=cast.organisation,
        data=capsule_data(title_fr="<script>alert(1)</script>", title_ar=""),
    )
    client = cast.client_for("readonly")
    for body in (
        client.get(_url("capsule_list")).content.decode(),
        client.get(_url("capsule_detail", Capsule.objects.get().pk)).content.decode(),
    ):
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_list_filters(cast):
    def add(title, organisation=None, **data):
        return services.capsule_create(
            actor=cast.coordinator,
            organisation=organisation or cast.organisation,
            data=capsule_data(title_fr=title, title_ar="", **data),
        )

    video = add("Vidéo sur les droits", topics=["rights"], languages=["fr"])
    poster = add(
        "Affiche contre la violence",
        format="poster",
        topics=["violence"],
        languages=["ary"],
        audience="15-17",
    )
    other = add("Bande dessinée", cast.other_organisation, format="comic", topics=["health"])
    client = cast.client_for("readonly")

    def titles(**query):
        return {c.title for c in client.get(_url("capsule_list"), query).context["page"]}

    assert titles() == {video.title, poster.title, other.title}
    assert titles(topic="violence") == {poster.title}
    assert titles(topic="rights") == {video.title}
    assert titles(language="ary") == {poster.title, other.title}
    assert titles(format="poster") == {poster.title}
    assert titles(audience="15-17") == {poster.title}
    assert titles(organisation=cast.other_organisation.pk) == {other.title}
    assert titles(q="violence affiche") == {poster.title}
    assert titles(q="nothing like it") == set()
    assert titles(topic="not-a-topic") == {video.title, poster.title, other.title}


# --- Files --------------------------------------------------------------------------------------


def _upload(client, capsule, name, content, title=""):
    return client.post(
        _url("capsule_file_add", capsule.pk),
        {"file": SimpleUploadedFile(name, content), "title": title},
    )


def test_a_video_is_added_and_downloaded_as_it_was_sent(cast, capsule, media):
    response = _upload(cast.client_for("member"), capsule, "vivre ensemble.mp4", MP4, "Darija")
    assert response.status_code == 302
    attachment = CapsuleFile.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "vivre ensemble.mp4",
        "video/mp4",
        len(MP4),
    )
    assert attachment.uploaded_by == cast.member
    assert "vivre" not in attachment.file.name
    assert AuditEvent.objects.filter(object_type="outreach.capsulefile", action="create").exists()
    detail = cast.client_for("outsider").get(_url("capsule_detail", capsule.pk)).content.decode()
    download_url = _url("capsule_file", capsule.pk, attachment.pk)
    assert download_url[3:] in detail
    download = cast.client_for("outsider").get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MP4
    assert download["Content-Type"] == "video/mp4"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "vivre" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_downloads_as_a_pdf_and_a_wrong_capsule_in_the_address_is_404(cast, capsule, media):
    other = services.capsule_create(
        actor=cast.coordinator, organisation=cast.other_organisation, data=capsule_data()
    )
    attachment = services.capsule_file_add(
        actor=cast.admin, capsule=capsule, file=SimpleUploadedFile("affiche.pdf", PDF)
    )
    client = cast.client_for("readonly")
    response = client.get(_url("capsule_file", capsule.pk, attachment.pk))
    assert response["Content-Type"] == "application/pdf"
    assert client.get(_url("capsule_file", other.pk, attachment.pk)).status_code == 404
    assert cast.client_for("readonly").get(_url("capsule_file", capsule.pk, 999)).status_code == 404


def test_a_web_page_named_mp4_is_refused_and_nothing_is_stored(cast, capsule, media):
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = _upload(cast.client_for("admin"), capsule, "capsule.mp4", page)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not CapsuleFile.objects.exists()
    assert stored_files() == []
    with pytest.raises(ValidationError) as error:
        services.capsule_file_add(
            actor=cast.admin, capsule=capsule, file=SimpleUploadedFile("capsule.mp4", page)
        )
    assert "file" in error.value.message_dict
    assert not CapsuleFile.objects.exists()
    assert stored_files() == []
    assert not AuditEvent.objects.filter(object_type="outreach.capsulefile").exists()


def test_a_program_or_a_spreadsheet_is_refused(cast, capsule, media):
    for name, content in (("setup.exe", b"MZ" + b"\x00" * 64), ("notes.txt", b"hello")):
        response = _upload(cast.client_for("admin"), capsule, name, content)
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
    assert not CapsuleFile.objects.exists()


def test_a_file_over_the_limit_is_refused_by_the_form_and_by_the_service(
    cast, capsule, media, monkeypatch
):
    monkeypatch.setattr(CapsuleFileForm.base_fields["file"], "max_bytes", 100)
    response = _upload(cast.client_for("admin"), capsule, "long.mp4", MP4)
    assert response.status_code == 200
    assert (
        "MB" in " ".join(response.context["form"].errors["file"])
        or response.context["form"].errors["file"]
    )
    monkeypatch.setattr(services, "CAPSULE_FILE_MAX_BYTES", 100)
    with pytest.raises(ValidationError):
        services.capsule_file_add(
            actor=cast.admin, capsule=capsule, file=SimpleUploadedFile("long.mp4", MP4)
        )
    assert not CapsuleFile.objects.exists()
    assert stored_files() == []


def test_the_real_limit_is_200_mb(cast, capsule, media):
    big = SimpleUploadedFile("long.mp4", MP4)
    big.size = 200 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as error:
        services.capsule_file_add(actor=cast.admin, capsule=capsule, file=big)
    assert "200" in " ".join(error.value.messages)


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_read_only_members_and_outsiders_cannot_upload(cast, capsule, media, who):
    response = _upload(cast.client_for(who), capsule, "capsule.mp4", MP4)
    assert response.status_code == 403
    assert not CapsuleFile.objects.exists()
    assert stored_files() == []


def test_the_list_costs_the_same_for_few_or_many_capsules(cast, django_assert_max_num_queries):
    for index in range(12):
        services.capsule_create(
            actor=cast.coordinator,
            organisation=cast.organisation if index % 2 else cast.other_organisation,
            data=capsule_data(title_fr=f"Capsule {index}"),
        )
    client = cast.client_for("readonly")
    client.get(_url("capsule_list"))
    with django_assert_max_num_queries(12):
        assert client.get(_url("capsule_list")).status_code == 200
