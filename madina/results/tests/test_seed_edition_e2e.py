"""The seed's edition entered and reported from the pages only (issue 6, acceptance 1 and 2).

A member of an organisation records capsules, schools, awareness sessions with their audiences,
a training with its participants' scores and attendance, advocacy actions and a mobilisation
event; a coordinator builds the project, its quarterly edition and its results framework. The
member enters a value by hand with its evidence, the coordinator approves it and recomputes.
Every figure of the spreadsheet (each quarter, the total, baseline, target and progress) is
compared with a hand count made here from the data posted, never read back from the database;
the French PDF holds the same figures. Then an audience is changed through the session's page:
after recomputation the pupils total moves by exactly that difference, and the drill-down of the
total lists exactly the sessions counted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlparse

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import translation
from openpyxl import load_workbook

from madina.actors.tests.factories import AreaFactory
from madina.results import report
from madina.territory.models import Area

pytestmark = pytest.mark.django_db

D = dt.date
EDITION_START, EDITION_END = D(2025, 1, 15), D(2025, 10, 31)
# Quarters aligned on the calendar, clipped to the edition's dates.
QUARTERS = [
    (EDITION_START, D(2025, 3, 31)),
    (D(2025, 4, 1), D(2025, 6, 30)),
    (D(2025, 7, 1), D(2025, 9, 30)),
    (D(2025, 10, 1), EDITION_END),
]
WHOLE = (EDITION_START, EDITION_END)
PLACEHOLDER = 987654321

# -- the data posted -------------------------------------------------------------------------------

# Communes: key → (code, French name, province key). The edition's territory is "nador".
PROVINCES = {"nador": ("02.381", "Nador"), "oujda": ("02.411", "Oujda-Angad")}
COMMUNES = {
    "nador": ("02.381.01.01", "Nador", "nador"),
    "beni_ansar": ("02.381.01.03", "Beni Ansar", "nador"),
    "oujda": ("02.411.01.01", "Oujda", "oujda"),
}
TERRITORY = {key for key, (_code, _name, province) in COMMUNES.items() if province == "nador"}

# Capsules: key → (French title, validation date or None).
CAPSULES = {
    "together": ("Vivre ensemble à l'école", D(2025, 2, 1)),  # validated in the edition
    "rights": ("Mes droits, tes droits", D(2024, 11, 20)),  # validated before it
}

# Schools: key → (French name, commune key).
SCHOOLS = {
    "massira": ("École Al Massira", "nador"),
    "andalous": ("École Al Andalous", "nador"),
    "ibn_rochd": ("Collège Ibn Rochd", "beni_ansar"),
    "oujda": ("École Al Qods", "oujda"),  # outside the territory
}


@dataclass
class SessionData:
    key: str
    held_on: dt.date
    school: str
    capsules: list[str]
    rows: list[tuple[str, int, int]]  # (grade, girls, boys)
    pk: int | None = None

    @property
    def pupils(self) -> int:
        return sum(girls + boys for _grade, girls, boys in self.rows)


def _sessions() -> list[SessionData]:
    return [
        SessionData("s1", D(2025, 2, 10), "massira", ["together"], [("P5", 12, 10), ("P6", 8, 9)]),
        SessionData("s2", D(2025, 3, 5), "andalous", ["together", "rights"], [("M1", 15, 14)]),
        SessionData("s3", D(2025, 5, 12), "ibn_rochd", ["rights"], [("P4", 11, 13), ("P3", 7, 6)]),
        SessionData("s4", D(2025, 9, 22), "massira", ["together"], [("M2", 20, 18)]),
        # Outside the territory (Oujda), inside the dates.
        SessionData("s5", D(2025, 4, 8), "oujda", ["together"], [("P5", 30, 25)]),
        # Inside the territory, after the edition's end.
        SessionData("s6", D(2025, 11, 20), "andalous", ["rights"], [("S0", 9, 9)]),
    ]


TRAINING = {
    "title": "Accueil et orientation des enfants migrants",
    "topic": "protection",
    "starts_on": D(2025, 6, 10),
    "ends_on": D(2025, 6, 12),
    "commune": "nador",
    "pre_test_on": D(2025, 6, 10),
    "post_test_on": D(2025, 6, 12),
    "max_score": 20,
}
# (name, sex, pre-test, post-test, days present out of the three)
PARTICIPANTS = [
    ("Amina Berrada", "female", "8", "14", 3),
    ("Youssef Alami", "male", "10", "15", 3),
    ("Fatima Zahra Idrissi", "female", "6", "13", 2),
    ("Karim Benali", "male", "12", "16", 3),
    ("Salma Haddou", "female", "9", "9.5", 1),
    ("Moussa Diallo", "male", "11", "17.25", 3),
]

# (kind, date, commune key or None for the whole province, people reached)
ACTIONS = [
    ("advocacy", D(2025, 3, 20), "nador", 40),
    ("advocacy", D(2025, 7, 15), None, 25),
    ("mobilisation", D(2025, 5, 25), "beni_ansar", 300),
]

MANUAL_VALUE = Decimal(12)

# Indicators: code → (result code, French title, unit, baseline, target, source)
INDICATORS = {
    "1.1.a": ("1.1", "Séances de sensibilisation tenues", "number", 0, 8, "sessions"),
    "1.1.b": ("1.1", "Élèves sensibilisés", "number", 20, 200, "pupils"),
    "1.1.c": ("1.1", "Écoles touchées", "number", 0, 5, "schools"),
    "1.1.d": ("1.1", "Capsules validées", "number", 0, 2, "capsules"),
    # An indicator of the outcome itself: the report puts it before the outcome's outputs.
    "2.a": ("2", "Enseignants relais formés", "number", 0, 15, "manual"),
    "2.1.a": ("2.1", "Formations tenues", "number", 0, 2, "trainings"),
    "2.1.b": ("2.1", "Personnes formées", "number", 0, 20, "participants"),
    "2.1.c": ("2.1", "Gain d'apprentissage moyen", "percent", 0, 25, "learning_gain"),
    "2.2.a": ("2.2", "Actions de plaidoyer", "number", 0, 4, "advocacy"),
    "2.2.b": ("2.2", "Événements de mobilisation", "number", 0, 2, "mobilisation"),
    "2.2.c": ("2.2", "Personnes mobilisées", "number", 100, 500, "people_mobilised"),
}
RESULTS = [
    # (code, level, parent code, French title)
    ("1", "outcome", None, "Les élèves connaissent les droits des migrants"),
    ("1.1", "output", "1", "Séances de sensibilisation dans les écoles"),
    ("2", "outcome", None, "Les capacités de la société civile sont renforcées"),
    ("2.1", "output", "2", "Formations des intervenants"),
    ("2.2", "output", "2", "Plaidoyer et mobilisation"),
]


# -- the hand count ------------------------------------------------------------------------------


def _within(day, span) -> bool:
    return span[0] <= day <= span[1]


def _counted_sessions(sessions, span) -> list[SessionData]:
    return [
        session
        for session in sessions
        if _within(session.held_on, span) and SCHOOLS[session.school][1] in TERRITORY
    ]


def _training_counted(span) -> bool:
    commune = TRAINING["commune"]
    return _within(TRAINING["starts_on"], span) and (commune is None or commune in TERRITORY)


def _actions_counted(span, kind=None):
    return [
        action
        for action in ACTIONS
        if (kind is None or action[0] == kind)
        and _within(action[1], span)
        and (action[2] is None or action[2] in TERRITORY)
    ]


def hand_count(source: str, span, sessions) -> Decimal | None:
    """The value of ``source`` over ``span``, counted from the data posted."""
    counted = _counted_sessions(sessions, span)
    if source == "sessions":
        return Decimal(len(counted))
    if source == "pupils":
        return Decimal(sum(session.pupils for session in counted))
    if source == "schools":
        return Decimal(len({session.school for session in counted}))
    if source == "capsules":
        return Decimal(
            sum(1 for _title, on in CAPSULES.values() if on is not None and _within(on, span))
        )
    if source == "trainings":
        return Decimal(1 if _training_counted(span) else 0)
    if source == "participants":
        return Decimal(len(PARTICIPANTS) if _training_counted(span) else 0)
    if source == "learning_gain":
        if not _training_counted(span):
            return Decimal(0)
        top = Decimal(TRAINING["max_score"])
        gains = [
            (Decimal(post) - Decimal(pre)) * 100 / top for _n, _s, pre, post, _d in PARTICIPANTS
        ]
        return (sum(gains, Decimal(0)) / len(gains)).quantize(Decimal("0.01"))
    if source in ("advocacy", "mobilisation"):
        return Decimal(len(_actions_counted(span, source)))
    if source == "people_mobilised":
        return Decimal(sum(action[3] for action in _actions_counted(span)))
    if source == "manual":
        # Entered by hand for the whole edition only.
        return MANUAL_VALUE if span == WHOLE else None
    raise AssertionError(source)


def hand_progress(total, target) -> Decimal | None:
    if total is None:
        return None
    return (total * 100 / Decimal(target)).quantize(Decimal("0.1"))


def _xlsx_number(value):
    """What the spreadsheet holds for a value (report_views._number)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# -- page helpers ----------------------------------------------------------------------------------


