"""Acceptances 1 and 4 in a real browser, in Arabic.

A case worker takes a case from intake to a referral to the court cell; the supervisor approves
the plan; the cell's focal point signs in with their second factor, sees only the packet,
accepts, works and gives feedback; the supervisor approves the closure. Then: no log line, no
e-mail and no URL of the whole flow holds the person's name or phone. Screenshots in Arabic
(and the key pages in French) go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.cases.models import Case, Referral
from madina.cases.tests.conftest import PASSWORD
from madina.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIVEN, FAMILY, PHONE_LOCAL, PHONE = "Mariama", "Sangaré", "0612345678", "+212612345678"
SECRETS = [GIVEN, FAMILY, PHONE, PHONE_LOCAL, "612345678", "Sangar"]


class _Everything(logging.Handler):
    """Keeps every log record of every logger, formatted with its arguments."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(f"{record.name} {record.getMessage()}")
        except Exception:  # noqa: BLE001 - a record that cannot format is kept raw
            self.lines.append(f"{record.name} {record.msg} {record.args}")


@pytest.fixture
def all_logs():
    handler = _Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql = logging.getLogger("django.db.backends")
    sql_level = sql.level
    sql.setLevel(logging.DEBUG)
    # Loggers that do not propagate would hide their records from the root handler.
    quiet = []
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger) and not logger.propagate:
            logger.addHandler(handler)
            quiet.append(logger)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)
    sql.setLevel(sql_level)
    for logger in quiet:
        logger.removeHandler(handler)


