"""Demonstration outreach: the awareness capsules of the project's second edition for schools of
the Oriental, the schools of Nador, Beni Ansar and Selouane that showed them, and a year of
sessions with their pupils by grade (seed document, §5–6).

Everything is invented except the places. Written through the services (validation, audit
trail) by the coordinator of the coordinating association, like the pages. Idempotent: a capsule
is found again by producer and French title, a school by French name and commune, a session by
organisation, school and feedback; nothing existing is changed. Session dates count back from
the day of loading, so that the demo always shows the last twelve months.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.outreach import services
from madina.outreach.models import AwarenessSession, Capsule, School
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
C = Capsule


@dataclass
class DemoCapsule:
    title_fr: str
    title_ar: str
    title_en: str
    format: str
    languages: list[str]
    topics: list[str]
    audience: str
    school_level: str
    duration_minutes: int | None
    partners: list[str]  # keys of core demo organisations
    validated_days_ago: int


CAPSULES = [
    DemoCapsule(
        "Nous sommes tous des enfants de la ville",
        "كلنا أطفال المدينة",
        "We are all children of the city",
        C.Format.VIDEO,
        ["ary", "fr"],
        [C.Topic.NON_DISCRIMINATION, C.Topic.SCHOOLING],
        C.Audience.CHILDREN,
        C.SchoolLevel.PRIMARY,
        6,
        ["direction-education", "aeas"],
        400,
    ),
    DemoCapsule(
        "Mes droits, tes droits",
        "حقوقي، حقوقك",
        "My rights, your rights",
        C.Format.COMIC,
        ["ar", "fr"],
        [C.Topic.RIGHTS, C.Topic.DOCUMENTS],
        C.Audience.YOUNG_TEENS,
        C.SchoolLevel.MIDDLE,
        None,
        ["direction-education", "ccsn"],
        390,
    ),
    DemoCapsule(
        "Dire non à la violence",
        "لا للعنف",
        "Say no to violence",
        C.Format.VIDEO,
        ["ar", "ary"],
        [C.Topic.VIOLENCE],
        C.Audience.TEENS,
        C.SchoolLevel.SECONDARY,
        9,
        ["afsr", "unite-hassan2"],
        380,
    ),
    DemoCapsule(
        "La voix de Fatou",
        "صوت فاتو",
        "Fatou's voice",
        C.Format.AUDIO,
        ["ary", "fr", "ar"],
        [C.Topic.NON_DISCRIMINATION, C.Topic.TRAFFICKING],
        C.Audience.YOUNG_TEENS,
        C.SchoolLevel.ALL,
        12,
        ["ccsn"],
        360,
    ),
]

# (French name, Arabic name, commune code, level, sector)
SCHOOLS = [
    ("École Al Massira", "مدرسة المسيرة", core_demo.NADOR, School.Level.PRIMARY, "public"),
    ("École Ibn Rochd", "مدرسة ابن رشد", core_demo.NADOR, School.Level.PRIMARY, "public"),
    ("Collège Al Farabi", "إعدادية الفارابي", core_demo.NADOR, School.Level.MIDDLE, "public"),
    ("École Al Amal", "مدرسة الأمل", core_demo.BENI_ANSAR, School.Level.PRIMARY, "public"),
    (
        "Lycée Beni Ansar",
        "ثانوية بني أنصار",
        core_demo.BENI_ANSAR,
        School.Level.SECONDARY,
        "public",
    ),
    ("Collège Selouane", "إعدادية سلوان", core_demo.SELOUANE, School.Level.MIDDLE, "public"),
]


@dataclass
class DemoSession:
    organisation: str  # key of a core demo organisation
    school: str  # French name
    days_ago: int
    capsules: list[int]  # indexes in CAPSULES
    audiences: list[tuple[str, int, int]]
    teachers: int
    feedback: str  # also what finds the session again
    migrants_counted: bool = True  # whether the school counted the children of migrants


SESSIONS = [
    DemoSession(
        core_demo.COORDINATING,
        "École Al Massira",
        340,
        [0],
        [("P4", 14, 12), ("P5", 11, 13)],
        2,
        "Les élèves ont reconnu des situations vécues dans la cour.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "École Ibn Rochd",
        310,
        [0],
        [("P5", 16, 15), ("P6", 12, 14)],
        3,
        "Une enseignante demande la vidéo pour la revoir en classe.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "Collège Al Farabi",
        280,
        [1],
        [("M1", 18, 17), ("M2", 15, 16)],
        2,
        "Beaucoup de questions sur l'acte de naissance.",
    ),
    DemoSession(
        "aeas",
        "Collège Selouane",
        250,
        [1, 3],
        [("M2", 13, 15), ("M3", 12, 10)],
        2,
        "La bande dessinée a circulé entre les classes.",
        migrants_counted=False,
    ),
    DemoSession(
        "afsr",
        "Lycée Beni Ansar",
        220,
        [2],
        [("S0", 21, 18), ("S1", 17, 14)],
        3,
        "Des élèves ont demandé où s'adresser en cas de violence.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "École Al Amal",
        190,
        [0],
        [("P3", 10, 9), ("P4", 12, 11)],
        2,
        "Séance en darija, très bien suivie.",
    ),
    DemoSession(
        "aeas",
        "Collège Selouane",
        150,
        [3],
        [("M1", 14, 16)],
        1,
        "Débat animé après l'écoute de la capsule audio.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "Collège Al Farabi",
        120,
        [1, 3],
        [("M3", 16, 14)],
        2,
        "Les élèves proposent un club du vivre-ensemble.",
    ),
    DemoSession(
        "afsr",
        "Lycée Beni Ansar",
        90,
        [2],
        [("S1", 15, 12), ("S2", 13, 11)],
        2,
        "La cellule de l'hôpital a été présentée aux élèves.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "École Al Massira",
        60,
        [0, 1],
        [("P6", 13, 15)],
        1,
        "Deuxième passage : les élèves se souvenaient de la première vidéo.",
    ),
    DemoSession(
        core_demo.COORDINATING,
        "École Ibn Rochd",
        30,
        [0],
        [("P3", 12, 13), ("P4", 10, 12)],
        2,
        "Les parents d'élèves étaient invités.",
    ),
    DemoSession(
        "aeas",
        "École Al Amal",
        10,
        [0, 3],
        [("P5", 9, 11), ("P6", 10, 8)],
        2,
        "Une élève a raconté son arrivée à Nador.",
    ),
]


def _organisations() -> dict[str, Organisation]:
    keys = {core_demo.COORDINATING}
    keys.update(key for spec in CAPSULES for key in spec.partners)
    keys.update(spec.organisation for spec in SESSIONS)
    found = {}
    for spec in core_demo.ORGANISATIONS:
        if spec.key in keys:
            organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
            if organisation is None:
                raise DemoDataError(f"Demo organisation missing: {spec.name_fr}")
            found[spec.key] = organisation
    return found


@transaction.atomic
def outreach_demo_load() -> int:
    """Create the demo capsules, schools and sessions that are missing; return how many."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    if actor is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    codes = sorted({code for *_names, code, _level, _sector in SCHOOLS})
    areas = Area.objects.in_bulk(codes, field_name="code")
    if len(areas) != len(codes):
        raise DemoDataError("Areas missing (run load_areas first).")
    organisations = _organisations()
    producer = organisations[core_demo.COORDINATING]
    today = timezone.localdate()
    created = 0

    capsules = []
    for spec in CAPSULES:
        capsule = Capsule.objects.filter(organisation=producer, title_fr=spec.title_fr).first()
        if capsule is None:
            capsule = services.capsule_create(
                actor=actor,
                organisation=producer,
                data={
                    "title_fr": spec.title_fr,
                    "title_ar": spec.title_ar,
                    "title_en": spec.title_en,
                    "format": spec.format,
                    "languages": spec.languages,
                    "topics": spec.topics,
                    "audience": spec.audience,
                    "school_level": spec.school_level,
                    "duration_minutes": spec.duration_minutes,
                    "partners": [organisations[key] for key in spec.partners],
                    "validated_on": today - datetime.timedelta(days=spec.validated_days_ago),
                },
            )
            created += 1
        capsules.append(capsule)

    schools = {}
    for name_fr, name_ar, code, level, sector in SCHOOLS:
        school = School.objects.filter(name_fr=name_fr, commune=areas[code]).first()
        if school is None:
            school = services.school_create(
                actor=actor,
                data={
                    "name_fr": name_fr,
                    "name_ar": name_ar,
                    "commune": areas[code],
                    "level": level,
                    "sector": sector,
                },
            )
            created += 1
        schools[name_fr] = school

    for spec in SESSIONS:
        organisation, school = organisations[spec.organisation], schools[spec.school]
        if AwarenessSession.objects.filter(
            organisation=organisation, school=school, feedback=spec.feedback
        ).exists():
            continue
        services.session_create(
            actor=actor,
            organisation=organisation,
            data={
                "school": school,
                "held_on": today - datetime.timedelta(days=spec.days_ago),
                "capsules": [capsules[index] for index in spec.capsules],
                "teachers_present": spec.teachers,
                "feedback": spec.feedback,
            },
            audiences=[
                {
                    "grade": grade,
                    "girls": girls,
                    "boys": boys,
                    # Fictional: about one pupil in six is a child of migrants, where counted.
                    "migrants": (girls + boys) // 6 if spec.migrants_counted else None,
                }
                for grade, girls, boys in spec.audiences
            ],
        )
        created += 1
    return created
