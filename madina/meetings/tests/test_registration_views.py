"""Invitation and registration pages: works in Arabic and French, outsider 404, read-only 403,
bad input refused, markup escaped, the meeting page's summary, check-in from registrations."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.meetings.models import Invitation, Registration
from madina.meetings.tests.factories import InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

COMING = {"answer": "accept", "women": "2", "men": "1", "other": "", "childcare_places": "1"}


def _path(invitation, language="fr"):
    return f"/{language}/meetings/invitations/{invitation.pk}/"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_an_organisation_member_registers_its_people(cast, invitation, language):
    client = cast.client_for("admin")
    page = client.get(_path(invitation, language))
    assert page.status_code == 200 and page.context["LANGUAGE_CODE"] == language
    assert b'id="registration-form"' in page.content
    data = {**COMING, "interpretation_ber": "2", "wheelchair_access": "on"}
    response = client.post(_path(invitation, language), data)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.total, registration.interpretation) == (3, {"ber": 2})
    assert registration.wheelchair_access
    page = client.get(_path(invitation, language))
    assert page.context["form"].initial["women"] == 2


def test_declining_through_the_page(cast, invitation):
    RegistrationFactory(invitation=invitation)
    response = cast.client_for("admin").post(_path(invitation), {"answer": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "declined" and not Registration.objects.exists()


def test_over_capacity_shows_a_translated_message_and_saves_nothing(cast, invitation):
    response = cast.client_for("admin").post(
        _path(invitation, "ar"), {**COMING, "women": "9", "men": "0"}
    )
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert "لم يبق" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {**COMING, "women": "-3"},
        {**COMING, "women": "", "men": "", "other": ""},
        {**COMING, "childcare_places": "-1"},
        {**COMING, "women": "deux"},
        {**COMING, "other_access": "on", "other_needs": ""},
    ],
)
def test_bad_input_is_refused(cast, invitation, data):
    response = cast.client_for("admin").post(_path(invitation), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Registration.objects.exists()
    assert Invitation.objects.get().state == "invited"


def test_markup_in_the_other_need_is_shown_as_text(cast, invitation):
    data = {**COMING, "other_access": "on", "other_needs": "<script>alert(1)</script> rampe"}
    cast.client_for("admin").post(_path(invitation), data)
    page = cast.client_for("member").get(f"/fr/meetings/{invitation.meeting_id}/invitations/")
    body = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; rampe" in body
    assert "<script>alert(1)" not in body


def test_read_only_members_see_their_invitation_but_get_403_on_answering(cast, invitation):
    client = cast.client_for("readonly")
    page = client.get(_path(invitation))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(_path(invitation), COMING).status_code == 403
    assert client.get(f"/fr/meetings/{invitation.meeting_id}/invitations/").status_code == 403
    assert not Registration.objects.exists()


def test_someone_elses_invitation_is_404(cast, invitation):
    client = cast.client_for("outsider")
    assert client.get(_path(invitation)).status_code == 404
    assert client.post(_path(invitation), COMING).status_code == 404
    assert client.post(f"/fr/meetings/invitations/{invitation.pk}/reserved/").status_code == 404
    assert client.get(f"/fr/meetings/{invitation.meeting_id}/invitations/").status_code == 404
    assert not Registration.objects.exists()


def test_an_invited_organisation_outside_the_space_answers_without_seeing_the_meeting(
    cast, invitation
):
    theirs = InvitationFactory(meeting=invitation.meeting, organisation=cast.other_organisation)
    client = cast.client_for("outsider")
    assert client.get(f"/fr/meetings/{invitation.meeting_id}/").status_code == 404
    page = client.get(_path(theirs))
    assert page.status_code == 200 and not page.context["sees_meeting"]
    assert client.post(_path(theirs), COMING).status_code == 302


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_editors_invite_and_read_what_to_prepare(
    cast, invitation, language, django_capture_on_commit_callbacks
):
    meeting = invitation.meeting
    InvitationFactory(meeting=meeting, state="declined")
    RegistrationFactory(
        invitation=InvitationFactory(meeting=meeting),
        women=3,
        men=2,
        interpretation={"es": 2},
        childcare_places=4,
        sign_language=True,
    )
    client = cast.client_for("member")
    page = client.get(f"/{language}/meetings/{meeting.pk}/")
    summary = page.context["registration"].summary
    assert (summary.invited, summary.accepted, summary.declined) == (3, 1, 1)
    assert (summary.women, summary.men, summary.childcare_places) == (3, 2, 4)
    assert [(n.code, n.people) for n in summary.interpretation] == [("es", 2)]
    assert b'id="registration-summary"' in page.content
    page = client.get(f"/{language}/meetings/{meeting.pk}/invitations/")
    assert page.status_code == 200
    members = page.context["form"].fields["members"].queryset
    assert list(members) == []  # the cast's organisation, the only member, is invited already
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{language}/meetings/{meeting.pk}/invitations/",
            {"others": [cast.other_organisation.pk]},
        )
    assert response.status_code == 302
    assert meeting.invitations.filter(organisation=cast.other_organisation).exists()
    assert [m.to for m in mail.outbox] == [[cast.outsider.email]]


def test_others_see_only_the_places_left(cast, invitation):
    RegistrationFactory(invitation=InvitationFactory(meeting=invitation.meeting), women=3, men=0)
    page = cast.client_for("readonly").get(f"/fr/meetings/{invitation.meeting_id}/")
    panel = page.context["registration"]
    assert panel.summary is None and panel.places.left == 5
    assert b'id="registration-summary"' not in page.content
    assert b'id="places-left"' in page.content


def test_check_in_starts_from_the_registrations(cast, invitation):
    RegistrationFactory(invitation=invitation, women=4, men=3, other=1)
    page = cast.client_for("member").get(f"/fr/meetings/{invitation.meeting_id}/attendance/")
    rows = page.context["formset"].initial
    mine = next(row for row in rows if row["organisation"] == cast.organisation)
    assert (mine["women"], mine["men"], mine["other"]) == (4, 3, 1)


def test_the_api_gives_the_places_left(cast, invitation):
    RegistrationFactory(invitation=invitation, women=3, men=0)
    client = APIClient()
    client.force_authenticate(cast.readonly)
    response = client.get(f"/api/meetings/{invitation.meeting_id}/places/")
    assert response.json() == {"capacity": 10, "places_left": 5}
    client.force_authenticate(cast.outsider)
    assert client.get(f"/api/meetings/{invitation.meeting_id}/places/").status_code == 404


def test_the_registration_form_has_no_untranslated_text(cast, invitation):
    """The form itself (the coverage test's pages show it closed). Texts the same in the three
    languages are the records' own (written in French by the factories)."""
    client = cast.client_for("admin")
    path = f"/meetings/invitations/{invitation.pk}/"
    texts = {
        language: texts_of(client.get(f"/{language}{path}")) for language in ("en", "ar", "fr")
    }
    records = texts["en"] & texts["ar"] & texts["fr"]
    meeting = invitation.meeting
    names = [meeting.address, meeting.space.name_fr, cast.organisation.name_fr]
    names += [meeting.organiser.name_fr, "Darija", "Tamazight", "Places"]
    for language in ("ar", "fr"):
        same = {
            text
            for text in (texts[language] & texts["en"]) - records
            if _LATIN_WORD.search(_names_out(text)) and not any(n in text for n in names)
        }
        assert not same, f"{language}: untranslated {sorted(same)}"
    assert "registration-form" in str(client.get(f"/ar{path}").content)
