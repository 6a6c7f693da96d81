"""The public portal in a real browser, on a 360×740 phone, in Arabic and Spanish: find a free
health service in Beni Ansar that speaks French, answer a consultation anonymously, send a
complaint and follow it with its code, leave quickly; axe-core finds no serious or critical
violation on any portal page in Arabic or French; the home page stays within its weight budget.

The data are the demo's (areas, organisations, services, consultation, feedback, recommendations),
loaded as ``make run`` loads them. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from madina.consultations.models import Consultation, Response
from madina.core.demo import BENI_ANSAR
from madina.core.tests.test_browser import ARTEFACTS, CHROMIUM, CHROMIUM_ARGS
from madina.directory.models import Service
from madina.feedback.models import Feedback
from madina.territory.models import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
HOME_BUDGET = 300 * 1024  # bytes transferred for the home page, everything included
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo(db):
    from madina.consultations.demo import consultations_demo_load
    from madina.coordination.demo import coordination_demo_load
    from madina.core.demo import demo_load
    from madina.directory.demo import directory_demo_load
    from madina.feedback.demo import feedback_demo_load
    from madina.initiatives.demo import initiatives_demo_load
    from madina.meetings.demo import meetings_demo_load
    from madina.meetings.public_demo import public_meeting_demo_load

    call_command("madina_setup", verbosity=0)
    for load in (
        demo_load,
        initiatives_demo_load,
        coordination_demo_load,
        meetings_demo_load,
        public_meeting_demo_load,
        directory_demo_load,
        consultations_demo_load,
        feedback_demo_load,
    ):
        load()


@pytest.fixture
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped.")
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page, which records console errors and what it downloads."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"portal-{name}.png"), full_page=True)


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} pixels wide"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def find_free_french_health_service_in_beni_ansar(page, base, language):
    page.goto(f"{base}/{language}/portal/")
    page.click("nav.sections a[href$='/portal/services/']")
    page.wait_for_load_state()
    fits(page)
    page.select_option("select[name=need]", "health")
    beni_ansar = Area.objects.get(code=BENI_ANSAR)
    page.select_option("select[name=commune]", str(beni_ansar.pk))
    page.select_option("select[name=language]", "fr")
    page.check("input[name=free]")
    shot(page, f"{language}-services-form")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    results = page.locator("#service-results > li")
    names = [text.strip() for text in results.locator("h2, h3").all_inner_texts()]
    expected = Service.objects.get(name_fr="Centre de santé urbain de Beni Ansar")
    shown_name = expected.name_ar if language == "ar" else expected.name_fr
    assert shown_name in " ".join(names), names
    # Every service listed meets every choice: health, free, French spoken, in Beni Ansar.
    for service in Service.objects.filter(is_active=True):
        label = service.name_ar if language == "ar" else service.name_fr
        matches = (
            service.type in ("medical", "psychosocial")
            and service.cost == "free"
            and "fr" in service.languages.split()
            and (
                service.commune_id == beni_ansar.pk
                or service.communes_served.filter(pk=beni_ansar.pk).exists()
            )
        )
        assert (label in " ".join(names)) == matches, label
    # Tap to call.
    call = page.locator(f"#service-results a[href='tel:{expected.phone.as_e164}']")
    assert call.count() == 1
    fits(page)
    shot(page, f"{language}-services-found")


def answer_the_consultation_anonymously(page, base, language, audit=None):
    audit = audit or (lambda page, name: None)
    consultation = Consultation.objects.get(state=Consultation.State.PUBLISHED)
    before = Response.objects.count()
    page.goto(f"{base}/{language}/portal/")
    page.click("nav.sections a[href$='/portal/consultations/']")
    page.wait_for_load_state()
    page.click(f"a[href$='/portal/consultations/{consultation.pk}/']")
    page.wait_for_load_state()
    fits(page)
    # The first choice of every question shown, in order (a choice may reveal the next question).
    for block in page.locator("form[data-consultation] .question").all():
        if not block.is_visible():
            continue
        choice = block.locator("input[type=radio], input[type=checkbox]")
        if choice.count():
            choice.first.check()
        elif block.locator("textarea").count():
            block.locator("textarea").fill("<script>alert(1)</script> Merci")
    shot(page, f"{language}-consultation-answer")
    page.click("form[data-consultation] button[type=submit]")
    page.wait_for_load_state()
    assert "/thanks/" in page.url, page.inner_text("main")
    audit(page, "consultation thanks")
    shot(page, f"{language}-consultation-thanks")
    assert Response.objects.count() == before + 1
    response = Response.objects.latest("pk")
    assert response.entered_by_id is None and response.channel == "portal"
    assert response.language == language
    stored = {field.name: getattr(response, field.name) for field in Response._meta.fields}
    assert "127.0.0.1" not in str(stored)


def send_a_complaint_and_follow_it(page, base, language, audit=None):
    audit = audit or (lambda page, name: None)
    page.goto(f"{base}/{language}/portal/")
    page.click("nav.sections a[href$='/portal/feedback/']")
    page.wait_for_load_state()
    fits(page)
    page.check("input[name=type][value=complaint]")
    page.select_option("select[name=category]", "health")
    page.fill(
        "textarea[name=message]",
        "Au centre de santé on m'a demandé de payer <b>200 dirhams</b> pour une consultation.",
    )
    shot(page, f"{language}-feedback-form")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    code = page.inner_text("#reference-code").strip()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code), code
    assert code.replace("-", "") not in page.url
    audit(page, "feedback code")
    shot(page, f"{language}-feedback-code")
    feedback = Feedback.objects.latest("pk")
    assert feedback.type == "complaint" and feedback.entered_by_id is None
    # Later, with the code only: the status, nothing else of the message.
    page.goto(f"{base}/{language}/portal/feedback/status/")
    page.fill("input[name=code]", code.lower())
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "200 dirhams" not in body
    assert page.locator("#feedback-status").count() == 1
    audit(page, "feedback status found")
    shot(page, f"{language}-feedback-status")
    # A made-up code reveals nothing and says so.
    page.fill("input[name=code]", "ZZZZZ-ZZZZZ")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#feedback-status").count() == 0
    assert page.locator("#feedback-unknown").count() == 1
    audit(page, "feedback status unknown")
    assert code.replace("-", "") not in page.url


def leave_quickly(page, base, language, settings):
    neutral = f"{base}/healthz?weather"
    settings.MADINA_LEAVE_URL = neutral
    page.goto(f"{base}/{language}/portal/")  # where the person was before (not sensitive)
    page.goto(f"{base}/{language}/portal/feedback/")
    page.click("#leave-quickly")
    page.wait_for_url(neutral)
    # The feedback page is gone from the history: Back goes to the page before it.
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{base}/{language}/portal/"


@pytest.mark.parametrize("language", ["ar", "es"])
def test_a_migrant_uses_the_portal_on_a_phone(live_server, phone, demo, settings, language):
    base = live_server.url
    find_free_french_health_service_in_beni_ansar(phone, base, language)
    answer_the_consultation_anonymously(phone, base, language)
    send_a_complaint_and_follow_it(phone, base, language)
    leave_quickly(phone, base, language, settings)
    assert phone.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert phone.console_errors == []


def portal_pages(language: str) -> list[tuple[str, str]]:
    consultation = Consultation.objects.get(state=Consultation.State.PUBLISHED)
    service = Service.objects.filter(is_active=True).first()
    from madina.meetings.selectors import public_recommendations

    recommendation = public_recommendations().first()
    pages = [
        ("choose-language", "/"),
        ("home", f"/{language}/portal/"),
        ("services", f"/{language}/portal/services/?need=health"),
        ("service", f"/{language}/portal/services/{service.uuid}/"),
        ("consultations", f"/{language}/portal/consultations/"),
        ("consultation", f"/{language}/portal/consultations/{consultation.pk}/"),
        (
            "consultation-summary",
            f"/{language}/portal/consultations/{consultation.pk}/what-you-told-us/",
        ),
        ("feedback", f"/{language}/portal/feedback/"),
        ("feedback-status", f"/{language}/portal/feedback/status/"),
        ("feedback-results", f"/{language}/portal/feedback/results/"),
        ("recommendations", f"/{language}/portal/recommendations/"),
        ("open-data", f"/{language}/portal/open-data/"),
    ]
    if recommendation is not None:
        pages.append(("recommendation", f"/{language}/portal/recommendations/{recommendation.pk}/"))
    return pages


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_no_serious_accessibility_violation_on_any_portal_page(live_server, phone, demo, language):
    found = {}
    for name, path in portal_pages(language):
        response = phone.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        fits(phone)
        violations = serious_violations(phone)
        if violations:
            found[path] = violations
        shot(phone, f"{language}-{name}")
    # The forms' error states too: an empty feedback sent.
    phone.goto(f"{live_server.url}/{language}/portal/feedback/")
    phone.click("form button[type=submit]")
    phone.wait_for_load_state()
    if violations := serious_violations(phone):
        found["feedback (errors)"] = violations
    shot(phone, f"{language}-feedback-errors")
    assert found == {}
    assert phone.console_errors == []


def test_the_home_page_weighs_less_than_its_budget(live_server, browser, demo):
    for language in ("ar", "es"):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request, seen=finished: seen.append(request))
        page.goto(f"{live_server.url}/{language}/portal/")
        page.wait_for_load_state("networkidle")
        total = 0
        for request in finished:
            assert request.url.startswith(live_server.url), request.url  # nothing from elsewhere
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        context.close()
        print(f"home page, {language}: {len(finished)} requests, {total} bytes")
        assert len(finished) >= 3  # the page, its style sheet and its script at least
        assert total <= HOME_BUDGET, f"{language}: {total} bytes"


def test_near_me_sorts_in_the_browser_and_never_sends_the_position(live_server, browser, demo):
    # Someone standing in the centre of Beni Ansar, who agrees to share the position.
    beni_ansar = Area.objects.get(code=BENI_ANSAR)
    here = {"latitude": float(beni_ansar.latitude), "longitude": float(beni_ansar.longitude)}
    context = browser.new_context(viewport=PHONE, geolocation=here)
    context.grant_permissions(["geolocation"])
    page = context.new_page()
    page.goto(f"{live_server.url}/es/portal/services/")
    sent = []
    page.on("request", lambda request: sent.append(request))
    page.click("#near-me")
    page.wait_for_function(
        "document.getElementById('near-me-status').textContent.length > 0"
        " && !document.getElementById('near-me-status').textContent.endsWith('…')"
    )
    distances = [
        float(value)
        for value in page.eval_on_selector_all(
            "#service-results > li[data-km]", "items => items.map(i => i.dataset.km)"
        )
    ]
    assert len(distances) >= 3
    assert distances == sorted(distances)
    assert distances[0] < 0.5  # a service of Beni Ansar itself comes first
    first = page.locator("#service-results > li").first.inner_text()
    assert "Beni Ansar" in first
    assert page.locator("#service-results .distance:not([hidden])").count() == len(distances)
    shot(page, "es-services-near-me")
    # Sorting asked nothing of the server (the page's icon aside): the position stayed here.
    assert [request.url for request in sent if not request.url.endswith("favicon.svg")] == []
    assert not any(f"{here['latitude']:.3f}" in request.url for request in sent)
    context.close()


def test_the_pages_after_sending_are_accessible_too(live_server, phone, demo, settings):
    for language in ("ar", "fr"):
        found = {}

        def audit(page, name, language=language, found=found):
            if violations := serious_violations(page):
                found[name] = violations

        answer_the_consultation_anonymously(phone, live_server.url, language, audit=audit)
        send_a_complaint_and_follow_it(phone, live_server.url, language, audit=audit)
        assert found == {}, language
    # The refusals: too many messages from this client, and a consultation that has closed.
    settings.MADINA_PUBLIC_RATE_LIMITS = {"default": (0, 60), "feedback": (0, 60)}
    consultation = Consultation.objects.get(state=Consultation.State.PUBLISHED)
    Consultation.objects.filter(pk=consultation.pk).update(state=Consultation.State.CLOSED)
    for language in ("ar", "fr"):
        phone.goto(f"{live_server.url}/{language}/portal/feedback/")
        phone.check("input[name=type][value=question]")
        phone.select_option("select[name=category]", "documents")
        phone.fill("textarea[name=message]", "Où faire légaliser un acte de naissance ?")
        with phone.expect_response(lambda response: response.request.method == "POST") as sent:
            phone.click("form button[type=submit]")
        assert sent.value.status == 429
        phone.wait_for_load_state()
        shot(phone, f"{language}-feedback-too-many")
        assert serious_violations(phone) == [], language
        phone.goto(f"{live_server.url}/{language}/portal/consultations/{consultation.pk}/")
        shot(phone, f"{language}-consultation-closed")
        assert phone.locator("form[data-consultation]").count() == 0
        assert serious_violations(phone) == [], language
