"""No English left in the Arabic and French pages of meetings and recommendations.

The same check as madina/core/tests/test_translation_coverage.py, on this app's pages, with
records written in Arabic only.
"""

from __future__ import annotations

import re

import pytest

from madina.actors.tests.factories import AreaFactory, OrganisationFactory, SectorFactory
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
    SpaceRoleFactory,
)
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.meetings.tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    InvitationFactory,
    MeetingFactory,
    MinutesFactory,
    RecommendationFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

# Written the same in French and English.
ALSO_SAME = {"document", "photo", "Places", "Invitations", "Consultations"}
# File extensions (".pdf, .docx") are written in Latin letters in every language.
_EXTENSION = re.compile(r"\.[a-z0-9]{2,5}\b")


@pytest.fixture
def records(cast):
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    for record, name in [
        (cast.organisation, "جمعية الناظور"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        record.name_ar, record.name_fr, record.acronym = name, "", ""
        record.save()
    organiser = OrganisationFactory(name_ar="جمعية ثسغناس", name_fr="")
    space = SpaceFactory(name_ar="الفضاء المحلي لجمعيات الناظور", name_fr="", visibility="public")
    SpaceRoleFactory(space=space, user=cast.coordinator, role="admin")
    meeting = MeetingFactory(
        space=space,
        title="لقاء جهوي للتشاور",
        organiser=organiser,
        commune=AreaFactory(name_ar="الناظور", name_fr="الناظور"),
        address="قاعة الندوات",
    )
    meeting.co_organisers.add(cast.organisation)
    parent = AgendaItemFactory(meeting=meeting, title="الافتتاح", duration_minutes=20)
    AgendaItemFactory(meeting=meeting, title="كلمة ترحيبية", parent=parent)
    session = SessionFactory(meeting=meeting, title="الحكامة الترابية", agenda_item=parent)
    SpeakerFactory(session=session, name="منسق المشروع", position="منسق", affiliation=organiser)
    AttendanceFactory(meeting=meeting, organisation=organiser, women=5, men=4, other=1)
    minutes = MinutesFactory(meeting=meeting, text="محضر اللقاء", is_published=True)
    minutes.files.create(
        kind="photo",
        file="meetings/minutes/00/00.jpg",
        original_name="القاعة",
        content_type="image/jpeg",
        size=2048,
        title="صورة القاعة",
    )
    theme = SectorFactory(name_ar="الحكامة والتواصل", name_fr="", name_en="")
    recommendation = RecommendationFactory(
        meeting=meeting,
        session=session,
        title="تطوير آليات التنسيق الجهوي",
        text="بين مختلف الشركاء",
        theme=theme,
        is_public=True,
        state="in_progress",
    )
    recommendation.addressees.add(cast.other_organisation)
    recommendation.updates.create(
        on=meeting.starts_at.date(),
        text="اجتماع أول",
        state_before="adopted",
        state_after="in_progress",
    )
    programme = ProgrammeFactory(space=space, title="البرنامج المشترك بين الجماعات")
    action = ItemFactory(programme=programme, code="", title="إحداث شباك موحد", progress=30)
    ResponsibilityFactory(item=action, organisation=organiser)
    recommendation.action_links.create(action=action)
    ItemFactory(programme=programme, code="", title="تكوين الفاعلين")
    meeting.capacity, meeting.reserved_places = 40, 5
    meeting.save()
    invitation = InvitationFactory(meeting=meeting, organisation=organiser)
    RegistrationFactory(
        invitation=invitation,
        interpretation={"ber": 2, "other": 1},
        interpretation_other="الولفية",
        childcare_places=2,
        wheelchair_access=True,
        sign_language=True,
        other_needs="منحدر",
    )
    InvitationFactory(meeting=meeting, organisation=cast.other_organisation, state="declined")
    return meeting, session, recommendation


def _pages(meeting, session, recommendation):
    m, s, r = meeting.pk, session.pk, recommendation.pk
    return [
        ("meeting list", "/meetings/?when=all"),
        ("meeting form", "/meetings/new/"),
        ("meeting detail", f"/meetings/{m}/"),
        ("meeting edit", f"/meetings/{m}/edit/"),
        ("agenda form", f"/meetings/{m}/agenda/new/"),
        ("session form", f"/meetings/{m}/sessions/{s}/edit/"),
        ("speaker form", f"/meetings/{m}/sessions/{s}/speakers/new/"),
        ("attendance form", f"/meetings/{m}/attendance/"),
        ("minutes form", f"/meetings/{m}/minutes/"),
        ("minutes file form", f"/meetings/{m}/minutes/files/new/"),
        ("recommendation form", f"/meetings/{m}/recommendations/new/"),
        ("recommendation detail", f"/meetings/recommendations/{r}/"),
        ("recommendation edit", f"/meetings/recommendations/{r}/edit/"),
        ("follow-up form", f"/meetings/recommendations/{r}/follow-up/"),
        ("link an action", f"/meetings/recommendations/{r}/actions/link/"),
        ("tracking", f"/meetings/spaces/{meeting.space_id}/recommendations/"),
        ("public tracking", f"/meetings/public/spaces/{meeting.space_id}/recommendations/"),
        ("public recommendation", f"/meetings/public/recommendations/{r}/"),
        ("invitations", f"/meetings/{m}/invitations/"),
        ("invitation", f"/meetings/invitations/{meeting.invitations.first().pk}/"),
    ]


def test_meeting_pages_have_no_untranslated_text(cast, records):
    browser = cast.client_for("coordinator")
    for name, path in _pages(*records):
        texts = {}
        for language in ("en", "ar", "fr"):
            response = browser.get(f"/{language}{path}")
            assert response.status_code == 200, (name, language)
            texts[language] = texts_of(response)
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        english_everywhere = {text for text in everywhere if _LATIN_WORD.search(_names_out(text))}
        assert not english_everywhere, f"{name}: untranslated {sorted(english_everywhere)}"
        for language, other in (("ar", "fr"), ("fr", "ar")):
            as_english = {
                text
                for text in (texts[language] & texts["en"]) - everywhere - ALSO_SAME
                if _LATIN_WORD.search(_names_out(text))
            }
            as_other = (texts[language] & texts[other]) - everywhere
            same = as_english | as_other
            assert not same, f"{name} in {language}: untranslated {sorted(same)}"
        latin = {
            text for text in texts["ar"] if _LATIN_WORD.search(_EXTENSION.sub("", _names_out(text)))
        }
        assert not latin, f"{name} in Arabic shows Latin text: {sorted(latin)}"
