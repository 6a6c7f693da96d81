"""No English left on the outreach pages in Arabic and French (see core's coverage test)."""

import datetime

import pytest

from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.outreach import services, training_services
from madina.outreach.models import Capsule, School
from madina.outreach.tests.fixtures_sessions import record_session

pytestmark = pytest.mark.django_db

# Words French shares with English on these pages.
SAME_IN_FRENCH = {
    "migrant",
    "audio",
    "Audio",
    "vidéo",
    "Total",
    "Participants",
    "participants",
    "Nador",
    "Beni Ansar",
    "Selouane",
    "Tamazight",
    "Message",
    "mobilisation",
    "Mobilisation",
    "Date",
    "Organisation",
    "organisation",
    "Commune",
    "commune",
    "Communes",
    "Sessions",
    "sessions",
    "Type",
    "Format",
    "format",
    "minutes",
    "Action",
    "Actions",
    "Description",
    "Capsule",
    "capsule",
    "Capsules",
    "capsules",
    "Session",
    "session",
    "Participant",
    "participant",
}


def _latin(text: str) -> bool:
    text = _names_out(text)
    for word in sorted(SAME_IN_FRENCH, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


@pytest.fixture
def records(cast, territory):
    for organisation, name in [
        (cast.organisation, "جمعية الريف"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        organisation.name_ar, organisation.name_fr = name, ""
        organisation.save()
    cast.coordinator.full_name = "سميرة"
    cast.coordinator.save()
    capsule = services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.organisation,
        data={
            "title_ar": "العيش المشترك",
            "format": Capsule.Format.VIDEO,
            "languages": ["ar", "ary"],
            "topics": [Capsule.Topic.RIGHTS],
            "audience": Capsule.Audience.YOUNG_TEENS,
            "school_level": Capsule.SchoolLevel.MIDDLE,
            "duration_minutes": 7,
        },
    )
    school = services.school_create(
        actor=cast.coordinator,
        data={
            "name_ar": "مدرسة المسيرة",
            "commune": territory.nador,
            "level": School.Level.PRIMARY,
            "sector": School.Sector.PUBLIC,
        },
    )
    session = record_session(
        cast.coordinator, cast.organisation, school, [capsule], [("P5", 12, 10)], teachers=2
    )
    first = datetime.date(2025, 3, 10)
    training = training_services.training_create(
        actor=cast.coordinator,
        organisation=cast.organisation,
        data={
            "title": "التكفل بالنساء ضحايا العنف",
            "topic": "protection",
            "starts_on": first,
            "ends_on": first + datetime.timedelta(days=1),
            "commune": territory.nador,
            "venue": "دار الجمعيات",
            "trainers": "نادية",
            "pre_test_on": first,
            "post_test_on": first + datetime.timedelta(days=1),
            "max_score": 20,
        },
    )
    return capsule, school, session, training


def test_outreach_pages_are_translated(cast, records):
    capsule, school, session, training = records
    client = cast.client_for("coordinator")
    paths = [
        "/outreach/",
        "/outreach/capsules/",
        f"/outreach/capsules/{capsule.pk}/",
        "/outreach/capsules/new/",
        "/outreach/schools/",
        f"/outreach/schools/{school.pk}/",
        "/outreach/schools/new/",
        "/outreach/sessions/",
        f"/outreach/sessions/{session.pk}/",
        "/outreach/sessions/new/",
        "/outreach/trainings/",
        f"/outreach/trainings/{training.pk}/",
        "/outreach/trainings/new/",
        f"/outreach/trainings/{training.pk}/participants/new/",
        f"/outreach/trainings/{training.pk}/attendance/",
        "/outreach/advocacy/",
        "/outreach/advocacy/new/",
    ]
    for path in paths:
        texts = {}
        for language in ("en", "ar", "fr"):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            texts[language] = texts_of(response)
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        untranslated = {t for t in everywhere if _LATIN_WORD.search(_names_out(t))}
        assert not untranslated, (path, sorted(untranslated))
        for language in ("ar", "fr"):
            same = {t for t in (texts[language] & texts["en"]) - everywhere if _latin(t)}
            assert not same, (path, language, sorted(same))
        latin = {t for t in texts["ar"] if _LATIN_WORD.search(_names_out(t))}
        assert not latin, (path, sorted(latin))