@pytest.fixture
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One person's browser: their own cookies, every URL they asked for, CSP errors seen."""

    def __init__(self, browser, base: str, user, urls: list[str]):
        self.context = browser.new_context(viewport={"width": 390, "height": 844})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base, self.user = base, user
        self.errors: list[str] = []
        self.page.on("request", lambda request: urls.append(request.url))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def go(self, path: str, lang: str = "ar"):
        response = self.page.goto(f"{self.base}/{lang}{path}")
        self.page.wait_for_load_state()
        return response

    def sign_in(self):
        device = TOTPDevice.objects.create(user=self.user, name="phone", confirmed=True)
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", self.user.email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state()
        assert "/two-factor/verify/" in self.page.url, self.page.url
        token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.page.fill("input[name=token]", f"{token:0{device.digits}d}")
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state()
        assert "/two-factor/" not in self.page.url, self.page.url

    def submit(self, action: str = ""):
        form = (
            self.page.locator(f"main form[method=post][action*='{action}']")
            if action
            else self.page.locator("main form[method=post]")
        )
        form.first.locator("button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def shot(self, name: str):
        shot(self.page, f"cases-{name}")

    def text(self) -> str:
        return self.page.inner_text("main")


def test_arabic_intake_to_court_cell_referral_and_closure(
    live_server, browser, ccast, all_logs, django_capture_on_commit_callbacks, settings
):
    # With DEBUG on, every SQL statement and its parameters is logged (django.db.backends):
    # the log check below then also proves that no plaintext reaches the database.
    settings.DEBUG = True
    base, urls = live_server.url, []
    today = timezone.localdate().isoformat()
    worker = Session(browser, base, ccast.worker, urls)
    supervisor = Session(browser, base, ccast.supervisor, urls)
    receiver = Session(browser, base, ccast.receiver, urls)

    # Intake, in Arabic.
    worker.sign_in()
    worker.go("/cases/new/")
    assert worker.page.get_attribute("html", "dir") == "rtl"
    page = worker.page
    page.fill("input[name=given_name]", GIVEN)
    page.fill("input[name=family_name]", FAMILY)
    page.fill("input[name=phone]", PHONE_LOCAL)
    page.fill("input[name=birth_date]", "2001-03-09")
    page.select_option("select[name=nationality]", "ML")
    page.check("input[name=sex][value=female]")
    worker.shot("ar-intake")
    worker.submit()
    code = re.search(r"/cases/(C-[2-9A-Z]{4}-[2-9A-Z]{4})/", page.url).group(1)
    case = Case.objects.get(code=code)
    assert GIVEN not in worker.text() and PHONE_LOCAL not in worker.text()

    # Consents: services, sharing with a court cell, anonymous statistics.
    for purpose, kind in (("services", ""), ("referral", "court_cell"), ("statistics", "")):
        worker.go(f"/cases/{code}/consents/new/")
        page.select_option("select[name=purpose]", purpose)
        if kind:
            page.select_option("select[name=recipient_kind]", kind)
        page.check("input[name=given_by][value=person]")
        page.fill("input[name=given_on]", today)
        worker.submit()
    assert case.consents.count() == 3

    # Assessment, incident, a plan line to the court cell.
    worker.go(f"/cases/{code}/assessment/")
    page.select_option("select[name=risk]", "high")
    page.check("input[name=needs][value=legal]")
    page.check("input[name=needs][value=psychosocial]")
    page.fill("textarea[name=safety_plan]", "Stays with a trusted neighbour")
    worker.submit()
    worker.go(f"/cases/{code}/incidents/new/")
    page.select_option("select[name=type]", "physical_assault")
    page.fill("input[name=occurred_on]", today)
    page.fill("input[name=reported_on]", today)
    page.select_option("select[name=commune]", str(ccast.commune.pk))
    worker.submit()
    worker.go(f"/cases/{code}/plan/new/")
    page.select_option("select[name=need]", "legal")
    page.select_option("select[name=service]", str(ccast.cell.pk))
    page.fill("input[name=due_on]", today)
    worker.submit()
    worker.go(f"/cases/{code}/approvals/request/plan/")
    worker.submit()
    worker.go(f"/cases/{code}/")
    worker.shot("ar-case-detail")
    assert GIVEN not in worker.text()

    # The supervisor approves the plan.
    supervisor.sign_in()
    approval = case.approvals.get(kind="plan")
    supervisor.go(f"/cases/{code}/approvals/{approval.pk}/")
    supervisor.page.check("input[name=decision][value=approve]")
    supervisor.shot("ar-approval")
    supervisor.submit()
    case.refresh_from_db()
    assert case.stage == Case.Stage.SERVICES

    # The worker refers to the court cell.
    worker.go(f"/cases/{code}/referrals/new/?service={ccast.cell.pk}")
    page.check("input[name=profile][value=court_cell]")
    worker.shot("ar-referral-new")
    worker.submit()
    referral = Referral.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        worker.submit(action="/send/")
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    worker.shot("ar-referral-sent")

    # The cell's focal point: second factor, the inbox, only the packet.
    receiver.sign_in()
    receiver.go("/cases/")
    receiver.shot("ar-receiver-inbox")
    receiver.go(f"/cases/referrals/{referral.pk}/")
    packet = receiver.text()
    assert GIVEN in packet and FAMILY in packet  # the court profile shares the names
    assert "trusted neighbour" not in packet  # never the safety plan
    receiver.shot("ar-receiver-packet")
    receiver.go(f"/cases/referrals/{referral.pk}/", lang="fr")
    receiver.shot("fr-receiver-packet")
    assert receiver.go(f"/cases/{code}/").status == 404  # the case itself stays closed to them
    receiver.go(f"/cases/referrals/{referral.pk}/")
    receiver.page.check("input[name=decision][value=accept]")
    with django_capture_on_commit_callbacks(execute=True):
        receiver.submit(action="/respond/")
    receiver.submit(action="/start/")
    receiver.page.fill("textarea[name=feedback]", "Complaint registered; hearing set")
    with django_capture_on_commit_callbacks(execute=True):
        receiver.submit(action="/complete/")
    referral.refresh_from_db()
    assert referral.state == Referral.State.DONE and referral.feedback
    receiver.go(f"/cases/referrals/{referral.pk}/")
    assert receiver.page.locator("main").inner_text().find(GIVEN) == -1

    # Feedback reaches the worker; closure with the supervisor's approval.
    worker.go(f"/cases/referrals/{referral.pk}/")
    assert "hearing set" in worker.text()
    worker.go(f"/cases/{code}/approvals/request/closure/")
    worker.submit()
    closure = case.approvals.get(kind="closure")
    supervisor.go(f"/cases/{code}/approvals/{closure.pk}/")
    supervisor.page.check("input[name=decision][value=approve]")
    supervisor.submit()
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED
    supervisor.go(f"/cases/{code}/")
    supervisor.shot("ar-case-closed")
    supervisor.go(f"/cases/{code}/", lang="fr")
    supervisor.shot("fr-case-closed")

    # Acceptance 4: nothing identifying in logs, e-mails or URLs.
    assert mail.outbox, "the receiver and the worker were told something waits"
    for message in mail.outbox:
        everything = " ".join([message.subject, message.body, *message.to])
        for secret in SECRETS:
            assert secret not in everything, secret
    assert len(urls) > 30
    sql = [line for line in all_logs.lines if line.startswith("django.db.backends")]
    # The identity was written in these statements, as a token.
    assert [line for line in sql if "cases_personidentity" in line and "gAAAA" in line]
    for url in urls:
        for secret in SECRETS:
            assert secret not in url, url
    for line in all_logs.lines:
        for secret in SECRETS:
            assert secret not in line, line
    for session in (worker, supervisor, receiver):
        assert not [e for e in session.errors if "Content Security Policy" in e]
    # The reveal and the receiver's reads are in the case's access log.
    assert case.access_events.filter(part=f"packet:{referral.pk}", action="read").exists()
