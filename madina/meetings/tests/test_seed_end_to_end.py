"""Acceptance 1 of issue 4: the seed's meeting entered end to end from the UI, in Arabic.

A coordinator signs in on a 390-pixel phone; the organisations exist (the communes of Nador and
Beni Ansar, the Thisghnas association and two other associations). Everything else is done by
clicking through the pages at /ar/: the inter-municipal space and the local space of the
associations with their members and positions; the inter-municipal action programme (one axis,
two actions, each with its lead and a consulted or informed organisation) and the associations'
roadmap (one axis, one action with its lead); the regional consultation meeting in the
associations' space, its two sessions with two speakers each (role titles, not names), the
attendance of three organisations by sex, the minutes written and published, five of the seed's
recommendations (paragraphs 7 and 8) and their links to the actions of both programmes. It ends on
a recommendation page that lists its actions with their status and progress, on the space page's
links to the meetings and the follow-up of the recommendations, and on one page in French.

Every page is checked for what the person sees: Arabic text, right to left, no wider than the
phone, and no console error (a refusal of the content-security policy shows there).
Screenshots: test-artifacts/screenshots/ar-seed-*.png and fr-seed-*.png.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from madina.accounts.models import User
from madina.accounts.tests.factories import PASSWORD, UserFactory
from madina.actors.models import Organisation
from madina.actors.tests.factories import OrganisationFactory, SectorFactory
from madina.coordination.models import Responsibility
from madina.core.tests.test_browser import page, shot  # noqa: F401
from madina.territory.tests.factories import CommuneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390

NADOR = "جماعة الناظور"
BENI_ANSAR = "جماعة بني أنصار"
THISGHNAS = "جمعية ثسغناس للثقافة والتنمية"
RIF = "جمعية الريف للتضامن مع المهاجرين"
WOMEN_EAST = "جمعية نساء الشرق للتنمية"

INTER_MUNICIPAL = "فضاء التنسيق البين-جماعاتي بجهة الشرق"
CSO_SPACE = "الفضاء المحلي لمنظمات المجتمع المدني العاملة في مجال الهجرة بالناظور"
PROGRAMME = "برنامج عمل فضاء التنسيق البين-جماعاتي 2025-2027"
ROADMAP = "خارطة طريق الفضاء المحلي لمنظمات المجتمع المدني"
MEETING = "لقاء جهوي للتشاور حول تعزيز آليات التنسيق في مجال الهجرة بجهة الشرق"

# Paragraph 3: define responsibilities and roles, avoid duplicated initiatives; paragraph 4: the
# Beni Ansar experience; paragraph 6: building the capacities of civil society.
ACTION_ROLES = "تحديد المسؤوليات والأدوار بين الجماعات"
ACTION_EXPERIENCES = "تبادل تجارب إدماج قضايا الهجرة ضمن السياسات المحلية"
ACTION_CAPACITIES = "تقوية قدرات الجمعيات في التكوين والترافع والتعبئة"

SESSIONS = [
    (
        "الحكامة الترابية مدخلا لإدماج قضايا الهجرة ضمن السياسات المحلية",
        [("ممثل جماعة بني أنصار", BENI_ANSAR), ("ممثلة جماعة الناظور", NADOR)],
    ),
    (
        "منجزات ومخرجات النسخة الثانية من مشروع المدينة",
        [("منسق المشروع", THISGHNAS), ("رئيسة جمعية نساء الشرق", WOMEN_EAST)],
    ),
]

# Paragraphs 7 and 8 of the seed, in its own words.
RECOMMENDATIONS = [
    (
        "تطوير آليات التنسيق الجهوي بين مختلف الشركاء",
        "خلص اللقاء إلى توصيات تروم تطوير آليات التنسيق الجهوي بين مختلف الشركاء.",
    ),
    (
        "تعزيز ممارسات التعاون والتكامل بين المتدخلين",
        "تعزيز ممارسات التعاون والتكامل بين الشركاء.",
    ),
    (
        "المساهمة في بلورة استراتيجية جهوية للهجرة واللجوء",
        "استراتيجية منسجمة مع التوجهات الوطنية، ومرتكزة على مبادئ العدالة والمساواة والإنصاف.",
    ),
    (
        "جعل المهاجرين والمهاجرات شركاء فاعلين في التنمية المحلية",
        "ترسيخ قيم التعايش والتنوع الثقافي بجهة الشرق.",
    ),
    (
        "ضمان مشاركة المهاجرين في رسم السياسات العمومية",
        "سياسات عمومية تستجيب لانتظاراتهم وتدعم اندماجهم المجتمعي.",
    ),
]

MINUTES = (
    "قدمت جمعية ثسغناس للثقافة والتنمية برنامج عمل فضاء التنسيق البين-جماعاتي وخارطة طريق "
    "الفضاء المحلي لمنظمات المجتمع المدني، من أجل تحديد المسؤوليات والأدوار وتفادي تكرار "
    "المبادرات.\n\nتضمن اللقاء جلستين رئيسيتين حول إدماج قضايا الهجرة ضمن السياسات المحلية، "
    "وخلص إلى خمس توصيات."
)


# --- What every step checks -----------------------------------------------------------------


def seen(page, *texts: str, where: str = "main", language: str = "ar") -> str:  # noqa: F811
    """What the person sees: the language and direction, the texts, the width, no error."""
    html = page.locator("html")
    assert html.get_attribute("lang") == language, page.url
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), page.url
    assert page.evaluate("getComputedStyle(document.body).direction") == html.get_attribute("dir")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} pixels wide"
    assert not page.console_errors, f"{page.url}: {page.console_errors}"
    text = page.locator(where).first.inner_text()
    for expected in texts:
        assert expected in text, f"{expected!r} is not on {page.url} ({where})"
    return text


def follow(page, selector: str) -> None:  # noqa: F811
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def submit(page, form: str, button: str = "button[type=submit]") -> None:  # noqa: F811
    """Send a form found by its id and wait for the next page; a refusal fails the test."""
    with page.expect_navigation():
        page.click(f"form#{form} {button}")
    errors = page.locator(".invalid-feedback, .alert-danger")
    assert errors.count() == 0, f"{form} refused on {page.url}: {errors.all_inner_texts()}"
    assert not page.console_errors, f"{page.url}: {page.console_errors}"


def pk_in(url: str, pattern: str) -> int:
    found = re.search(pattern, url)
    assert found, f"{pattern} not in {url}"
    return int(found.group(1))


def sign_in(page, base: str, email: str) -> None:  # noqa: F811
    page.goto(f"{base}/ar/accounts/login/")
    seen(page)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/accounts/login/'] button[type=submit]")


# --- Steps ----------------------------------------------------------------------------------


def create_space(page, base, *, name, type, purpose, members) -> str:  # noqa: A002, F811
    page.goto(f"{base}/ar/spaces/")
    follow(page, "main a[href='/ar/spaces/new/']")
    seen(page)
    page.fill("input[name=name_ar]", name)
    page.select_option("select[name=type]", type)
    page.fill("textarea[name=purpose_ar]", purpose)
    page.check("input[name=visibility][value=transparent]")
    submit(page, "space-form")
    seen(page, name, where="h1")
    space_url = page.url
    for organisation, position in members:
        follow(page, "#members a[href$='/members/new/']")
        seen(page)
        page.select_option("select[name=organisation]", str(organisation.pk))
        page.select_option("select[name=position]", position)
        page.fill("input[name=start_date]", "2025-01-15")
        submit(page, "member-form")
        assert page.url.startswith(space_url), page.url
    return space_url


def create_programme(page, *, kind, title) -> str:  # noqa: F811
    """From the space page, a programme of ``kind``; returns its URL."""
    follow(page, "#programmes a[href$='/programmes/new/']")
    seen(page)
    page.check(f"input[name=kind][value={kind}]")
    page.fill("input[name=title]", title)
    page.fill("input[name=period_start]", "2025-01-01")
    page.fill("input[name=period_end]", "2027-12-31")
    page.select_option("select[name=status]", "adopted")
    submit(page, "programme-form")
    seen(page, title, where="h1")
    return page.url


def add_axis(page, *, code, title) -> str:  # noqa: F811
    """From the programme page, an axis at the top; returns its URL."""
    follow(page, "main a[href$='/items/new/']")
    page.select_option("select[name=kind]", "axis")
    page.fill("input[name=code]", code)
    page.fill("input[name=title]", title)
    submit(page, "item-form")
    seen(page, title, where="h1")
    return page.url


def add_action(page, axis_url, *, code, title, roles) -> str:  # noqa: F811
    """Under the axis, an action and the organisations' roles in it; returns its URL."""
    page.goto(axis_url)
    follow(page, "main a[href*='/items/new/?parent=']")
    seen(page)
    page.select_option("select[name=kind]", "action")
    page.fill("input[name=code]", code)
    page.fill("input[name=title]", title)
    page.fill("input[name=start_date]", "2025-04-01")
    page.fill("input[name=due_date]", "2027-06-30")
    submit(page, "item-form")
    seen(page, title, where="h1")
    action_url = page.url
    for organisation, role in roles:
        follow(page, "main a[href$='/responsibilities/new/']")
        seen(page)
        page.select_option("select[name=organisation]", str(organisation.pk))
        page.select_option("select[name=role]", role)
        submit(page, "responsibility-form")
        assert page.url == action_url
        with translation.override("ar"):
            label = str(Responsibility.Role(role).label)
        matrix = seen(page, organisation.name_ar, where="section[aria-labelledby=matrix-title]")
        assert label in matrix, f"{label!r} is not in the matrix of {page.url}"
    return action_url