def _in(language: str, url: str) -> str:
    """The same page in another language (the test runs in English: /en/…)."""
    assert url.startswith("/en/"), url
    return f"/{language}/{url[4:]}"


def _pk_pattern(name: str) -> str:
    url = reverse(name, args=[PLACEHOLDER])
    return re.escape(url).replace(str(PLACEHOLDER), r"(\d+)")


def _linked(html: str, name: str) -> list[int]:
    """The ids in the links to the page ``name`` found in ``html``, in order."""
    return [int(pk) for pk in re.findall(_pk_pattern(name), html)]


def _errors(response) -> str:
    context = response.context or {}
    found = []
    for key in ("form", "formset"):
        form = context.get(key)
        if form is not None:
            found.append(f"{key}: {form.errors!r} {getattr(form, 'non_form_errors', list)()!r}")
    return "; ".join(found) or response.content.decode()[:2000]


def _post(client, url, data, *, to: str | None = None) -> int | None:
    """POST a form; it must redirect (to the page ``to`` when given, whose pk is returned)."""
    response = client.post(url, data)
    assert response.status_code == 302, (url, _errors(response))
    if to is None:
        return None
    match = resolve(urlparse(response["Location"]).path)
    assert f"{match.namespace}:{match.url_name}" == to, response["Location"]
    return int(match.kwargs["pk"])


