"""Meeting and recommendation pages: works, outsider 404, read-only 403, in Arabic and French."""

import pytest

from madina.actors.tests.factories import AreaFactory, OrganisationFactory, SectorFactory
from madina.meetings.models import Attendance, Meeting, Minutes, Recommendation
from madina.meetings.tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MinutesFactory,
    RecommendationFactory,
    SessionFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def _pages(meeting, recommendation, session, item, speaker):
    m, r, s = meeting.pk, recommendation.pk, session.pk
    return {
        "view": [
            f"/meetings/{m}/",
            f"/meetings/recommendations/{r}/",
            f"/meetings/spaces/{meeting.space_id}/recommendations/",
        ],
        "edit": [
            f"/meetings/{m}/edit/",
            f"/meetings/{m}/agenda/new/",
            f"/meetings/{m}/agenda/{item.pk}/edit/",
            f"/meetings/{m}/sessions/new/",
            f"/meetings/{m}/sessions/{s}/edit/",
            f"/meetings/{m}/sessions/{s}/speakers/new/",
            f"/meetings/{m}/sessions/{s}/speakers/{speaker.pk}/edit/",
            f"/meetings/{m}/attendance/",
            f"/meetings/{m}/minutes/",
            f"/meetings/{m}/recommendations/new/",
            f"/meetings/recommendations/{r}/edit/",
            f"/meetings/recommendations/{r}/follow-up/",
        ],
    }


@pytest.fixture
def private(meetings):
    meeting = meetings.private
    session = SessionFactory(meeting=meeting)
    return {
        "meeting": meeting,
        "recommendation": RecommendationFactory(meeting=meeting, session=session),
        "session": session,
        "item": AgendaItemFactory(meeting=meeting),
        "speaker": SpeakerFactory(session=session),
    }


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_works_for_an_editor(cast, private, language):
    client = cast.client_for("member")
    pages = _pages(**private)
    for path in pages["view"] + pages["edit"]:
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        assert response.context["LANGUAGE_CODE"] == language


def test_the_outsider_gets_404_everywhere_in_a_private_space(cast, private):
    client = cast.client_for("outsider")
    pages = _pages(**private)
    for path in pages["view"] + pages["edit"]:
        assert client.get(f"/fr{path}").status_code == 404, path
    assert (
        client.get(f"/fr/meetings/spaces/{private['meeting'].space_id}/calendar.ics").status_code
        == 404
    )


def test_read_only_people_see_but_get_403_on_edits(cast, private):
    client = cast.client_for("readonly")
    pages = _pages(**private)
    for path in pages["view"]:
        assert client.get(f"/fr{path}").status_code == 200, path
    for path in pages["edit"]:
        assert client.get(f"/fr{path}").status_code == 403, path
        assert client.post(f"/fr{path}", {"title": "x"}).status_code == 403, path
    meeting = private["meeting"]
    for path in (
        f"/meetings/{meeting.pk}/minutes/publish/",
        f"/meetings/{meeting.pk}/agenda/{private['item'].pk}/delete/",
        f"/meetings/{meeting.pk}/speakers/{private['speaker'].pk}/delete/",
    ):
        assert client.post(f"/fr{path}").status_code == 403


def test_someone_elses_id_in_a_url_gives_404(cast, meetings, private):
    other_session = SessionFactory(meeting=meetings.public)
    other_item = AgendaItemFactory(meeting=meetings.public)
    other_speaker = SpeakerFactory(session=other_session)
    m = private["meeting"].pk
    client = cast.client_for("member")
    for path in (
        f"/fr/meetings/{m}/sessions/{other_session.pk}/edit/",
        f"/fr/meetings/{m}/agenda/{other_item.pk}/edit/",
        f"/fr/meetings/{m}/sessions/{private['session'].pk}/speakers/{other_speaker.pk}/edit/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/fr/meetings/{m}/speakers/{other_speaker.pk}/delete/").status_code == 404
    other_speaker.refresh_from_db()