def test_the_seed_meeting_is_entered_end_to_end_in_arabic(live_server, page):  # noqa: F811
    UserFactory(email="coord@example.org", platform_role=User.PlatformRole.COORDINATOR)
    commune = Organisation.Type.COMMUNE
    nador = OrganisationFactory(name_ar=NADOR, name_fr="Commune de Nador", type=commune)
    beni_ansar = OrganisationFactory(
        name_ar=BENI_ANSAR, name_fr="Commune de Beni Ansar", type=commune
    )
    thisghnas = OrganisationFactory(
        name_ar=THISGHNAS, name_fr="Association Thisghnas pour la culture et le développement"
    )
    rif = OrganisationFactory(name_ar=RIF, name_fr="Association Rif Solidarité Migrants")
    women_east = OrganisationFactory(name_ar=WOMEN_EAST, name_fr="Association Femmes de l'Oriental")
    by_name = {o.name_ar: o for o in (nador, beni_ansar, thisghnas, rif, women_east)}
    place = CommuneFactory(name_ar="الناظور", name_fr="Nador")
    theme = SectorFactory(name_ar="الحكامة والتواصل", name_fr="Gouvernance et communication")
    page.set_viewport_size({"width": WIDTH, "height": 844})
    base = live_server.url
    sign_in(page, base, "coord@example.org")

    # 1. The two spaces, with their members and positions.
    inter_url = create_space(
        page,
        base,
        name=INTER_MUNICIPAL,
        type="inter_municipal",
        purpose="تنسيق عمل الجماعات الترابية في مجال الهجرة",
        members=[(nador, "chair"), (beni_ansar, "member")],
    )
    seen(page, NADOR, BENI_ANSAR, "الرئاسة", "عضو", where="#members")
    seen(page, "فضاء التنسيق بين الجماعات", where="h1 + p")
    cso_url = create_space(
        page,
        base,
        name=CSO_SPACE,
        type="local_cso",
        purpose="أرضية مشتركة لتدبير قضايا الهجرة بشكل منسجم وفعال",
        members=[(thisghnas, "chair"), (rif, "secretariat"), (women_east, "member")],
    )
    seen(page, THISGHNAS, RIF, WOMEN_EAST, "الرئاسة", "الكتابة", where="#members")
    shot(page, "ar-seed-space")

    # 2. The inter-municipal programme: one axis, two actions with their lead and RACI.
    page.goto(inter_url)
    programme_url = create_programme(page, kind="programme", title=PROGRAMME)
    axis_url = add_axis(page, code="1", title="الحكامة الترابية وإدماج قضايا الهجرة")
    roles_url = add_action(
        page,
        axis_url,
        code="1.1",
        title=ACTION_ROLES,
        roles=[(nador, "accountable"), (beni_ansar, "consulted")],
    )
    experiences_url = add_action(
        page,
        axis_url,
        code="1.2",
        title=ACTION_EXPERIENCES,
        roles=[(beni_ansar, "accountable"), (thisghnas, "informed")],
    )
    # The first action gets under way: on track, 40 %.
    page.goto(roles_url)
    follow(page, "main a[href$='/status/']")
    seen(page)
    page.select_option("form#status-form select[name=status]", "on_track")
    page.fill("form#status-form input[name=progress]", "40")
    submit(page, "status-form")
    seen(page, "يسير وفق المخطط", ACTION_ROLES)
    page.goto(programme_url)
    follow(page, "main a[href$='/raci/']")
    seen(page, ACTION_ROLES, ACTION_EXPERIENCES, NADOR, BENI_ANSAR, THISGHNAS, where="table")
    shot(page, "ar-seed-programme-raci")

    # 3. The associations' roadmap: one axis, one action with its lead.
    page.goto(cso_url)
    create_programme(page, kind="roadmap", title=ROADMAP)
    seen(page, "خارطة طريق")
    roadmap_axis = add_axis(page, code="1", title="تقوية قدرات المجتمع المدني")
    capacities_url = add_action(
        page,
        roadmap_axis,
        code="1.1",
        title=ACTION_CAPACITIES,
        roles=[(thisghnas, "accountable"), (rif, "responsible")],
    )
    shot(page, "ar-seed-roadmap-action")

    # 4. The consultation meeting, planned from the associations' space.
    page.goto(cso_url)
    seen(page, ROADMAP, where="#programmes")
    follow(page, "#meetings a[href*='/meetings/new/?space=']")
    seen(page, CSO_SPACE, where="form#meeting-form select[name=space] option:checked")
    page.fill("input[name=title]", MEETING)
    page.select_option("select[name=type]", "consultation")
    page.select_option("select[name=status]", "held")
    page.fill("input[name=starts_at]", "2025-03-06T09:30")
    page.fill("input[name=ends_at]", "2025-03-06T13:30")
    page.check("input[name=mode][value=in_person]")
    page.select_option("select[name=commune]", str(place.pk))
    page.fill("input[name=address]", "قاعة الندوات")
    page.select_option("select[name=organiser]", str(thisghnas.pk))
    page.select_option("select[name=co_organisers]", [str(nador.pk)])
    submit(page, "meeting-form")
    seen(page, MEETING, where="h1")
    meeting_url = page.url
    assert re.search(r"/ar/meetings/\d+/$", meeting_url), meeting_url

    # Two sessions, two speakers each: role titles, as the seed names public figures only.
    for title, speakers in SESSIONS:
        follow(page, "#sessions a[href$='/sessions/new/']")
        seen(page)
        page.fill("input[name=title]", title)
        submit(page, "session-form")
        for name, affiliation in speakers:
            session = page.locator("#sessions article").filter(has_text=title)
            with page.expect_navigation():
                session.locator("a[href$='/speakers/new/']").click()
            seen(page, title)
            page.fill("input[name=name]", name)
            page.fill("input[name=position]", "متدخل")
            page.select_option("select[name=affiliation]", str(by_name[affiliation].pk))
            submit(page, "speaker-form")
            seen(page, name, affiliation, where=f"#sessions article:has-text('{title}')")
    sessions = seen(page, where="#sessions")
    assert all(title in sessions for title, _speakers in SESSIONS)
    assert page.locator("#sessions .speakers li").count() == 4

    # Attendance of three organisations, by sex: the rows come with the organiser and the
    # space's members; Beni Ansar goes on an empty row.
    follow(page, "#attendance a[href$='/attendance/']")
    seen(page)
    counts = {thisghnas.pk: ("6", "4"), rif.pk: ("3", "2"), beni_ansar.pk: ("1", "2")}
    rows = page.eval_on_selector_all(
        "form#attendance-form select[name$='-organisation']",
        "selects => selects.map(s => [s.name.split('-')[1], s.value])",
    )
    by_organisation = {int(value): index for index, value in rows if value}
    empty = [index for index, value in rows if not value]
    assert empty, rows
    page.select_option(f"select[name=attendance-{empty[0]}-organisation]", str(beni_ansar.pk))
    by_organisation[beni_ansar.pk] = empty[0]
    for organisation, (women, men) in counts.items():
        row = by_organisation[organisation]
        page.fill(f"input[name=attendance-{row}-women]", women)
        page.fill(f"input[name=attendance-{row}-men]", men)
    shot(page, "ar-seed-attendance")
    submit(page, "attendance-form")
    seen(page, THISGHNAS, RIF, BENI_ANSAR, "النساء", "الرجال", where="#attendance")
    assert page.locator("#total-women").inner_text() == "10"
    assert page.locator("#total-men").inner_text() == "8"
    assert page.locator("#total-all").inner_text() == "18"

    # The minutes, written then published.
    follow(page, "#minutes a[href$='/minutes/']")
    seen(page)
    page.fill("form#minutes-form textarea[name=text]", MINUTES)
    submit(page, "minutes-form")
    with page.expect_navigation():
        page.click("#publish-minutes")
    seen(page, "نُشر في", "تفادي تكرار المبادرات", where="#minutes")

    # Five recommendations of the seed, entered one after the other.
    follow(page, "#recommendations a[href$='/recommendations/new/']")
    for rank, (title, text) in enumerate(RECOMMENDATIONS):
        seen(page)
        page.fill("form#recommendation-form input[name=title]", title)
        page.fill("form#recommendation-form textarea[name=text]", text)
        page.select_option("select[name=language]", "ar")
        page.select_option("select[name=session]", label=SESSIONS[1][0])
        page.select_option("select[name=theme]", str(theme.pk))
        page.select_option("select[name=addressees]", [str(nador.pk), str(beni_ansar.pk)])
        last = rank == len(RECOMMENDATIONS) - 1
        if rank == 0:
            shot(page, "ar-seed-recommendation-form")
        submit(
            page,
            "recommendation-form",
            "button[type=submit]:not([name])" if last else "button[name=another]",
        )
    assert page.url.startswith(meeting_url)
    listed = seen(page, *(title for title, _text in RECOMMENDATIONS), where="#recommendations")
    assert page.locator("#recommendations li").count() == 5, listed
    shot(page, "ar-seed-meeting")

    # Links to the actions: the first recommendation to an action of each programme, the
    # second to the roadmap's, the fifth to the programme's second action.
    actions = {
        "roles": pk_in(roles_url, r"/items/(\d+)/"),
        "experiences": pk_in(experiences_url, r"/items/(\d+)/"),
        "capacities": pk_in(capacities_url, r"/items/(\d+)/"),
    }
    links = [(0, "roles"), (0, "capacities"), (1, "capacities"), (4, "experiences")]
    recommendation_urls = {}
    for rank, action in links:
        title = RECOMMENDATIONS[rank][0]
        page.goto(meeting_url)
        follow(page, f"#recommendations a:text-is('{title}')")
        seen(page, title, where="h1")
        recommendation_urls[rank] = page.url
        follow(page, "#actions a[href$='/actions/link/']")
        seen(page)
        page.select_option("form#link-form select[name=action]", str(actions[action]))
        submit(page, "link-form")
        assert page.url.startswith(recommendation_urls[rank]), page.url

    # 5. The first recommendation lists its two actions, with status, lead and progress.
    page.goto(recommendation_urls[0])
    found = seen(
        page,
        "الإجراءات التي تنفذها",
        ACTION_ROLES,
        ACTION_CAPACITIES,
        PROGRAMME,
        ROADMAP,
        NADOR,
        THISGHNAS,
        "يسير وفق المخطط",
        "لم يبدأ",
        "تقدم تنفيذ التوصية",
        where="#actions",
    )
    # Progress, as read (Arabic writes the percent sign ٪) and as drawn: the recommendation's
    # is the average of its two actions' (40 and 0).
    assert re.findall(r"(\d+) ?[%٪]", found) == ["20", "40", "0"], found
    bars = page.eval_on_selector_all("#actions progress", "bars => bars.map(b => b.value)")
    assert bars == [20, 40, 0], bars
    assert page.locator("#actions li.list-group-item").count() == 2
    shot(page, "ar-seed-recommendation")

    # 6. The space page leads to the meetings and to the follow-up of the recommendations.
    page.goto(meeting_url)
    cso_pk = pk_in(cso_url, r"/spaces/(\d+)/")
    follow(page, f"main dd a[href$='/spaces/{cso_pk}/']")
    assert page.url == cso_url
    seen(page, "اللقاءات والتوصيات", "لقاءات الفضاء", "تتبع التوصيات", where="#meetings")
    shot(page, "ar-seed-space-links")
    follow(page, "#meetings a[href*='/recommendations/']")
    seen(page, *(title for title, _text in RECOMMENDATIONS))
    page.goto(cso_url)
    follow(page, "#meetings a[href*='/meetings/?space=']")
    seen(page, CSO_SPACE, where="form[role=search]")
    # The meeting was held: the list opens on upcoming meetings, so ask for every date.
    page.select_option("select[name=when]", "all")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    seen(page, MEETING, where="#meeting-results")
    follow(page, f"#meeting-results a:text-is('{MEETING}')")
    assert page.url == meeting_url

    # 7. The same recommendation in French, through the language menu.
    page.goto(recommendation_urls[0])
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.click("#language-menu")
    with page.expect_navigation():
        page.click("a[hreflang=fr]")
    assert "/fr/" in page.url
    seen(
        page,
        "Actions qui la mettent en œuvre",
        "dans les temps",
        "Commune de Nador",
        "40 %",
        "20 %",
        where="#actions",
        language="fr",
    )
    shot(page, "fr-seed-recommendation")
    assert not page.console_errors
