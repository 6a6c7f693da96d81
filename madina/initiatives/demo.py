"""Demonstration initiatives: who does what, where, for whom in the Oriental region.

Everything is invented except the places and the programmes of the national strategy. The
initiatives are led by the demo organisations of ``madina.core.demo`` and written through the
registry's services (validation, audit trail), like the pages. Dates are relative to today, so
that the demo always shows ongoing work and recent months of reach, the oldest of which is locked.
Two initiatives are the same work written in two languages, so that the duplicate finder has
something to show.

Loading is idempotent: an initiative is found again by its title and lead organisation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation, Sector
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.initiatives import services
from madina.initiatives.models import (
    ActivityType,
    Initiative,
    InitiativePartner,
    ReportingPeriod,
    TargetGroup,
)
from madina.territory.models import Area

NADOR = core_demo.NADOR
BENI_ANSAR = core_demo.BENI_ANSAR
SELOUANE = core_demo.SELOUANE
ZEGHANGHANE = core_demo.ZEGHANGHANE
AL_AAROUI = core_demo.AL_AAROUI
OUJDA = core_demo.OUJDA
BERKANE = "02.113.01.09"
DRIOUCH = "02.167.01.09"
ZAIO = "02.381.01.07"
TAOURIRT = "02.533.01.33"
GUERCIF = "02.265.01.03"

P = InitiativePartner.Role
S = Initiative.Status
PARTNERS_ONLY = Initiative.Visibility.PARTNERS
REPORTED_MONTHS = 4


@dataclass
class DemoInitiative:
    lead: str
    title: str
    language: str
    sector: str
    activity: str
    communes: list[str]
    groups: list[str]
    # Months from the current one: -6 started six months ago; duration in months.
    start: int
    months: int
    status: str = S.ONGOING
    description: str = ""
    partners: list[tuple[str, str]] = field(default_factory=list)
    budget: int | None = None
    currency: str = "MAD"
    funder: str = ""
    target_people: int | None = None
    visibility: str = Initiative.Visibility.SHARED
    # Women, men, girls and boys reached in a typical month in each commune (none: no reports).
    reach: tuple[int, int, int, int] | None = None
    # {"ar": {"title": …, "description": …}}: the same text in other languages.
    translations: dict = field(default_factory=dict)


INITIATIVES = [
    DemoInitiative(
        "aeas",
        "Cours d'alphabétisation pour femmes migrantes à Nador",
        "fr",
        "SNIA-01",
        "language",
        [NADOR],
        ["women", "irregular-migrants"],
        -5,
        10,
        description=(
            "Deux sessions par semaine de cours d'arabe dialectal et d'alphabétisation pour les "
            "femmes migrantes du quartier Ouled Mimoun, avec garde d'enfants sur place."
        ),
        partners=[("commune-nador", P.TECHNICAL)],
        budget=85000,
        target_people=60,
        reach=(18, 0, 0, 0),
        translations={
            "ar": {
                "title": "دروس محو الأمية لفائدة النساء المهاجرات بالناظور",
                "description": (
                    "حصتان في الأسبوع لتعلم الدارجة ومحو الأمية لفائدة النساء المهاجرات بحي "
                    "أولاد ميمون، مع حضانة للأطفال في عين المكان."
                ),
            },
            "en": {"title": "Literacy classes for migrant women in Nador"},
        },
    ),
    DemoInitiative(
        "afsr",
        "دروس محو الأمية لفائدة النساء المهاجرات بالناظور",
        "ar",
        "SNIA-01",
        "language",
        [NADOR],
        ["women"],
        -3,
        9,
        status=S.PLANNED,
        description=(
            "حصص لمحو الأمية وتعلم الدارجة المغربية لفائدة النساء المهاجرات بمدينة الناظور، "
            "مرتين في الأسبوع."
        ),
        budget=60000,
        target_people=40,
    ),
    DemoInitiative(
        "aras",
        "Espace d'accueil et d'orientation des personnes migrantes",
        "fr",
        "SNIA-05",
        "referral",
        [NADOR, BENI_ANSAR],
        ["irregular-migrants", "refugees-asylum-seekers", "unaccompanied-children"],
        -14,
        24,
        description=(
            "Permanence quotidienne d'accueil, d'écoute et d'orientation vers les services de "
            "santé, de justice et d'éducation ; suivi des personnes orientées."
        ),
        partners=[("aoda", P.IMPLEMENTING), ("commune-nador", P.FUNDING)],
        budget=420000,
        funder="commune-nador",
        target_people=900,
        reach=(40, 55, 9, 14),
        translations={
            "ar": {"title": "فضاء لاستقبال الأشخاص المهاجرين وتوجيههم"},
            "en": {"title": "Reception and referral space for migrants"},
        },
    ),
    DemoInitiative(
        "unite-hassan2",
        "التكفل الطبي والنفسي بالنساء والأطفال ضحايا العنف",
        "ar",
        "SNIA-03",
        "medical-care",
        [NADOR, BENI_ANSAR, SELOUANE],
        ["women", "girls", "boys"],
        -10,
        20,
        description="استقبال وفحص ومواكبة نفسية للنساء والأطفال ضحايا العنف داخل الوحدة.",
        partners=[("afsr", P.IMPLEMENTING), ("cellule-tpi", P.TECHNICAL)],
        reach=(12, 0, 4, 3),
    ),
    DemoInitiative(
        "cellule-tpi",
        "Orientation judiciaire des femmes victimes de violence",
        "fr",
        "SNIA-10",
        "legal-aid",
        [NADOR],
        ["women", "girls"],
        -8,
        16,
        partners=[("aoda", P.IMPLEMENTING)],
        visibility=PARTNERS_ONLY,
        description="Accueil à la cellule du tribunal, information sur les droits et orientation.",
        reach=(9, 0, 2, 0),
    ),
    DemoInitiative(
        "aoda",
        "Permanence juridique mobile à Beni Ansar et Zeghanghane",
        "fr",
        "SNIA-10",
        "legal-aid",
        [BENI_ANSAR, ZEGHANGHANE],
        ["irregular-migrants", "refugees-asylum-seekers"],
        -6,
        12,
        budget=150000,
        partners=[("commune-beni-ansar", P.TECHNICAL)],
        reach=(7, 16, 0, 1),
    ),
    DemoInitiative(
        "direction-education",
        "إدماج الأطفال المهاجرين في المدارس العمومية بإقليم الناظور",
        "ar",
        "SNIA-01",
        "schooling",
        [NADOR, SELOUANE, AL_AAROUI],
        ["girls", "boys", "unaccompanied-children"],
        -12,
        24,
        partners=[("aeas", P.IMPLEMENTING)],
        target_people=250,
        reach=(0, 0, 14, 17),
    ),
    DemoInitiative(
        "aeas",
        "Soutien scolaire et activités de loisirs pour les enfants de Selouane",
        "fr",
        "SNIA-02",
        "schooling",
        [SELOUANE],
        ["girls", "boys", "host-community"],
        -7,
        12,
        budget=45000,
        reach=(0, 0, 22, 19),
    ),
    DemoInitiative(
        "aafe",
        "Formation professionnelle en coiffure et couture pour jeunes migrantes",
        "fr",
        "SNIA-06",
        "vocational",
        [NADOR, BENI_ANSAR],
        ["women", "youth"],
        -4,
        8,
        partners=[("commune-nador", P.TECHNICAL)],
        budget=120000,
        currency="EUR",
        target_people=30,
        reach=(11, 0, 0, 0),
    ),
    DemoInitiative(
        "aafe",
        "مواكبة الشباب المهاجرين في البحث عن الشغل",
        "ar",
        "SNIA-07",
        "vocational",
        [NADOR, ZAIO],
        ["youth", "host-community"],
        -2,
        12,
        partners=[("ccsn", P.IMPLEMENTING)],
    ),
    DemoInitiative(
        "ccsn",
        "Médiation communautaire dans les quartiers de Nador",
        "fr",
        "SNIA-11",
        "coordination",
        [NADOR],
        ["irregular-migrants", "host-community"],
        -9,
        18,
        partners=[("aras", P.TECHNICAL)],
        reach=(15, 20, 0, 0),
    ),
    DemoInitiative(
        "ccsn",
        "Accompagnement des demandeurs d'asile dans leurs démarches",
        "fr",
        "SNIA-10",
        "referral",
        [NADOR, OUJDA],
        ["refugees-asylum-seekers"],
        -5,
        12,
        visibility=PARTNERS_ONLY,
        partners=[("aoda", P.TECHNICAL)],
    ),
    DemoInitiative(
        "commune-nador",
        "حملة تحسيسية حول الولوج إلى الخدمات الجماعية",
        "ar",
        "SNIA-11",
        "awareness",
        [NADOR],
        ["irregular-migrants", "host-community"],
        -3,
        3,
        status=S.COMPLETED,
        reach=(60, 75, 10, 12),
    ),
    DemoInitiative(
        "commune-oujda",
        "Distribution de kits d'hiver aux personnes migrantes à Oujda",
        "fr",
        "SNIA-05",
        "distribution",
        [OUJDA],
        ["irregular-migrants", "unaccompanied-children"],
        -13,
        3,
        status=S.COMPLETED,
        budget=70000,
    ),
    DemoInitiative(
        "delegation-sante",
        "Campagne de vaccination des enfants migrants",
        "fr",
        "SNIA-03",
        "medical-care",
        [NADOR, BENI_ANSAR, SELOUANE, ZEGHANGHANE],
        ["girls", "boys"],
        -2,
        2,
        status=S.COMPLETED,
        partners=[("aras", P.IMPLEMENTING), ("ccsn", P.IMPLEMENTING)],
        reach=(0, 0, 30, 34),
    ),
    DemoInitiative(
        "afsr",
        "مجموعات الدعم النفسي والاجتماعي للنساء المهاجرات",
        "ar",
        "SNIA-03",
        "psychosocial",
        [NADOR],
        ["women"],
        -6,
        12,
        partners=[("unite-hassan2", P.TECHNICAL)],
        reach=(14, 0, 0, 0),
    ),
    DemoInitiative(
        "aras",
        "Hébergement d'urgence pour mineurs non accompagnés",
        "fr",
        "SNIA-05",
        "shelter",
        [NADOR],
        ["unaccompanied-children"],
        -11,
        24,
        partners=[("commune-nador", P.FUNDING), ("cellule-tpi", P.TECHNICAL)],
        funder="commune-nador",
        budget=380000,
        visibility=PARTNERS_ONLY,
        reach=(0, 0, 3, 8),
    ),
    DemoInitiative(
        "commune-beni-ansar",
        "Aménagement d'un espace d'accueil au centre de Beni Ansar",
        "fr",
        "SNIA-04",
        "shelter",
        [BENI_ANSAR],
        ["irregular-migrants"],
        2,
        10,
        status=S.PLANNED,
        budget=900000,
    ),
    DemoInitiative(
        "aoda",
        "ورشات حول حقوق المهاجرين لفائدة الفاعلين المحليين",
        "ar",
        "SNIA-10",
        "training",
        [NADOR, OUJDA, BERKANE],
        ["host-community"],
        -4,
        6,
        partners=[("aras", P.TECHNICAL)],
        reach=(8, 12, 0, 0),
    ),
    DemoInitiative(
        "aras",
        "Étude sur l'accès des migrants aux services dans l'Oriental",
        "fr",
        "SNIA-11",
        "study",
        [NADOR, OUJDA, BERKANE, DRIOUCH, TAOURIRT, GUERCIF],
        ["irregular-migrants", "refugees-asylum-seekers", "returnees"],
        -8,
        8,
        status=S.COMPLETED,
        partners=[("aoda", P.TECHNICAL)],
    ),
    DemoInitiative(
        "aafe",
        "Activités génératrices de revenus pour migrants de retour à Driouch",
        "fr",
        "SNIA-07",
        "income",
        [DRIOUCH],
        ["returnees", "youth"],
        -3,
        12,
        reach=(4, 9, 0, 0),
    ),
    DemoInitiative(
        "aeas",
        "أنشطة رياضية وثقافية لتعزيز العيش المشترك بسلوان",
        "ar",
        "SNIA-02",
        "culture-sport",
        [SELOUANE, AL_AAROUI],
        ["youth", "host-community", "boys", "girls"],
        -5,
        6,
        reach=(6, 10, 12, 15),
    ),
    DemoInitiative(
        "commune-zeghanghane",
        "Cellule d'écoute pour les familles migrantes à Zeghanghane",
        "fr",
        "SNIA-05",
        "referral",
        [ZEGHANGHANE],
        ["irregular-migrants", "women"],
        -1,
        12,
        partners=[("afsr", P.IMPLEMENTING)],
    ),
    DemoInitiative(
        "afsr",
        "Sensibilisation à la violence fondée sur le genre dans les écoles",
        "fr",
        "SNIA-01",
        "awareness",
        [NADOR, ZEGHANGHANE],
        ["girls", "boys"],
        -20,
        6,
        status=S.CANCELLED,
        partners=[("direction-education", P.TECHNICAL)],
    ),
    DemoInitiative(
        "aras",
        "Réunions mensuelles de l'espace intercommunal de coordination",
        "fr",
        "SNIA-11",
        "coordination",
        [NADOR, BENI_ANSAR, SELOUANE, ZEGHANGHANE, AL_AAROUI],
        ["host-community"],
        -10,
        24,
        partners=[
            ("commune-nador", P.IMPLEMENTING),
            ("commune-beni-ansar", P.IMPLEMENTING),
            ("commune-selouane", P.IMPLEMENTING),
        ],
    ),
]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _organisations() -> dict[str, Organisation]:
    found = {}
    for spec in core_demo.ORGANISATIONS:
        organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation missing: {spec.name_fr} (load the demo first)")
        found[spec.key] = organisation
    return found


def _by_code(model, codes: set[str], command: str) -> dict:
    found = model.objects.in_bulk(list(codes), field_name="code")
    missing = sorted(codes - set(found))
    if missing:
        raise DemoDataError(f"Missing (run {command} first): {', '.join(missing)}")
    return found


def _reach_values(base, month_index: int, cumulative: dict[str, int]) -> dict:
    """A month's figures varying around ``base``, and totals to date that only grow."""
    factor = (1.0, 1.25, 0.8, 1.1, 0.9)[month_index % 5]
    values = {}
    for name, typical in zip(services.REACH_MONTHLY, base, strict=True):
        monthly = round(typical * factor)
        # About a third of each month's people were already reached before.
        new_people = monthly if not cumulative.get(name) else round(monthly * 0.65)
        cumulative[name] = cumulative.get(name, 0) + new_people
        values[name] = monthly
        values[f"cumulative_{name}"] = cumulative[name]
    return values


