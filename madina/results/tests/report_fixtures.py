"""A seed-like edition for the report and dashboard tests, with its hand count.

The records: three awareness sessions in the territory with audiences by grade (and one outside
the territory, one after the edition), three capsules (two validated), two trainings with
pre- and post-test scores, a manual indicator with one approved and one unapproved value, and
narrative sections in French and Arabic. ``HAND_COUNT`` is what every report must print.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from madina.actors.tests.factories import AreaFactory, OrganisationFactory
from madina.outreach.models import (
    Audience,
    AwarenessSession,
    Capsule,
    Participant,
    School,
    Training,
)
from madina.results import compute
from madina.results.models import (
    Edition,
    Indicator,
    NarrativeSection,
    Project,
    Result,
)
from madina.territory.models import Area

Q1, Q2, Q3, Q4 = (
    (dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
)

# code: (title, unit, target, [Q1, Q2, Q3, Q4], total, progress %), counted by hand below.
HAND_COUNT = {
    # s1 (Q1, Nador) + s2, s3 (Q2, Beni Ansar and Nador); Oujda and 2026 are outside.
    "1.1.a": ("Séances tenues", "number", 10, [1, 2, 0, 0], 3, Decimal("30.0")),
    # s1: 10+8 + 6+9 = 33; s2: 12+11 = 23; s3: 3+4 = 7.
    "1.1.b": ("Élèves sensibilisés", "number", 200, [33, 30, 0, 0], 63, Decimal("31.5")),
    # Q1: school A; Q2: schools A and B; the edition: A and B.
    "1.1.c": ("Écoles touchées", "number", 4, [1, 2, 0, 0], 2, Decimal("50.0")),
    # Validated 2025-01-20 and 2025-08-01; the third is not validated.
    "1.1.d": ("Capsules validées", "number", 4, [1, 0, 1, 0], 2, Decimal("50.0")),
    # Training 1 (April) and training 2 (October).
    "2.a": ("Formations tenues", "number", 2, [0, 1, 0, 1], 2, Decimal("100.0")),
    # Four participants in April, one in October.
    "2.1.a": ("Personnes formées", "number", 20, [0, 4, 0, 1], 5, Decimal("25.0")),
    # Gains over a top score of 20: 6/20 = 30 %, 5/20 = 25 %, 4/20 = 20 % (the fourth has no
    # post-test); in October 10/20 = 50 %. Whole edition: (30+25+20+50)/4 = 31.25 %.
    "2.1.b": (
        "Gain d'apprentissage",
        "percent",
        30,
        [0, Decimal("25"), 0, Decimal("50")],
        Decimal("31.25"),
        Decimal("104.2"),
    ),
    # Typed by hand: 4 in Q1 approved; 6 in Q2 waiting for approval (not reported).
    "2.1.c": ("Enseignants formés", "number", 10, [4, None, None, None], None, None),
}
HAND_SEX = {"1.1.b": {"female": 31, "male": 32}, "2.1.a": {"female": 3, "male": 2}}
# Whole edition by commune: sessions, pupils, schools.
HAND_COMMUNES = {
    "Nador": {"1.1.a": 2, "1.1.b": 40, "1.1.c": 1},
    "Beni Ansar": {"1.1.a": 1, "1.1.b": 23, "1.1.c": 1},
}


def _session(organisation, school, day, grades):
    session = AwarenessSession.objects.create(
        organisation=organisation,
        school=school,
        held_on=day,
        girls=sum(girls for _grade, girls, _boys in grades),
        boys=sum(boys for _grade, _girls, boys in grades),
    )
    for grade, girls, boys in grades:
        Audience.objects.create(session=session, grade=grade, girls=girls, boys=boys)
    return session


@pytest.fixture(name="edition_world")
def edition_world_fixture(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation = cast.organisation
    province = AreaFactory(
        level=Area.Level.PROVINCE,
        code="02.381",
        name_fr="Province de Nador",
        name_ar="إقليم الناظور",
    )
    nador = AreaFactory(code="02.381.01.01", name_fr="Nador", name_ar="الناظور", parent=province)
    beni_ansar = AreaFactory(
        code="02.381.01.02", name_fr="Beni Ansar", name_ar="بني انصار", parent=province
    )
    oujda = AreaFactory(code="02.411.01.01", name_fr="Oujda", name_ar="وجدة")
    donor = OrganisationFactory(name_fr="Fondation Donatrice", name_ar="المؤسسة المانحة")
    project = Project.objects.create(
        organisation=organisation,
        name_fr="Al-Madina",
        name_ar="مشروع المدينة",
        name_en="Al-Madina project",
    )
    project.donors.set([donor])
    edition = Edition.objects.create(
        project=project,
        name_fr="2e édition",
        name_ar="النسخة الثانية",
        name_en="2nd edition",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        reporting_period=Edition.Period.QUARTER,
    )
    edition.areas.set([province])
    schools = {
        commune.name_fr: School.objects.create(
            name_fr=f"École {commune.name_fr}", commune=commune, level="primary", sector="public"
        )
        for commune in (nador, beni_ansar, oujda)
    }
    capsule = Capsule.objects.create(
        organisation=organisation,
        title_fr="Vivre ensemble",
        format="video",
        audience="12-14",
        validated_on=dt.date(2025, 1, 20),
    )
    Capsule.objects.create(
        organisation=organisation,
        title_fr="Mon école, ton école",
        format="comic",
        audience="12-14",
        validated_on=dt.date(2025, 8, 1),
    )
    Capsule.objects.create(
        organisation=organisation, title_fr="Brouillon", format="poster", audience="12-14"
    )
    sessions = [
        _session(
            organisation, schools["Nador"], dt.date(2025, 2, 10), [("P5", 10, 8), ("P6", 6, 9)]
        ),
        _session(organisation, schools["Beni Ansar"], dt.date(2025, 5, 12), [("M1", 12, 11)]),
        _session(organisation, schools["Nador"], dt.date(2025, 5, 20), [("P4", 3, 4)]),
        _session(organisation, schools["Oujda"], dt.date(2025, 6, 2), [("P6", 20, 20)]),
        _session(organisation, schools["Nador"], dt.date(2026, 1, 15), [("P6", 9, 9)]),
    ]
    for session in sessions:
        session.capsules.set([capsule])
    first = Training.objects.create(
        organisation=organisation,
        title="Accompagnement des victimes",
        topic=Training.Topic.PROTECTION,
        starts_on=dt.date(2025, 4, 7),
        ends_on=dt.date(2025, 4, 9),
        commune=nador,
        max_score=20,
    )
    for name, sex, pre, post in [
        ("Amina Belkadi", "female", 8, 14),
        ("Fatima Zahra", "female", 10, 15),
        ("Youssef Amrani", "male", 12, 16),
        ("Karim Idrissi", "male", 9, None),
    ]:
        Participant.objects.create(
            training=first, full_name=name, sex=sex, pre_score=pre, post_score=post
        )
    second = Training.objects.create(
        organisation=organisation,
        title="Plaidoyer",
        topic=Training.Topic.ADVOCACY,
        starts_on=dt.date(2025, 10, 13),
        ends_on=dt.date(2025, 10, 13),
        max_score=20,
    )
    Participant.objects.create(
        training=second, full_name="Salma Ouali", sex="female", pre_score=5, post_score=15
    )

    children = Result.objects.create(
        edition=edition,
        level="outcome",
        code="1",
        title_fr="Les enfants vivent ensemble à l'école",
        title_ar="الأطفال يعيشون معا في المدرسة",
    )
    sessions_output = Result.objects.create(
        edition=edition,
        parent=children,
        level="output",
        code="1.1",
        title_fr="Séances de sensibilisation dans les écoles",
        title_ar="حصص التوعية في المدارس",
    )
    society = Result.objects.create(
        edition=edition,
        level="outcome",
        code="2",
        title_fr="Capacités de la société civile",
        title_ar="قدرات المجتمع المدني",
    )
    training_output = Result.objects.create(
        edition=edition,
        parent=society,
        level="output",
        code="2.1",
        title_fr="Formations",
        title_ar="التكوينات",
    )
    sources = {
        "1.1.a": (sessions_output, "sessions", ["commune"]),
        "1.1.b": (sessions_output, "pupils", ["sex", "commune"]),
        "1.1.c": (sessions_output, "schools", ["commune"]),
        "1.1.d": (sessions_output, "capsules", []),
        "2.a": (society, "trainings", []),
        "2.1.a": (training_output, "participants", ["sex"]),
        "2.1.b": (training_output, "learning_gain", []),
        "2.1.c": (training_output, "manual", []),
    }
    indicators = {}
    for code, (title, unit, target, *_figures) in HAND_COUNT.items():
        result, source, disaggregation = sources[code]
        indicators[code] = Indicator.objects.create(
            result=result,
            code=code,
            title_fr=title,
            title_ar=f"مؤشر {code}",
            unit=unit,
            target=target,
            source=source,
            disaggregation=disaggregation,
        )
    indicators["1.1.b"].title_ar = "عدد التلاميذ المستفيدين"
    indicators["1.1.b"].save()
    NarrativeSection.objects.create(
        edition=edition,
        order=1,
        title_fr="Contexte",
        title_ar="السياق العام",
        body_fr="La deuxième édition a touché les écoles de Nador.",
        body_ar="شملت النسخة الثانية مدارس الناظور.",
    )
    NarrativeSection.objects.create(
        edition=edition, order=2, title_fr="Défis", body_fr="Les départs en vacances."
    )
    compute.compute_edition(edition)
    manual = indicators["2.1.c"]
    approved = compute.manual_value_submit(
        actor=cast.member,
        indicator=manual,
        period_start=Q1[0],
        period_end=Q1[1],
        value=4,
        evidence=SimpleUploadedFile("liste.txt", b"liste des enseignants\n"),
    )
    compute.manual_value_decide(actor=cast.admin, value=approved, approve=True)
    compute.manual_value_submit(
        actor=cast.member,
        indicator=manual,
        period_start=Q2[0],
        period_end=Q2[1],
        value=6,
        evidence=SimpleUploadedFile("liste.txt", b"liste des enseignants\n"),
    )
    edition.refresh_from_db()
    return {
        "edition": edition,
        "indicators": indicators,
        "communes": {"Nador": nador, "Beni Ansar": beni_ansar},
        "outcomes": (children, society),
        "sessions": sessions,
    }