def test_anonymous_visitors_are_sent_to_sign_in(client, meetings):
    assert client.get(f"/fr/meetings/{meetings.public.pk}/").status_code == 302
    assert client.get("/fr/meetings/").status_code == 302


def test_the_list_shows_upcoming_and_past_meetings_the_user_may_see(cast, meetings):
    client = cast.client_for("outsider")
    past = client.get("/fr/meetings/", {"when": "past"}).context["page"].object_list
    assert [m.title for m in past] == ["Rencontre publique"]
    assert not client.get("/ar/meetings/").context["page"].object_list
    assert client.get("/fr/meetings/", {"when": "nonsense"}).status_code == 200


def test_creating_a_meeting_through_the_page(cast, meetings):
    commune = AreaFactory()
    organiser = OrganisationFactory()
    data = {
        "space": meetings.private.space_id,
        "title": "<script>alert(1)</script>",
        "type": "consultation",
        "mode": "in_person",
        "status": "planned",
        "starts_at": "2025-03-06T09:30",
        "ends_at": "2025-03-06T13:00",
        "commune": commune.pk,
        "organiser": organiser.pk,
    }
    client = cast.client_for("member")
    response = client.post("/fr/meetings/new/", data)
    meeting = Meeting.objects.get(title="<script>alert(1)</script>")
    assert response.status_code == 302 and response.url == f"/fr/meetings/{meeting.pk}/"
    page = client.get(response.url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("language", "message"), [("fr", "finir après"), ("ar", "بعد بدايته")])
