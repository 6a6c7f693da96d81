"""The load test's mix of users (issue 8); started by bench/load/run.py, never on its own host.

Four kinds of user, weighted as a working day on the platform might look (anonymous portal
visitors the most numerous, case workers the fewest):

- coordinators (3): the registry list and its filters, initiative pages, the gap matrix, the
  map and the pivot table, the home page;
- organisation members (2): their registry, registering an initiative through the real form
  (GET, then POST with the CSRF token), a monthly reach report (GET, then POST);
- case workers and supervisors (1): the inbox, the case list, a case page, referrals;
- anonymous visitors (4): the portal's home and service finder in French and Arabic, with
  filters, and a service's page.

Every user also asks for ``/healthz`` now and then: the baseline (one SELECT 1 through the whole
stack). Signed-in users use sessions prepared by run.py (``LOAD_TARGETS`` names the file with
their session keys and the records they open). Requests are named by page so that the statistics
group per page, not per URL.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from urllib.parse import urlparse

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"]).read())  # noqa: SIM115
_COUNTERS = {kind: itertools.count() for kind in ("coordinator", "member", "case")}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = ["appui", "femmes", "jeunes", "formation", "santé", "protection", "دعم", "الشباب"]
NEEDS = ["health", "legal", "shelter", "school", "work", "documents", "protection"]


def _assert_host(url: str) -> None:
    if urlparse(url).hostname != "127.0.0.1":
        raise SystemExit("the load test only ever targets 127.0.0.1")


class Base(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self) -> None:
        _assert_host(self.host)
        if self.kind:
            people = TARGETS[self.kind]
            self.me = people[next(_COUNTERS[self.kind]) % len(people)]
            host = urlparse(self.host).hostname
            self.client.cookies.set("sessionid", self.me["session"], domain=host)

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code == 0:
                r.failure(f"no answer: {type(r.error).__name__}: {r.error}")
            elif r.status_code != 200:
                r.failure(f"status {r.status_code}")
            return r

    @task(1)
    def healthz(self) -> None:
        self.page("/healthz", "healthz (baseline)")


class Coordinator(Base):
    weight = 3
    kind = "coordinator"

    @task(4)
    def registry(self) -> None:
        self.page(f"/fr/initiatives/?page={random.randint(1, 20)}", "registry list")

    @task(4)
    def registry_filtered(self) -> None:
        choice = random.choice(["sector", "commune", "province", "q", "period"])
        if choice == "sector":
            query = f"sector={random.choice(TARGETS['sectors'])}&status=ongoing"
        elif choice == "commune":
            query = f"commune={random.choice(TARGETS['communes'])}"
        elif choice == "province":
            query = f"province={random.choice(TARGETS['provinces'])}"
        elif choice == "q":
            query = f"q={random.choice(WORDS)}"
        else:
            query = "period_start=2024-01-01&period_end=2024-06-30"
        self.page(f"/fr/initiatives/?{query}", "registry list (filtered)")

    @task(6)
    def initiative(self) -> None:
        self.page(f"/fr/initiatives/{random.choice(TARGETS['initiatives'])}/", "initiative detail")

    @task(2)
    def gap(self) -> None:
        self.page("/fr/initiatives/gaps/", "gap matrix")

    @task(1)
    def gap_filtered(self) -> None:
        self.page(
            f"/fr/initiatives/gaps/?start=2025-01-01&end=2025-12-31"
            f"&target_group={random.choice(TARGETS['groups'])}",
            "gap matrix (filtered)",
        )

    @task(1)
    def map(self) -> None:
        self.page("/fr/initiatives/map/", "initiative map")

    @task(1)
    def pivot(self) -> None:
        self.page("/fr/initiatives/pivot/", "pivot table")

    @task(1)
    def home(self) -> None:
        self.page("/fr/", "home")


class Member(Base):
    weight = 2
    kind = "member"

    @task(3)
    def registry(self) -> None:
        self.page(
            f"/fr/initiatives/?organisation={self.me['organisation']}", "registry list (filtered)"
        )

    @task(2)
    def initiative(self) -> None:
        self.page(f"/fr/initiatives/{random.choice(TARGETS['initiatives'])}/", "initiative detail")

    @task(1)
    def create_initiative(self) -> None:
        form = self.page("/fr/initiatives/new/", "initiative form")
        token = CSRF.search(form.text or "")
        if not token:
            return
        start = datetime.datetime.now(tz=datetime.UTC).date() - datetime.timedelta(
            days=random.randint(0, 90)
        )
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "title": f"Appui {random.choice(WORDS)} charge {random.randint(0, 10**9)}",
            "description": "Initiative enregistrée par le test de charge.",
            "language": "fr",
            "lead_organisation": self.me["organisation"],
            "sector": random.choice(TARGETS["sectors"]),
            "status": "planned",
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=365)).isoformat(),
            "visibility": "shared",
            "communes": random.sample(TARGETS["real_communes"], 2),
            "target_groups": random.sample(TARGETS["groups"], 2),
        }
        with self.client.post(
            "/fr/initiatives/new/",
            data=data,
            name="initiative create (POST)",
            headers={"Referer": f"{self.host}/fr/initiatives/new/"},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}: not saved")

    @task(2)
    def reach_report(self) -> None:
        if not self.me["reportable"]:
            return
        pk, communes = random.choice(self.me["reportable"])
        url = f"/fr/initiatives/{pk}/reach/"
        form = self.page(url, "reach report form")
        token = CSRF.search(form.text or "")
        if not token:
            return
        today = datetime.datetime.now(tz=datetime.UTC).date().replace(day=1)
        month = today - datetime.timedelta(days=random.randint(1, 200))
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "commune": random.choice(communes),
            "month": month.strftime("%Y-%m"),
            "women": random.randint(0, 40),
            "men": random.randint(0, 30),
            "girls": random.randint(0, 20),
            "boys": random.randint(0, 20),
        }
        with self.client.post(
            url,
            data=data,
            name="reach report (POST)",
            headers={"Referer": f"{self.host}{url}"},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            # 200: the form again, asking to confirm a report that exists for that month.
            if response.status_code not in (200, 302):
                response.failure(f"status {response.status_code}")


class CaseWorker(Base):
    weight = 1
    kind = "case"

    @task(2)
    def inbox(self) -> None:
        self.page("/fr/cases/", "case inbox")

    @task(3)
    def case_list(self) -> None:
        self.page(f"/fr/cases/list/?page={random.randint(1, 5)}", "case list")

    @task(4)
    def case(self) -> None:
        if self.me["cases"]:
            self.page(f"/fr/cases/{random.choice(self.me['cases'])}/", "case detail")

    @task(2)
    def referrals(self) -> None:
        self.page("/fr/cases/referrals/", "referral list")

    @task(2)
    def referral(self) -> None:
        if self.me["referrals"]:
            self.page(
                f"/fr/cases/referrals/{random.choice(self.me['referrals'])}/", "referral detail"
            )


class PortalVisitor(Base):
    weight = 4

    @task(1)
    def home(self) -> None:
        self.page(f"/{random.choice(['fr', 'ar'])}/portal/", "portal home")

    @task(2)
    def finder(self) -> None:
        self.page(f"/{random.choice(['fr', 'ar'])}/portal/services/", "portal services")

    @task(3)
    def finder_filtered(self) -> None:
        query = f"need={random.choice(NEEDS)}&commune={random.choice(TARGETS['real_communes'])}"
        if random.random() < 0.5:
            query += "&free=on"
        if random.random() < 0.3:
            query += "&language=ar"
        self.page(
            f"/{random.choice(['fr', 'ar'])}/portal/services/?{query}", "portal services (filtered)"
        )

    @task(3)
    def service(self) -> None:
        self.page(
            f"/{random.choice(['fr', 'ar'])}/portal/services/"
            f"{random.choice(TARGETS['service_uuids'])}/",
            "portal service detail",
        )