@transaction.atomic
def initiatives_demo_load() -> int:
    """Create the demo initiatives that are missing, with their reach; return how many."""
    actor = User.objects.filter(email__iexact=core_demo.USERS[0].email).first()
    if actor is None:
        raise DemoDataError("The demo administrator is missing: load the core demo first.")
    organisations = _organisations()
    areas = _by_code(Area, {code for spec in INITIATIVES for code in spec.communes}, "load_areas")
    sectors = _by_code(Sector, {spec.sector for spec in INITIATIVES}, "load_sectors")
    groups = _by_code(
        TargetGroup, {code for spec in INITIATIVES for code in spec.groups}, "load_target_groups"
    )
    activities = _by_code(
        ActivityType, {spec.activity for spec in INITIATIVES}, "load_activity_types"
    )
    this_month = timezone.localdate().replace(day=1)
    report_months = [_add_months(this_month, -n) for n in range(REPORTED_MONTHS, 0, -1)]
    created = 0
    for spec in INITIATIVES:
        lead = organisations[spec.lead]
        if Initiative.objects.filter(title=spec.title, lead_organisation=lead).exists():
            continue
        start = _add_months(this_month, spec.start)
        end = _add_months(start, spec.months) - datetime.timedelta(days=1)
        initiative = services.initiative_create(
            actor=actor,
            data={
                "title": spec.title,
                "description": spec.description,
                "language": spec.language,
                "translations": spec.translations,
                "lead_organisation": lead,
                "sector": sectors[spec.sector],
                "activity_type": activities[spec.activity],
                "start_date": start,
                "end_date": end,
                "status": spec.status,
                "budget": Decimal(spec.budget) if spec.budget is not None else None,
                "currency": spec.currency,
                "funder": organisations[spec.funder] if spec.funder else None,
                "target_people": spec.target_people,
                "visibility": spec.visibility,
                "communes": [areas[code] for code in spec.communes],
                "target_groups": [groups[code] for code in spec.groups],
                "partners": [(organisations[key], role) for key, role in spec.partners],
            },
        )
        created += 1
        if spec.reach is None:
            continue
        for position, commune_code in enumerate(spec.communes):
            cumulative: dict[str, int] = {}
            for index, month in enumerate(report_months):
                if not start <= month <= end:
                    continue
                if ReportingPeriod.objects.filter(month=month, locked_at__isnull=False).exists():
                    continue
                values = _reach_values(spec.reach, index + position, cumulative)
                month_total = sum(values[name] for name in services.REACH_MONTHLY)
                services.reach_report_save(
                    actor=actor,
                    initiative=initiative,
                    commune=areas[commune_code],
                    month=month,
                    values=values,
                    # The part of the month's people who belong to the first target group.
                    by_group={groups[spec.groups[0]]: round(month_total * 0.6)},
                )
    oldest = report_months[0]
    if not ReportingPeriod.objects.filter(month=oldest, locked_at__isnull=False).exists():
        services.period_lock(actor=actor, month=oldest)
    return created