def test_a_meeting_that_ends_before_it_starts_is_refused_in_the_language(
    cast, meetings, language, message
):
    before = Meeting.objects.count()
    response = cast.client_for("member").post(
        f"/{language}/meetings/new/",
        {
            "space": meetings.private.space_id,
            "title": "Rencontre",
            "type": "workshop",
            "mode": "online",
            "status": "planned",
            "starts_at": "2025-03-06T13:00",
            "ends_at": "2025-03-06T09:30",
            "organiser": OrganisationFactory().pk,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == before


def test_a_space_the_user_does_not_edit_cannot_be_chosen(cast, meetings):
    response = cast.client_for("member").post(
        "/fr/meetings/new/", {"space": meetings.transparent.space_id, "title": "x"}
    )
    assert response.status_code == 200
    assert "space" in response.context["form"].errors


def test_attendance_is_entered_one_row_per_organisation(cast, private):
    meeting = private["meeting"]
    client = cast.client_for("member")
    page = client.get(f"/fr/meetings/{meeting.pk}/attendance/")
    initial = [row["organisation"] for row in page.context["formset"].initial]
    assert meeting.organiser in initial and cast.organisation in initial
    data = {
        "attendance-TOTAL_FORMS": "3",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organisation": cast.organisation.pk,
        "attendance-0-women": "4",
        "attendance-0-men": "3",
        "attendance-1-organisation": meeting.organiser.pk,
        "attendance-1-women": "2",
        "attendance-1-other": "1",
        "attendance-2-organisation": "",
    }
    response = client.post(f"/fr/meetings/{meeting.pk}/attendance/", data)
    assert response.status_code == 302
    detail = client.get(f"/fr/meetings/{meeting.pk}/")
    table = detail.context["attendance"]
    assert (table.women, table.men, table.other, table.total) == (6, 3, 1, 10)
    content = detail.content.decode()
    assert 'id="total-all">10<' in content


def test_bad_attendance_is_refused_and_says_why(cast, private):
    meeting = private["meeting"]
    AttendanceFactory(meeting=meeting, organisation=cast.organisation, women=1)
    data = {
        "attendance-TOTAL_FORMS": "2",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organisation": cast.other_organisation.pk,
        "attendance-0-women": "-2",
        "attendance-1-organisation": cast.other_organisation.pk,
        "attendance-1-men": "2",
    }
    response = cast.client_for("member").post(f"/ar/meetings/{meeting.pk}/attendance/", data)
    assert response.status_code == 200
    assert list(Attendance.objects.values_list("organisation", "women")) == [
        (cast.organisation.pk, 1)
    ]


def test_unpublished_minutes_are_kept_to_their_editors(cast, private):
    meeting = private["meeting"]
    MinutesFactory(meeting=meeting, text="Texte confidentiel du compte rendu")
    assert (
        "Texte confidentiel"
        not in cast.client_for("readonly").get(f"/fr/meetings/{meeting.pk}/").content.decode()
    )
    assert (
        "Texte confidentiel"
        in cast.client_for("member").get(f"/fr/meetings/{meeting.pk}/").content.decode()
    )
    cast.client_for("member").post(f"/fr/meetings/{meeting.pk}/minutes/publish/", {"publish": "1"})
    assert Minutes.objects.get().is_published
    assert (
        "Texte confidentiel"
        in cast.client_for("readonly").get(f"/fr/meetings/{meeting.pk}/").content.decode()
    )


def test_a_rejection_without_justification_is_refused_in_arabic(cast, private):
    recommendation = private["recommendation"]
    response = cast.client_for("member").post(
        f"/ar/meetings/recommendations/{recommendation.pk}/follow-up/",
        {"state": "rejected", "on": "2025-04-01", "justification": ""},
    )
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    assert "تعليل" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.state == "adopted" and not recommendation.updates.exists()


def test_a_recommendation_is_recorded_with_its_translation(cast, private):
    meeting = private["meeting"]
    theme = SectorFactory()
    response = cast.client_for("member").post(
        f"/fr/meetings/{meeting.pk}/recommendations/new/",
        {
            "title": "Développer la coordination régionale",
            "language": "fr",
            "session": private["session"].pk,
            "state": "adopted",
            "theme": theme.pk,
            "addressees": [cast.other_organisation.pk],
            "priority": "high",
            "translation_title_ar": "تطوير التنسيق الجهوي",
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(title="Développer la coordination régionale")
    assert recommendation.translations == {"ar": {"title": "تطوير التنسيق الجهوي"}}
    page = cast.client_for("readonly").get(f"/ar{recommendation.get_absolute_url()[3:]}")
    assert "تطوير التنسيق الجهوي" in page.content.decode()


def test_the_tracking_page_filters(cast, private):
    meeting = private["meeting"]
    theme = SectorFactory()
    wanted = RecommendationFactory(meeting=meeting, theme=theme, state="in_progress")
    wanted.addressees.add(cast.other_organisation)
    RecommendationFactory(meeting=meeting, state="in_progress")
    client = cast.client_for("readonly")
    url = f"/fr/meetings/spaces/{meeting.space_id}/recommendations/"
    for query in (
        {"theme": theme.pk},
        {"addressee": cast.other_organisation.pk},
        {"theme": theme.pk, "state": "in_progress"},
    ):
        found = client.get(url, query).context["page"].object_list
        assert list(found) == [wanted], query
    partial = client.get(url, {"state": "in_progress"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert client.get(url, {"state": "nonsense", "theme": "x"}).status_code == 200


def test_the_public_page_needs_no_sign_in(client, meetings):
    shown = RecommendationFactory(meeting=meetings.public, is_public=True, state="in_progress")
    hidden = RecommendationFactory(meeting=meetings.public, is_public=False)
    private = RecommendationFactory(meeting=meetings.private, is_public=True)
    assert client.get(f"/ar/meetings/public/recommendations/{shown.pk}/").status_code == 200
    for recommendation in (hidden, private):
        path = f"/fr/meetings/public/recommendations/{recommendation.pk}/"
        assert client.get(path).status_code == 404
    listing = client.get(f"/fr/meetings/public/spaces/{meetings.public.space_id}/recommendations/")
    assert list(listing.context["page"].object_list) == [shown]
    path = f"/fr/meetings/public/spaces/{meetings.private.space_id}/recommendations/"
    assert client.get(path).status_code == 404