def _session_post(session: SessionData, schools, capsules, *, organisation=None) -> dict:
    rows = [*session.rows, ("", 0, 0)]
    data = {
        "school": schools[session.school],
        "held_on": session.held_on.isoformat(),
        "capsules": [capsules[key] for key in session.capsules],
        "teachers_present": "2",
        "feedback": "Les élèves ont posé beaucoup de questions.",
        "audience-TOTAL_FORMS": str(len(rows)),
        "audience-INITIAL_FORMS": "0",
        "audience-MIN_NUM_FORMS": "0",
        "audience-MAX_NUM_FORMS": "13",
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    for index, (grade, girls, boys) in enumerate(rows):
        data[f"audience-{index}-grade"] = grade
        data[f"audience-{index}-girls"] = str(girls)
        data[f"audience-{index}-boys"] = str(boys)
    return data


def _small_pdf() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(200, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u202f", " ").split())


@dataclass
class Seed:
    communes: dict[str, Area]
    province: Area
    capsules: dict[str, int] = field(default_factory=dict)
    schools: dict[str, int] = field(default_factory=dict)
    sessions: list[SessionData] = field(default_factory=list)
    training: int | None = None
    actions: list[int] = field(default_factory=list)
    edition: int | None = None
    indicators: dict[str, int] = field(default_factory=dict)


def _territory() -> tuple[Area, dict[str, Area]]:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental")
    provinces = {
        key: AreaFactory(level=Area.Level.PROVINCE, code=code, name_fr=name, parent=region)
        for key, (code, name) in PROVINCES.items()
    }
    communes = {
        key: AreaFactory(code=code, name_fr=name, parent=provinces[province])
        for key, (code, name, province) in COMMUNES.items()
    }
    return provinces["nador"], communes


# -- the records, through the member's pages -------------------------------------------------------


def _record_outreach(cast, seed: Seed) -> None:
    member = cast.client_for("member")
    organisation = cast.organisation
    for key, (title, validated_on) in CAPSULES.items():
        seed.capsules[key] = _post(
            member,
            reverse("outreach:capsule_create"),
            {
                "organisation": organisation.pk,
                "title_fr": title,
                "format": "video",
                "languages": ["ar", "ary", "fr"],
                "topics": ["rights", "non_discrimination"],
                "audience": "12-14",
                "school_level": "all",
                "duration_minutes": "7",
                "link": "",
                "validated_on": validated_on.isoformat() if validated_on else "",
                "is_active": "on",
            },
            to="outreach:capsule_detail",
        )
    for key, (name, commune) in SCHOOLS.items():
        seed.schools[key] = _post(
            member,
            reverse("outreach:school_create"),
            {
                "name_fr": name,
                "name_ar": "",
                "commune": seed.communes[commune].pk,
                "level": "primary",
                "sector": "public",
                "official_code": "",
            },
            to="outreach:school_detail",
        )
    for session in seed.sessions:
        session.pk = _post(
            member,
            reverse("outreach:session_create"),
            _session_post(session, seed.schools, seed.capsules, organisation=organisation),
            to="outreach:session_detail",
        )

    seed.training = _post(
        member,
        reverse("outreach:training_create"),
        {
            "organisation": organisation.pk,
            "title": TRAINING["title"],
            "topic": TRAINING["topic"],
            "starts_on": TRAINING["starts_on"].isoformat(),
            "ends_on": TRAINING["ends_on"].isoformat(),
            "commune": seed.communes[TRAINING["commune"]].pk,
            "venue": "Maison des associations",
            "trainers": "Nadia El Amrani, Omar Tahiri",
            "pre_test_on": TRAINING["pre_test_on"].isoformat(),
            "post_test_on": TRAINING["post_test_on"].isoformat(),
            "max_score": str(TRAINING["max_score"]),
        },
        to="outreach:training_detail",
    )
    for name, sex, pre, post, _days in PARTICIPANTS:
        assert (
            _post(
                member,
                reverse("outreach:participant_add", args=[seed.training]),
                {
                    "full_name": name,
                    "sex": sex,
                    "organisation": organisation.pk,
                    "function": "travailleur social",
                    "pre_score": pre,
                    "post_score": post,
                },
                to="outreach:training_detail",
            )
            == seed.training
        )
    attendance_url = reverse("outreach:attendance", args=[seed.training])
    page = member.get(attendance_url).content.decode()
    participant_pks = list(
        dict.fromkeys(int(pk) for pk in re.findall(r'name="present_(\d+)"', page))
    )
    assert len(participant_pks) == len(PARTICIPANTS)
    days = [TRAINING["starts_on"] + dt.timedelta(days=index) for index in range(3)]
    # The page lists participants by name: pair them in that order.
    by_name = sorted(PARTICIPANTS, key=lambda row: row[0])
    _post(
        member,
        attendance_url,
        {
            f"present_{pk}": [day.isoformat() for day in days[: row[4]]]
            for pk, row in zip(participant_pks, by_name, strict=True)
        },
        to="outreach:training_detail",
    )

    for kind, held_on, commune, people in ACTIONS:
        seed.actions.append(
            _post(
                member,
                reverse("outreach:advocacy_create"),
                {
                    "organisation": organisation.pk,
                    "kind": kind,
                    "held_on": held_on.isoformat(),
                    "target": "Conseil communal" if commune else "Délégation provinciale",
                    "message": "Inscrire les enfants migrants à l'école sans délai.",
                    "commune": seed.communes[commune].pk if commune else "",
                    "people_reached": str(people),
                    "outcome": "partly",
                    "outcome_notes": "",
                },
                to="outreach:advocacy_detail",
            )
        )


# -- the results framework, through the coordinator's pages ----------------------------------------


def _build_framework(cast, seed: Seed) -> None:
    coordinator = cast.client_for("coordinator")
    project = _post(
        coordinator,
        reverse("results:project_create"),
        {
            "organisation": cast.organisation.pk,
            "name_fr": "Al-Madina",
            "name_en": "Al-Madina",
            "name_ar": "",
            "donors": [cast.other_organisation.pk],
        },
        to="results:edition_create",
    )
    seed.edition = _post(
        coordinator,
        reverse("results:edition_create", args=[project]),
        {
            "name_fr": "2e édition",
            "name_en": "2nd edition",
            "name_ar": "",
            "starts_on": EDITION_START.isoformat(),
            "ends_on": EDITION_END.isoformat(),
            "reporting_period": "quarter",
            "areas": [seed.province.pk],
        },
        to="results:edition_detail",
    )
    edition_url = reverse("results:edition_detail", args=[seed.edition])
    results: dict[str, int] = {}
    for code, level, parent, title in RESULTS:
        before = set(
            _linked(coordinator.get(edition_url).content.decode(), "results:result_update")
        )
        assert (
            _post(
                coordinator,
                reverse("results:result_create", args=[seed.edition]),
                {
                    "level": level,
                    "parent": results[parent] if parent else "",
                    "code": code,
                    "title_fr": title,
                    "title_en": "",
                    "title_ar": "",
                },
                to="results:edition_detail",
            )
            == seed.edition
        )
        after = set(_linked(coordinator.get(edition_url).content.decode(), "results:result_update"))
        (results[code],) = after - before
    for code, (result, title, unit, baseline, target, source) in INDICATORS.items():
        seed.indicators[code] = _post(
            coordinator,
            reverse("results:indicator_create", args=[results[result]]),
            {
                "code": code,
                "title_fr": title,
                "title_en": "",
                "title_ar": "",
                "unit": unit,
                "baseline": str(baseline),
                "target": str(target),
                "source": source,
                "sector": "",
                "disaggregation": ["sex", "commune"] if source == "pupils" else [],
            },
            to="results:indicator_detail",
        )


def _enter_and_approve_manual_value(cast, seed: Seed) -> None:
    manual = seed.indicators["2.a"]
    _post(
        cast.client_for("member"),
        reverse("results:manual_value", args=[manual]),
        {
            "period_start": EDITION_START.isoformat(),
            "period_end": EDITION_END.isoformat(),
            "value": str(MANUAL_VALUE),
            "evidence": SimpleUploadedFile("enseignants.pdf", _small_pdf(), "application/pdf"),
            "note": "Liste signée des enseignants relais.",
        },
        to="results:indicator_detail",
    )
    coordinator = cast.client_for("coordinator")
    page = coordinator.get(reverse("results:indicator_detail", args=[manual])).content.decode()
    (value,) = set(_linked(page, "results:value_decide"))
    _post(
        coordinator,
        reverse("results:value_decide", args=[value]),
        {"decision": "approve", "note": ""},
        to="results:indicator_detail",
    )


def _recompute(cast, seed: Seed) -> None:
    _post(
        cast.client_for("coordinator"),
        reverse("results:edition_recompute", args=[seed.edition]),
        {},
        to="results:edition_detail",
    )


def _framework_sheet(cast, seed: Seed) -> dict[str, list]:
    response = cast.client_for("member").get(reverse("results:report_xlsx", args=[seed.edition]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Framework"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 6 + len(QUARTERS) + 2, rows[0]
    return {row[0]: list(row) for row in rows[1:] if row[1] == "indicator"}


def _total_value_pk(cast, seed: Seed, code: str) -> int:
    page = (
        cast.client_for("member")
        .get(reverse("results:edition_detail", args=[seed.edition]))
        .content.decode()
    )
    indicator = seed.indicators[code]
    match = re.search(
        rf'data-indicator="{indicator}" data-total>\s*<a href="'
        + _pk_pattern("results:value_records"),
        page,
    )
    assert match, code
    return int(match.group(1))


def _drilled_sessions(cast, value: int) -> list[int]:
    page = (
        cast.client_for("readonly")
        .get(reverse("results:value_records", args=[value]))
        .content.decode()
    )
    listed = re.search(r'<ul class="list-group mb-3" id="records">(.*?)</ul>', page, re.S)
    assert listed, page
    return _linked(listed.group(1), "outreach:session_detail")


def _check_sheet(framework: dict[str, list], sessions) -> None:
    assert list(framework) == list(INDICATORS)
    for code, (_result, title, unit, baseline, target, source) in INDICATORS.items():
        quarters = [hand_count(source, span, sessions) for span in QUARTERS]
        total = hand_count(source, WHOLE, sessions)
        expected = [
            code,
            "indicator",
            title,
            "percentage" if unit == "percent" else "number",
            _xlsx_number(baseline),
            _xlsx_number(target),
            *[_xlsx_number(value) for value in quarters],
            _xlsx_number(total),
            _xlsx_number(hand_progress(total, target)),
        ]
        assert framework[code] == expected, code


# -- the test --------------------------------------------------------------------------------------


def test_the_seed_edition_is_entered_and_reported_from_the_pages(
    cast, settings, tmp_path, fetch_report
):
    settings.MEDIA_ROOT = tmp_path / "media"
    province, communes = _territory()
    seed = Seed(communes=communes, province=province, sessions=_sessions())

    _record_outreach(cast, seed)
    _build_framework(cast, seed)
    _enter_and_approve_manual_value(cast, seed)
    _recompute(cast, seed)

    # The hand count itself, spelled out once, so that a wrong counting rule here shows.
    totals = {
        source: hand_count(source, WHOLE, seed.sessions) for *_x, source in INDICATORS.values()
    }
    assert totals == {
        "sessions": 4,  # s5 is in Oujda, s6 after the edition
        "pupils": 39 + 29 + 37 + 38,
        "schools": 3,
        "capsules": 1,
        "trainings": 1,
        "participants": 6,
        "learning_gain": Decimal("23.96"),  # (30 + 25 + 35 + 20 + 2.5 + 31.25) / 6
        "advocacy": 2,
        "mobilisation": 1,
        "people_mobilised": 365,
        "manual": 12,
    }

    # Every figure of the framework sheet equals the hand count.
    _check_sheet(_framework_sheet(cast, seed), seed.sessions)

    # The French PDF holds the pupils' and the sessions' lines, every figure in place.
    url = _in("fr", reverse("results:report_pdf", args=[seed.edition]))
    # The request activates French in this thread: English comes back when the block ends.
    with translation.override("fr"):
        response = fetch_report(cast.client_for("readonly"), url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for code in ("1.1.a", "1.1.b"):
        _result, title, unit, baseline, target, source = INDICATORS[code]
        quarters = [hand_count(source, span, seed.sessions) for span in QUARTERS]
        total = hand_count(source, WHOLE, seed.sessions)
        line = " ".join(
            [
                report.figure(baseline, unit),
                report.figure(target, unit),
                *[report.figure(value, unit) for value in quarters],
                report.figure(total, unit),
                f"{hand_progress(total, target):.0f} %",
            ]
        )
        assert f"{code} {title}" in text, code
        assert line in text, (code, line)

    # The drill-down of the pupils' total lists exactly the sessions counted.
    pupils_total = _total_value_pk(cast, seed, "1.1.b")
    counted = [session.pk for session in _counted_sessions(seed.sessions, WHOLE)]
    outside = {session.pk for session in seed.sessions if session.key in ("s5", "s6")}
    drilled = _drilled_sessions(cast, pupils_total)
    assert sorted(drilled) == sorted(counted)
    assert len(drilled) == len(set(drilled)) == 4
    assert not outside & set(drilled)

    # Acceptance 2: the member changes an audience through the session's page.
    changed = next(session for session in seed.sessions if session.key == "s3")
    before = hand_count("pupils", WHOLE, seed.sessions)
    changed.rows = [("P3", 7, 6), ("P4", 16, 13), ("P2", 3, 2)]  # five more girls, a new grade
    assert (
        _post(
            cast.client_for("member"),
            reverse("outreach:session_update", args=[changed.pk]),
            _session_post(changed, seed.schools, seed.capsules),
            to="outreach:session_detail",
        )
        == changed.pk
    )
    after = hand_count("pupils", WHOLE, seed.sessions)
    assert after - before == 10

    # Stored values do not change until the recomputation…
    framework = _framework_sheet(cast, seed)
    assert framework["1.1.b"][6 + len(QUARTERS)] == _xlsx_number(before)
    _recompute(cast, seed)
    framework = _framework_sheet(cast, seed)
    assert framework["1.1.b"][6 + len(QUARTERS)] - _xlsx_number(before) == 10
    _check_sheet(framework, seed.sessions)  # …and then every figure is the new hand count.

    # The drill-down still lists exactly the sessions counted, the changed one included.
    drilled = _drilled_sessions(cast, _total_value_pk(cast, seed, "1.1.b"))
    assert sorted(drilled) == sorted(counted)
    assert changed.pk in drilled
    value_page = (
        cast.client_for("readonly")
        .get(reverse("results:value_records", args=[pupils_total]))
        .content.decode()
    )
    assert re.search(rf'<span class="fs-4 fw-bold" id="value">{after}</span>', value_page)
