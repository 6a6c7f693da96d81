"""Demonstration results framework: the project "Al-Madina" of the coordinating association, its
second edition over the province of Nador (and the prefecture of Oujda-Angad when loaded), with
the outcomes, outputs and indicators the seed document names (§5–6): awareness in schools,
accompaniment of women and children victims of violence, capacities of civil society, and
coordination; one indicator entered by hand with its evidence, approved; two report sections.

Written through the services (validation, audit trail) by the demo users, like the pages: a
member of the coordinating association enters the manual value, the coordinator approves it.
Idempotent: every record is found again by its English name or its code; nothing existing is
changed. The edition's dates count from the day of loading (18 months back, 6 months ahead), so
that it covers the outreach, training and meeting demos. The values are computed last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation, Sector
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.results import compute, services
from madina.results.models import Edition, Indicator, NarrativeSection, Project
from madina.results.models import Result as ResultModel
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
ENTERED_BY = "aras.member@example.org"
PROVINCES = ["02.381", "02.411"]  # Nador; Oujda-Angad when loaded
DONOR_TYPES = [
    Organisation.Type.DONOR,
    Organisation.Type.INTERNATIONAL,
    Organisation.Type.UN_AGENCY,
]

PROJECT = {
    "name_en": "Al-Madina: building inclusive cities that protect migrants' rights",
    "name_fr": "Al-Madina : des villes inclusives qui protègent les droits des personnes migrantes",
    "name_ar": "المدينة: مدن دامجة تحمي حقوق المهاجرين",
}
EDITION = {"name_en": "2nd edition", "name_fr": "2e édition", "name_ar": "النسخة الثانية"}


@dataclass
class DemoIndicator:
    code: str
    title_en: str
    title_fr: str
    title_ar: str
    source: str
    target: int
    baseline: int = 0
    unit: str = "number"
    disaggregation: list[str] = field(default_factory=list)
    sector: str = ""  # code of a programme of the national strategy


@dataclass
class DemoResult:
    code: str
    title_en: str
    title_fr: str
    title_ar: str
    indicators: list[DemoIndicator] = field(default_factory=list)
    outputs: list[DemoResult] = field(default_factory=list)


FRAMEWORK = [
    DemoResult(
        "1",
        "Schools of the Oriental welcome migrant children without discrimination",
        "Les écoles de l'Oriental accueillent les enfants migrants sans discrimination",
        "مدارس الجهة الشرقية تستقبل الأطفال المهاجرين دون تمييز",
        outputs=[
            DemoResult(
                "1.1",
                "Awareness sessions are held in schools",
                "Des séances de sensibilisation sont animées dans les écoles",
                "تنظيم حصص تحسيسية في الوسط المدرسي",
                indicators=[
                    DemoIndicator(
                        "1.1.a",
                        "Awareness sessions held in schools",
                        "Séances de sensibilisation animées dans les écoles",
                        "الحصص التحسيسية المنظمة في المدارس",
                        "sessions",
                        30,
                        disaggregation=["commune"],
                        sector="SNIA-01",
                    ),
                    DemoIndicator(
                        "1.1.b",
                        "Pupils reached",
                        "Élèves touchés",
                        "التلاميذ المستفيدون",
                        "pupils",
                        1500,
                        disaggregation=["sex", "age_band", "commune", "group"],
                        sector="SNIA-01",
                    ),
                    DemoIndicator(
                        "1.1.c",
                        "Schools reached",
                        "Écoles touchées",
                        "المدارس المستفيدة",
                        "schools",
                        10,
                        disaggregation=["commune"],
                        sector="SNIA-01",
                    ),
                ],
            ),
            DemoResult(
                "1.2",
                "Awareness capsules are produced for schools",
                "Des capsules de sensibilisation sont produites pour le milieu scolaire",
                "إنتاج كبسولات تحسيسية للوسط المدرسي",
                indicators=[
                    DemoIndicator(
                        "1.2.a",
                        "Awareness capsules validated",
                        "Capsules de sensibilisation validées",
                        "الكبسولات التحسيسية المصادق عليها",
                        "capsules",
                        4,
                        sector="SNIA-01",
                    ),
                    DemoIndicator(
                        "1.2.b",
                        "Teachers trained to use the capsules",
                        "Enseignants formés à l'usage des capsules",
                        "الأساتذة المكونون على استعمال الكبسولات",
                        "manual",
                        40,
                        sector="SNIA-01",
                    ),
                ],
            ),
        ],
    ),
    DemoResult(
        "2",
        "Women and children victims of violence are accompanied",
        "Les femmes et les enfants victimes de violence sont accompagnés",
        "مواكبة النساء والأطفال ضحايا العنف",
        outputs=[
            DemoResult(
                "2.1",
                "Cases are accompanied with the specialised cells",
                "Les cas sont accompagnés en coordination avec les cellules spécialisées",
                "مواكبة الحالات بتنسيق مع الخلايا المختصة",
                indicators=[
                    DemoIndicator(
                        "2.1.a",
                        "Incidents of violence recorded (consented statistics)",
                        "Incidents de violence enregistrés (statistiques consenties)",
                        "حوادث العنف المسجلة (إحصاءات بموافقة)",
                        "incidents",
                        60,
                        disaggregation=["sex", "age_band", "commune"],
                        sector="SNIA-05",
                    ),
                ],
            ),
        ],
    ),
    DemoResult(
        "3",
        "Civil society has the capacities to train, advocate and mobilise",
        "La société civile a les capacités de former, plaider et mobiliser",
        "قدرات المجتمع المدني في التكوين والترافع والتعبئة معززة",
        outputs=[
            DemoResult(
                "3.1",
                "Staff of associations are trained",
                "Les équipes des associations sont formées",
                "تكوين أطر الجمعيات",
                indicators=[
                    DemoIndicator(
                        "3.1.a",
                        "Trainings held",
                        "Formations organisées",
                        "الدورات التكوينية المنظمة",
                        "trainings",
                        6,
                        sector="SNIA-11",
                    ),
                    DemoIndicator(
                        "3.1.b",
                        "People trained",
                        "Personnes formées",
                        "الأشخاص المكونون",
                        "participants",
                        120,
                        disaggregation=["sex", "group"],
                        sector="SNIA-11",
                    ),
                    DemoIndicator(
                        "3.1.c",
                        "Average learning gain",
                        "Gain moyen d'apprentissage",
                        "متوسط مكتسبات التعلم",
                        "learning_gain",
                        25,
                        unit="percent",
                        sector="SNIA-11",
                    ),
                ],
            ),
            DemoResult(
                "3.2",
                "Associations advocate and mobilise",
                "Les associations plaident et mobilisent",
                "الجمعيات تترافع وتعبئ",
                indicators=[
                    DemoIndicator(
                        "3.2.a",
                        "Advocacy actions",
                        "Actions de plaidoyer",
                        "أنشطة الترافع",
                        "advocacy",
                        8,
                        sector="SNIA-11",
                    ),
                    DemoIndicator(
                        "3.2.b",
                        "Mobilisation events",
                        "Événements de mobilisation",
                        "أنشطة التعبئة",
                        "mobilisation",
                        6,
                        sector="SNIA-11",
                    ),
                ],
            ),
        ],
    ),
    DemoResult(
        "4",
        "Actors coordinate their action in the territory",
        "Les acteurs coordonnent leur action sur le territoire",
        "تنسيق تدخلات الفاعلين في المجال الترابي",
        outputs=[
            DemoResult(
                "4.1",
                "Coordination spaces meet and follow up their recommendations",
                "Les espaces de coordination se réunissent et suivent leurs recommandations",
                "فضاءات التنسيق تجتمع وتتابع توصياتها",
                indicators=[
                    DemoIndicator(
                        "4.1.a",
                        "Coordination meetings held",
                        "Réunions de coordination tenues",
                        "اجتماعات التنسيق المنعقدة",
                        "meetings",
                        12,
                        sector="SNIA-11",
                    ),
                    DemoIndicator(
                        "4.1.b",
                        "Recommendations implemented",
                        "Recommandations mises en œuvre",
                        "التوصيات المنفذة",
                        "recommendations_implemented",
                        10,
                        sector="SNIA-11",
                    ),
                    DemoIndicator(
                        "4.1.c",
                        "Initiatives running in the territory",
                        "Initiatives en cours sur le territoire",
                        "المبادرات الجارية في المجال الترابي",
                        "initiatives",
                        15,
                        sector="SNIA-11",
                    ),
                ],
            ),
        ],
    ),
]

MANUAL_CODE = "1.2.b"
MANUAL_VALUE = 38
EVIDENCE = (
    "Liste d'émargement — formation des enseignants à l'usage des capsules\n"
    "38 enseignants et enseignantes (22 femmes, 16 hommes), Direction provinciale de "
    "l'éducation de Nador.\n"
    "Document de démonstration.\n"
).encode()

SECTIONS = [
    {
        "order": 10,
        "title_en": "Context",
        "title_fr": "Contexte",
        "title_ar": "السياق",
        "body_en": (
            "The second edition aims at inclusive cities following a rights-based approach, "
            "including vulnerable groups, especially migrants in irregular situations."
        ),
        "body_fr": (
            "La deuxième édition vise des villes inclusives selon une approche fondée sur les "
            "droits, incluant les groupes vulnérables, notamment les migrants en situation "
            "irrégulière."
        ),
        "body_ar": (
            "تهدف النسخة الثانية إلى مدن دامجة وفق المقاربة الحقوقية، تشمل الفئات الهشة، "
            "خاصة المهاجرين في وضعية غير نظامية."
        ),
    },
    {
        "order": 20,
        "title_en": "Highlights",
        "title_fr": "Faits marquants",
        "title_ar": "أبرز المنجزات",
        "body_en": (
            "Awareness capsules for schools of the Oriental; accompaniment of women and children "
            "victims of violence with the specialised cells; training, advocacy and mobilisation "
            "of civil society; a regional meeting of the inter-municipal coordination space."
        ),
        "body_fr": (
            "Capsules de sensibilisation pour les écoles de l'Oriental ; accompagnement des "
            "femmes et des enfants victimes de violence avec les cellules spécialisées ; "
            "formation, plaidoyer et mobilisation de la société civile ; rencontre régionale de "
            "l'espace intercommunal de coordination."
        ),
        "body_ar": (
            "كبسولات تحسيسية لمدارس الجهة الشرقية؛ مواكبة النساء والأطفال ضحايا العنف بتنسيق مع "
            "الخلايا المختصة؛ تكوين المجتمع المدني وترافعه وتعبئته؛ لقاء جهوي للفضاء المشترك "
            "بين الجماعات."
        ),
    },
]


def _month_start(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    return user


def _coordinating() -> Organisation:
    for spec in core_demo.ORGANISATIONS:
        if spec.key == core_demo.COORDINATING:
            organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
            if organisation is None:
                raise DemoDataError(f"Demo organisation missing: {spec.name_fr}")
            return organisation
    raise DemoDataError("The coordinating association is not in the core demo.")  # pragma: no cover


def _indicator_data(spec: DemoIndicator, sectors: dict[str, Sector]) -> dict:
    return {
        "code": spec.code,
        "title_en": spec.title_en,
        "title_fr": spec.title_fr,
        "title_ar": spec.title_ar,
        "unit": spec.unit,
        "baseline": spec.baseline,
        "target": spec.target,
        "source": spec.source,
        "disaggregation": spec.disaggregation,
        "sector": sectors.get(spec.sector),
    }


def _result(actor, edition: Edition, spec: DemoResult, parent, sectors) -> int:
    created = 0
    result = ResultModel.objects.filter(edition=edition, code=spec.code).first()
    if result is None:
        result = services.result_create(
            actor=actor,
            edition=edition,
            data={
                "level": "output" if parent else "outcome",
                "parent": parent,
                "code": spec.code,
                "title_en": spec.title_en,
                "title_fr": spec.title_fr,
                "title_ar": spec.title_ar,
            },
        )
        created += 1
    for indicator in spec.indicators:
        if not Indicator.objects.filter(result__edition=edition, code=indicator.code).exists():
            services.indicator_create(
                actor=actor, result=result, data=_indicator_data(indicator, sectors)
            )
            created += 1
    for output in spec.outputs:
        created += _result(actor, edition, output, result, sectors)
    return created


def _manual_value(edition: Edition, today: dt.date) -> int:
    indicator = Indicator.objects.filter(result__edition=edition, code=MANUAL_CODE).first()
    if indicator is None or indicator.values.exists():
        return 0
    past = [period for period in compute.periods(edition) if period[1] < today]
    if not past:
        return 0
    start, end = past[-1]
    value = compute.manual_value_submit(
        actor=_user(ENTERED_BY),
        indicator=indicator,
        period_start=start,
        period_end=end,
        value=MANUAL_VALUE,
        evidence=SimpleUploadedFile("emargement-enseignants.txt", EVIDENCE),
        note="Liste d'émargement de la formation des enseignants.",
    )
    compute.manual_value_decide(actor=_user(ACTOR), value=value, approve=True)
    return 1


@transaction.atomic
def results_demo_load() -> int:
    """Create the demo project, edition, framework, manual value and sections that are missing,
    then compute the edition's values; return how many records were created."""
    actor = _user(ACTOR)
    organisation = _coordinating()
    provinces = list(Area.objects.filter(code__in=PROVINCES).order_by("code"))
    if not provinces or provinces[0].code != PROVINCES[0]:
        raise DemoDataError("Areas missing (run load_areas first).")
    sectors = Sector.objects.in_bulk(
        {i.sector for r in FRAMEWORK for o in r.outputs for i in o.indicators} - {""},
        field_name="code",
    )
    today = timezone.localdate()
    created = 0

    project = Project.objects.filter(organisation=organisation, name_en=PROJECT["name_en"]).first()
    if project is None:
        donors = list(
            Organisation.objects.filter(type__in=DONOR_TYPES, is_active=True).order_by("pk")[:3]
        )
        project = services.project_create(
            actor=actor, organisation=organisation, data={**PROJECT, "donors": donors}
        )
        created += 1

    edition = project.editions.filter(name_en=EDITION["name_en"]).first()
    if edition is None:
        edition = services.edition_create(
            actor=actor,
            project=project,
            data={
                **EDITION,
                "starts_on": _month_start(today, -18),
                "ends_on": _month_start(today, 7) - dt.timedelta(days=1),
                "reporting_period": Edition.Period.QUARTER,
                "areas": provinces,
            },
        )
        created += 1

    for spec in FRAMEWORK:
        created += _result(actor, edition, spec, None, sectors)
    created += _manual_value(edition, today)

    for section in SECTIONS:
        if not NarrativeSection.objects.filter(
            edition=edition, title_en=section["title_en"]
        ).exists():
            services.section_create(actor=actor, edition=edition, data=section)
            created += 1

    compute.compute_edition(edition)
    return created
