"""Writes of meetings and recommendations: rules, validation, audit; nothing written on refusal."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from madina.accounts.models import Membership
from madina.accounts.tests.factories import MembershipFactory
from madina.actors.tests.factories import AreaFactory, OrganisationFactory, SectorFactory
from madina.core.models import AuditEvent
from madina.meetings import services
from madina.meetings.models import AgendaItem, Attendance, Meeting, Recommendation
from madina.meetings.tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    RecommendationFactory,
    SessionFactory,
)
from madina.territory.models import Area

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _meeting_data(**extra):
    return {
        "title": "Rencontre régionale de concertation",
        "type": "consultation",
        "mode": "in_person",
        "starts_at": datetime.datetime(2025, 3, 6, 9, 30, tzinfo=UTC),
        "ends_at": datetime.datetime(2025, 3, 6, 13, 0, tzinfo=UTC),
        "commune": AreaFactory(),
        "address": "Salle de la commune",
        "organiser": OrganisationFactory(),
        **extra,
    }


def test_an_editor_plans_a_meeting_and_it_is_audited(cast, meetings):
    space = meetings.private.space
    co = OrganisationFactory()
    meeting = services.meeting_create(
        actor=cast.member, space=space, data={**_meeting_data(), "co_organisers": [co]}
    )
    assert meeting.space == space and list(meeting.co_organisers.all()) == [co]
    event = AuditEvent.objects.get(object_type="meetings.meeting", object_id=str(meeting.pk))
    assert event.action == "create" and event.actor == cast.member


@pytest.mark.parametrize("who", ["admin", "readonly", "outsider"])
def test_people_without_a_space_role_cannot_plan_meetings(cast, meetings, who):
    before = Meeting.objects.count()
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=getattr(cast, who), space=meetings.private.space, data=_meeting_data()
        )
    assert Meeting.objects.count() == before


def test_a_meeting_ends_after_it_starts(cast, meetings):
    before = Meeting.objects.count()
    start = datetime.datetime(2025, 3, 6, 9, 30, tzinfo=UTC)
    for end in (start, start - datetime.timedelta(hours=1)):
        with pytest.raises(ValidationError) as error:
            services.meeting_create(
                actor=cast.member,
                space=meetings.private.space,
                data=_meeting_data(starts_at=start, ends_at=end),
            )
        assert "ends_at" in error.value.message_dict
    assert Meeting.objects.count() == before


def test_an_in_person_meeting_needs_a_commune_and_a_commune_is_a_commune(cast, meetings):
    province = AreaFactory(level=Area.Level.PROVINCE)
    for commune in (None, province):
        with pytest.raises(ValidationError) as error:
            services.meeting_create(
                actor=cast.member, space=meetings.private.space, data=_meeting_data(commune=commune)
            )
        assert "commune" in error.value.message_dict
    online = services.meeting_create(
        actor=cast.member,
        space=meetings.private.space,
        data=_meeting_data(mode="online", commune=None, address="", online_url="https://x.org/m"),
    )
    assert online.is_online and not online.is_in_person


def test_a_closed_space_is_read_only(cast, meetings):
    space = meetings.private.space
    space.closed_on, space.closing_reason = datetime.date(2025, 6, 1), "Fin du projet"
    space.save()
    with pytest.raises(ValidationError):
        services.meeting_update(actor=cast.member, meeting=meetings.private, data={"title": "x"})
    meetings.private.refresh_from_db()
    assert meetings.private.title == "Rencontre privée"


def test_the_agenda_nests_and_refuses_cycles(cast, meetings):
    meeting = meetings.private
    top = services.agenda_item_save(actor=cast.member, meeting=meeting, data={"title": "Ouverture"})
    child = services.agenda_item_save(
        actor=cast.member, meeting=meeting, data={"title": "Mot d'accueil", "parent": top}
    )
    grandchild = services.agenda_item_save(
        actor=cast.member, meeting=meeting, data={"title": "Détail", "parent": child}
    )
    second = services.agenda_item_save(
        actor=cast.member, meeting=meeting, data={"title": "Clôture"}
    )
    assert (top.order, child.order, grandchild.order, second.order) == (1, 1, 1, 2)
    for parent in (top, child, grandchild):
        with pytest.raises(ValidationError) as error:
            services.agenda_item_save(
                actor=cast.member, meeting=meeting, item=top, data={"parent": parent}
            )
        assert "parent" in error.value.message_dict
    top.refresh_from_db()
    assert top.parent is None
    other = AgendaItemFactory(meeting=meetings.public)
    with pytest.raises(ValidationError):
        services.agenda_item_save(
            actor=cast.member, meeting=meeting, data={"title": "x", "parent": other}
        )
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4


def test_sessions_point_at_their_own_meeting_agenda(cast, meetings):
    other = AgendaItemFactory(meeting=meetings.public)
    with pytest.raises(ValidationError) as error:
        services.session_save(
            actor=cast.member,
            meeting=meetings.private,
            data={"title": "Séance", "agenda_item": other},
        )
    assert "agenda_item" in error.value.message_dict
    session = services.session_save(
        actor=cast.member, meeting=meetings.private, data={"title": "Première séance"}
    )
    speaker = services.speaker_save(
        actor=cast.member,
        session=session,
        data={"name": "Coordinateur du projet", "affiliation": cast.organisation},
    )
    assert speaker.order == 1 and speaker.affiliation == cast.organisation
    with pytest.raises(ValidationError):
        services.speaker_save(actor=cast.member, session=session, data={"name": "  "})


def test_attendance_is_counted_by_organisation_and_sex(cast, meetings):
    meeting = meetings.private
    AttendanceFactory(meeting=meeting, organisation=cast.other_organisation)
    rows = [
        {"organisation": cast.organisation, "women": 4, "men": 2, "other": 1},
        {"organisation": OrganisationFactory(), "women": 0, "men": 0, "other": 0},
    ]
    saved = services.attendance_set(actor=cast.member, meeting=meeting, rows=rows)
    assert [(row.organisation, row.total) for row in saved] == [(cast.organisation, 7)]
    event = AuditEvent.objects.filter(object_type="meetings.meeting").latest("at")
    assert event.changes["attendance"][1] == {str(cast.organisation.pk): [4, 2, 1]}


@pytest.mark.parametrize(
    "rows",
    [
        [{"organisation": "twice", "women": 1}, {"organisation": "twice", "men": 1}],
        [{"organisation": "one", "women": -1}],
        [{"organisation": "one", "women": 10_001}],
        [{"organisation": None, "women": 2}],
    ],
)
def test_bad_attendance_changes_nothing(cast, meetings, rows):
    meeting = meetings.private
    AttendanceFactory(meeting=meeting, organisation=cast.other_organisation, women=5)
    for row in rows:
        if row["organisation"] is not None:
            row["organisation"] = cast.organisation
    with pytest.raises(ValidationError):
        services.attendance_set(actor=cast.member, meeting=meeting, rows=rows)
    assert list(Attendance.objects.values_list("organisation", "women")) == [
        (cast.other_organisation.pk, 5)
    ]


def test_minutes_are_written_then_published(cast, meetings):
    meeting = meetings.private
    with pytest.raises(ValidationError):
        services.minutes_publish(actor=cast.member, meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_save(actor=cast.member, meeting=meeting, text="   ")
    minutes = services.minutes_save(actor=cast.member, meeting=meeting, text="Compte rendu")
    assert not minutes.is_published
    minutes = services.minutes_publish(actor=cast.member, meeting=meeting)
    assert minutes.is_published and minutes.published_by == cast.member
    with pytest.raises(PermissionDenied):
        services.minutes_publish(actor=cast.readonly, meeting=meeting, publish=False)


def _recommendation_data(**extra):
    return {"title": "Renforcer la coordination régionale", "language": "fr", **extra}


def test_recommendations_are_numbered_in_their_meeting(cast, meetings):
    theme = SectorFactory()
    session = SessionFactory(meeting=meetings.private)
    first = services.recommendation_create(
        actor=cast.member,
        meeting=meetings.private,
        data=_recommendation_data(
            session=session,
            theme=theme,
            addressees=[cast.other_organisation],
            translations={"ar": {"title": "تعزيز التنسيق الجهوي", "text": ""}},
            state="adopted",
        ),
    )
    second = services.recommendation_create(
        actor=cast.member, meeting=meetings.private, data=_recommendation_data()
    )
    assert (first.number, second.number) == (1, 2)
    assert first.code == f"R{meetings.private.pk}.1"
    assert first.state == "adopted" and second.state == "draft"
    assert first.translations == {"ar": {"title": "تعزيز التنسيق الجهوي"}}
    from django.utils import translation

    with translation.override("ar"):
        assert first.display_title == "تعزيز التنسيق الجهوي"
    with translation.override("fr"):
        assert first.display_title == "Renforcer la coordination régionale"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "title"),
        ({"state": "implemented"}, "state"),
        ({"session": "other"}, "session"),
        ({"theme": "subsector"}, "theme"),
        ({"is_public": True}, "is_public"),
        ({"translations": {"xx": {"title": "?"}}}, "translations"),
        ({"translations": {"ar": {"text": "نص بلا عنوان"}}}, "translations"),
    ],
)
def test_bad_recommendations_are_refused(cast, meetings, extra, field):
    if extra.get("session") == "other":
        extra["session"] = SessionFactory(meeting=meetings.public)
    if extra.get("theme") == "subsector":
        extra["theme"] = SectorFactory(kind="subsector", parent=SectorFactory())
    with pytest.raises(ValidationError) as error:
        services.recommendation_create(
            actor=cast.member, meeting=meetings.private, data=_recommendation_data(**extra)
        )
    assert field in error.value.message_dict
    assert not Recommendation.objects.exists()


def test_state_changes_follow_the_allowed_transitions(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private, state="draft")
    with pytest.raises(ValidationError) as error:
        services.recommendation_change_state(
            actor=cast.member, recommendation=recommendation, state="implemented"
        )
    assert "state" in error.value.message_dict
    for state in ("adopted", "in_progress", "partly_implemented", "implemented"):
        services.recommendation_change_state(
            actor=cast.member, recommendation=recommendation, state=state, text="Avancée"
        )
    recommendation.refresh_from_db()
    assert recommendation.state == "implemented"
    assert [u.state_after for u in recommendation.updates.order_by("pk")] == [
        "adopted",
        "in_progress",
        "partly_implemented",
        "implemented",
    ]


@pytest.mark.parametrize("state", ["rejected", "not_implemented"])
def test_rejection_needs_a_justification(cast, meetings, state):
    recommendation = RecommendationFactory(meeting=meetings.private, state="adopted")
    with pytest.raises(ValidationError) as error:
        services.recommendation_change_state(
            actor=cast.member, recommendation=recommendation, state=state, justification=" "
        )
    assert "justification" in error.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.state == "adopted" and not recommendation.updates.exists()
    services.recommendation_change_state(
        actor=cast.member,
        recommendation=recommendation,
        state=state,
        justification="Hors du mandat de la commune",
    )
    recommendation.refresh_from_db()
    assert recommendation.state_justification == "Hors du mandat de la commune"


def test_updates_are_dated_between_the_meeting_and_today(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    for on in (datetime.date(2025, 3, 1), timezone.localdate() + datetime.timedelta(days=2)):
        with pytest.raises(ValidationError) as error:
            services.recommendation_add_update(
                actor=cast.member, recommendation=recommendation, text="Avancée", on=on
            )
        assert "on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.recommendation_add_update(
            actor=cast.member, recommendation=recommendation, text=""
        )
    assert not recommendation.updates.exists()
    update = services.recommendation_add_update(
        actor=cast.member,
        recommendation=recommendation,
        text="Réunion avec la commune",
        evidence_url="https://example.org/pv.pdf",
    )
    assert not update.changes_state


def test_read_only_people_cannot_change_a_state(cast, meetings):
    recommendation = RecommendationFactory(meeting=meetings.private)
    with pytest.raises(PermissionDenied):
        services.recommendation_change_state(
            actor=cast.readonly, recommendation=recommendation, state="in_progress"
        )
    recommendation.refresh_from_db()
    assert recommendation.state == "adopted"


def test_followers_are_told_one_by_one_with_no_personal_data(
    cast, meetings, django_capture_on_commit_callbacks
):
    meeting = meetings.private
    addressee = OrganisationFactory(name_fr="Commune de Beni Ansar")
    in_addressee = MembershipFactory(organisation=addressee, role=Membership.Role.READONLY).user
    in_addressee.preferred_language = "ar"
    in_addressee.save()
    AttendanceFactory(meeting=meeting, organisation=cast.organisation)
    AttendanceFactory(meeting=meeting, organisation=cast.other_organisation)
    recommendation = RecommendationFactory(meeting=meeting, title="Coordination régionale")
    recommendation.addressees.add(addressee)
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_change_state(
            actor=cast.member,
            recommendation=recommendation,
            state="in_progress",
            base_url="https://madina.example.org/",
        )
    recipients = sorted(message.to[0] for message in mail.outbox)
    # The addressee's person and the attending organisation's people, the actor excepted; the
    # outsider's organisation attended but does not see this private space's recommendations.
    expected = sorted(u.email for u in (in_addressee, cast.admin, cast.readonly))
    assert recipients == expected
    assert all(len(message.to) == 1 for message in mail.outbox)
    arabic = next(m for m in mail.outbox if m.to == [in_addressee.email])
    assert recommendation.code in arabic.subject and "قيد التنفيذ" in arabic.subject
    assert f"https://madina.example.org/ar/meetings/recommendations/{recommendation.pk}/" in (
        arabic.body
    )
    for message in mail.outbox:
        assert cast.member.full_name not in message.body
        assert cast.member.email not in message.body
