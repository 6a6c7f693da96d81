"""In a real browser, in Arabic: an editor of a space enters the seed's consultation meeting —
two sessions with their speakers, attendance by organisation and sex, minutes published, five
recommendations — then follows one up; screenshots in Arabic and French."""

from __future__ import annotations

import pytest

from madina.accounts.tests.factories import UserFactory
from madina.actors.tests.factories import AreaFactory, OrganisationFactory, SectorFactory
from madina.coordination.tests.factories import (
    SpaceFactory,
    SpaceMemberFactory,
    SpaceRoleFactory,
)
from madina.core.tests.test_browser import page, shot, sign_in  # noqa: F401
from madina.meetings.models import Meeting, Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECOMMENDATIONS = [
    "تطوير آليات التنسيق الجهوي بين مختلف الشركاء",
    "تعزيز ممارسات التعاون والتكامل بين المتدخلين",
    "المساهمة في بلورة استراتيجية جهوية للهجرة واللجوء",
    "ضمان مشاركة المهاجرين في رسم السياسات العمومية المحلية",
    "تعميم الكبسولات التحسيسية على المؤسسات التعليمية",
]


def test_an_editor_enters_the_seed_meeting_in_arabic(live_server, page):  # noqa: F811
    editor = UserFactory(email="rapporteur@example.org")
    space = SpaceFactory(name_ar="الفضاء المحلي لجمعيات الناظور", visibility="transparent")
    SpaceRoleFactory(space=space, user=editor, role="rapporteur")
    organiser = OrganisationFactory(name_ar="جمعية ثسغناس للثقافة والتنمية", name_fr="Thisghnas")
    commune_org = OrganisationFactory(name_ar="جماعة بني أنصار", name_fr="Commune de Beni Ansar")
    SpaceMemberFactory(space=space, organisation=organiser, position="chair")
    SpaceMemberFactory(space=space, organisation=commune_org)
    commune = AreaFactory(name_ar="الناظور", name_fr="Nador")
    theme = SectorFactory(name_ar="الحكامة والتواصل", name_fr="Gouvernance et communication")
    base = live_server.url
    sign_in(page, base, "rapporteur@example.org")

    page.goto(f"{base}/ar/meetings/new/?space={space.pk}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("input[name=title]", "لقاء جهوي للتشاور حول تعزيز آليات التنسيق في مجال الهجرة")
    page.select_option("select[name=type]", "consultation")
    page.select_option("select[name=status]", "held")
    page.fill("input[name=starts_at]", "2025-03-06T09:30")
    page.fill("input[name=ends_at]", "2025-03-06T13:30")
    page.check("input[name=mode][value=in_person]")
    page.select_option("select[name=commune]", str(commune.pk))
    page.fill("input[name=address]", "قاعة الندوات")
    page.select_option("select[name=organiser]", str(organiser.pk))
    shot(page, "ar-meeting-form")
    page.click("form#meeting-form button[type=submit]")
    page.wait_for_load_state()
    meeting = Meeting.objects.get()
    meeting_url = f"{base}/ar/meetings/{meeting.pk}/"
    assert page.url == meeting_url

    sessions = [
        ("الحكامة الترابية مدخلا لإدماج قضايا الهجرة", [("ممثل جماعة بني أنصار", commune_org)]),
        ("منجزات ومخرجات النسخة الثانية من مشروع المدينة", [("منسق المشروع", organiser)]),
    ]
    for title, speakers in sessions:
        page.goto(f"{meeting_url}sessions/new/")
        page.fill("input[name=title]", title)
        page.click("form#session-form button[type=submit]")
        page.wait_for_load_state()
        session = meeting.sessions.get(title=title)
        for name, affiliation in speakers:
            page.goto(f"{meeting_url}sessions/{session.pk}/speakers/new/")
            page.fill("input[name=name]", name)
            page.fill("input[name=position]", "متدخل")
            page.select_option("select[name=affiliation]", str(affiliation.pk))
            page.click("form#speaker-form button[type=submit]")
            page.wait_for_load_state()

    page.goto(f"{meeting_url}attendance/")
    for row, (women, men) in enumerate([("6", "4"), ("1", "2")]):
        page.fill(f"input[name=attendance-{row}-women]", women)
        page.fill(f"input[name=attendance-{row}-men]", men)
    shot(page, "ar-meeting-attendance")
    page.click("form#attendance-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#total-women").inner_text() == "7"
    assert page.locator("#total-all").inner_text() == "13"

    page.goto(f"{meeting_url}minutes/")
    page.fill("textarea[name=text]", "قدمت الجمعية برنامج عمل الفضاء، وتضمن اللقاء جلستين.")
    page.click("form#minutes-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#publish-minutes")
    page.wait_for_load_state()
    assert meeting.minutes.__class__.objects.get(meeting=meeting).is_published

    page.goto(f"{meeting_url}recommendations/new/")
    for rank, title in enumerate(RECOMMENDATIONS):
        page.fill("input[name=title]", title)
        page.select_option("select[name=language]", "ar")
        page.select_option("select[name=theme]", str(theme.pk))
        page.select_option("select[name=addressees]", [str(commune_org.pk)])
        if rank == 0:
            shot(page, "ar-recommendation-form")
        page.click("form#recommendation-form button[name=another]")
        page.wait_for_load_state()
    assert Recommendation.objects.filter(meeting=meeting).count() == 5

    page.goto(meeting_url)
    sessions_text = page.locator("#sessions").inner_text()
    assert "منسق المشروع" in sessions_text and "جماعة بني أنصار" in sessions_text
    assert all(title in page.locator("#recommendations").inner_text() for title in RECOMMENDATIONS)
    shot(page, "ar-meeting-detail")

    # A rejection without a justification is refused, in Arabic, and nothing changes.
    recommendation = Recommendation.objects.get(meeting=meeting, number=5)
    page.goto(f"{base}/ar/meetings/recommendations/{recommendation.pk}/follow-up/")
    page.select_option("select[name=state]", "rejected")
    page.click("form#update-form button[type=submit]")
    page.wait_for_load_state()
    assert "تعليل" in page.locator("form#update-form").inner_text()
    page.select_option("select[name=state]", "in_progress")
    page.fill("textarea[name=text]", "انعقد أول اجتماع للجنة المشتركة.")
    page.click("form#update-form button[type=submit]")
    page.wait_for_load_state()
    assert "قيد التنفيذ" in page.locator("#updates").inner_text()
    shot(page, "ar-recommendation-detail")

    # A cheap phone: nothing wider than 360 px on the meeting's pages.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in (
        meeting_url,
        f"{meeting_url}edit/",
        f"{meeting_url}attendance/",
        f"{meeting_url}recommendations/new/",
        f"{base}/ar/meetings/",
        f"{base}/ar/meetings/spaces/{space.pk}/recommendations/",
        f"{base}/ar/meetings/recommendations/{recommendation.pk}/",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    shot(page, "ar-recommendation-tracking")
    page.goto(meeting_url.replace("/ar/", "/fr/"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Séances et intervenants" in page.inner_text("body")
    shot(page, "fr-meeting-detail")
    page.goto(f"{base}/fr/meetings/spaces/{space.pk}/recommendations/")
    shot(page, "fr-recommendation-tracking")
    assert not page.console_errors
