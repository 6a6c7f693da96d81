"""Demonstration coordination spaces: the two spaces of the seed document, with their members,
the inter-municipal space's action programme and the CSO space's roadmap.

The spaces' names come from the seed (the Nador consultation meeting of the Al-Madina project);
their members, positions, dates and roles are invented among the demo organisations and users of
``madina.core.demo``. Everything is written through the services (validation, audit trail), like
the pages. Loading is idempotent: a space is found again by its French name, a membership by
space and organisation, a role by space and person, a programme by space and title, an item by
programme and code, a responsibility by item and organisation. The programmes' axes come from the
seed (bringing migration into local policies, avoiding duplicated initiatives, awareness in
schools, accompanying victims of violence with the specialised cells, training and advocacy); the
actions, dates, leads and the rest of the matrix are invented.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.coordination import programme_services, services
from madina.coordination.models import Programme, ProgrammeItem, Space, SpaceMember, SpaceRole
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.territory.models import Area

P = SpaceMember.Position


@dataclass
class DemoSpace:
    name_fr: str
    name_ar: str
    name_en: str
    type: str
    visibility: str
    territory: list[str]
    purpose_fr: str
    purpose_ar: str
    composition: str
    decision_making: str
    # Years before today the space was created.
    age_years: int
    members: list[tuple[str, str]]
    roles: list[tuple[str, str]] = field(default_factory=list)


SPACES = [
    DemoSpace(
        name_fr="Espace de coordination intercommunale de l'Oriental",
        name_ar="الفضاء التنسيقي بين الجماعات بجهة الشرق",
        name_en="Inter-municipal coordination space of the Oriental",
        type=Space.Type.INTER_MUNICIPAL,
        visibility=Space.Visibility.PUBLIC,
        territory=["02"],
        purpose_fr=(
            "Coordonner l'action des communes de l'Oriental pour l'accueil et l'inclusion des "
            "migrants : partager les expériences, éviter les doublons et porter un programme "
            "d'action commun."
        ),
        purpose_ar=(
            "تنسيق عمل جماعات جهة الشرق في مجال استقبال المهاجرين وإدماجهم: تبادل التجارب، "
            "وتفادي تكرار المبادرات، وحمل برنامج عمل مشترك."
        ),
        composition=(
            "Les communes membres, représentées par un élu et un fonctionnaire chacune ; "
            "l'association qui assure le secrétariat ; les services déconcentrés comme "
            "observateurs."
        ),
        decision_making=(
            "Le programme d'action et ses révisions sont adoptés par consensus des communes "
            "membres en réunion plénière, deux fois par an ; le secrétariat prépare les décisions."
        ),
        age_years=2,
        members=[
            ("commune-nador", P.CHAIR),
            ("commune-beni-ansar", P.VICE_CHAIR),
            (core_demo.COORDINATING, P.SECRETARIAT),
            ("commune-selouane", P.MEMBER),
            ("commune-zeghanghane", P.MEMBER),
            ("commune-al-aaroui", P.MEMBER),
            ("commune-oujda", P.MEMBER),
            ("delegation-sante", P.OBSERVER),
        ],
        roles=[("coordinator@example.org", SpaceRole.Role.ADMIN)],
    ),
    DemoSpace(
        name_fr=(
            "Espace local des associations de la société civile œuvrant dans le domaine de la "
            "migration à Nador"
        ),
        name_ar="الفضاء المحلي لجمعيات المجتمع المدني العاملة في مجال الهجرة بالناظور",
        name_en="Local space of civil-society organisations working on migration in Nador",
        type=Space.Type.LOCAL_CSO,
        visibility=Space.Visibility.TRANSPARENT,
        territory=["02.381"],
        purpose_fr=(
            "Réunir les associations qui travaillent avec les migrants à Nador autour d'une "
            "feuille de route commune : qui fait quoi, où, et comment se répartir les rôles."
        ),
        purpose_ar=(
            "جمع الجمعيات العاملة مع المهاجرين بالناظور حول خارطة طريق مشتركة: من يفعل ماذا "
            "وأين، وكيف تُوزَّع المسؤوليات والأدوار."
        ),
        composition=(
            "Les associations de Nador et les collectifs de migrants ; la commune de Nador "
            "comme observatrice."
        ),
        decision_making=(
            "La feuille de route est adoptée à la majorité des associations membres présentes ; "
            "la présidence tourne chaque année."
        ),
        age_years=1,
        members=[
            (core_demo.COORDINATING, P.CHAIR),
            ("afsr", P.VICE_CHAIR),
            ("aeas", P.SECRETARIAT),
            ("aoda", P.MEMBER),
            ("aafe", P.MEMBER),
            ("ccsn", P.MEMBER),
            ("commune-nador", P.OBSERVER),
        ],
        roles=[
            ("coordinator@example.org", SpaceRole.Role.ADMIN),
            ("aras.member@example.org", SpaceRole.Role.EDITOR),
            ("afsr.admin@example.org", SpaceRole.Role.RAPPORTEUR),
        ],
    ),
]


def _organisations() -> dict[str, Organisation]:
    found = {}
    for spec in core_demo.ORGANISATIONS:
        organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation missing: {spec.name_fr} (load the demo first)")
        found[spec.key] = organisation
    return found


def _areas(codes: set[str]) -> dict[str, Area]:
    found = Area.objects.in_bulk(list(codes), field_name="code")
    missing = sorted(codes - set(found))
    if missing:
        raise DemoDataError(f"Areas missing: {', '.join(missing)} (run load_areas first)")
    return found


@transaction.atomic
def coordination_demo_load() -> int:
    """Create the demo spaces, members and roles that are missing; return how many spaces."""
    actor = User.objects.filter(email__iexact=core_demo.USERS[0].email).first()
    if actor is None:
        raise DemoDataError("The demo administrator is missing: load the core demo first.")
    organisations = _organisations()
    areas = _areas({code for spec in SPACES for code in spec.territory})
    today = timezone.localdate()
    created = 0
    for spec in SPACES:
        space = Space.objects.filter(name_fr=spec.name_fr).first()
        if space is None:
            space = services.space_create(
                actor=actor,
                data={
                    "name_fr": spec.name_fr,
                    "name_ar": spec.name_ar,
                    "name_en": spec.name_en,
                    "type": spec.type,
                    "visibility": spec.visibility,
                    "purpose_fr": spec.purpose_fr,
                    "purpose_ar": spec.purpose_ar,
                    "composition": spec.composition,
                    "decision_making": spec.decision_making,
                    "created_on": today.replace(year=today.year - spec.age_years, day=1),
                    "territory": [areas[code] for code in spec.territory],
                },
            )
            created += 1
        for key, position in spec.members:
            organisation = organisations[key]
            if space.members.filter(organisation=organisation).exists():
                continue
            services.member_add(
                actor=actor,
                space=space,
                data={
                    "organisation": organisation,
                    "position": position,
                    "start_date": space.created_on + datetime.timedelta(days=14),
                },
            )
        for email, role in spec.roles:
            user = User.objects.filter(email__iexact=email).first()
            if user is None or space.roles.active().filter(user=user).exists():
                continue
            services.role_grant(actor=actor, space=space, email=email, role=role)
    programmes_demo_load(actor=actor, organisations=organisations, today=today)
    return created


# --- Programmes ---------------------------------------------------------------------------------


@dataclass
class DemoItem:
    code: str
    kind: str
    title: str
    parent: str | None = None
    # Days from today (negative: in the past).
    start: int | None = None
    due: int | None = None
    expected_result: str = ""
    status: str = ""
    progress: int | None = None
    # (organisation key, role)
    matrix: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DemoProgramme:
    space_name_fr: str
    kind: str
    title: str
    items: list[DemoItem]


K = ProgrammeItem.Kind
A, R, C, I = "accountable", "responsible", "consulted", "informed"  # noqa: E741

PROGRAMMES = [
    DemoProgramme(
        space_name_fr=SPACES[0].name_fr,
        kind=Programme.Kind.PROGRAMME,
        title="Programme d'action de l'espace de coordination intercommunale",
        items=[
            DemoItem("1", K.AXIS, "Intégrer la migration dans les politiques locales"),
            DemoItem(
                "1.1", K.OBJECTIVE, "Renforcer la gouvernance territoriale de la migration", "1"
            ),
            DemoItem(
                "1.1.1",
                K.ACTION,
                "Désigner un point focal migration dans chaque commune membre",
                "1.1",
                start=-150,
                due=-20,
                expected_result="Un point focal désigné par arrêté dans chaque commune membre.",
                matrix=[
                    ("commune-nador", A),
                    ("commune-beni-ansar", R),
                    ("commune-selouane", R),
                    (core_demo.COORDINATING, C),
                    ("delegation-sante", I),
                ],
            ),
            DemoItem(
                "1.1.1.a", K.MILESTONE, "Modèle d'arrêté partagé", "1.1.1", due=-90, status="done"
            ),
            DemoItem(
                "1.1.2",
                K.ACTION,
                "Partager l'expérience de Beni Ansar sur les droits économiques et culturels",
                "1.1",
                start=-60,
                due=5,
                expected_result="Une fiche d'expérience diffusée aux communes membres.",
                status="on_track",
                progress=60,
                matrix=[
                    ("commune-beni-ansar", A),
                    ("commune-nador", C),
                    ("commune-oujda", I),
                ],
            ),
            DemoItem("2", K.AXIS, "Éviter les doublons et combler les lacunes"),
            DemoItem(
                "2.1",
                K.ACTION,
                "Cartographier les services offerts aux migrants dans chaque commune",
                "2",
                start=-30,
                due=120,
                expected_result="La carte qui fait quoi où (3W) tenue à jour par les communes.",
                status="at_risk",
                progress=25,
                matrix=[
                    (core_demo.COORDINATING, A),
                    ("commune-zeghanghane", R),
                    ("commune-al-aaroui", R),
                    ("commune-nador", I),
                ],
            ),
            DemoItem(
                "2.2",
                K.ACTION,
                "Contribuer à une stratégie régionale de la migration et de l'asile",
                "2",
                start=0,
                due=300,
            ),
        ],
    ),
    DemoProgramme(
        space_name_fr=SPACES[1].name_fr,
        kind=Programme.Kind.ROADMAP,
        title="خارطة طريق الفضاء المحلي لجمعيات المجتمع المدني بالناظور",
        items=[
            DemoItem("1", K.AXIS, "التحسيس في الوسط المدرسي"),
            DemoItem(
                "1.1",
                K.ACTION,
                "إنتاج كبسولات تحسيسية لفائدة مدارس جهة الشرق",
                "1",
                start=-90,
                due=30,
                expected_result="كبسولات تحسيسية بالعربية والفرنسية موزعة على المؤسسات التعليمية.",
                status="on_track",
                progress=50,
                matrix=[
                    (core_demo.COORDINATING, A),
                    ("afsr", R),
                    ("direction-education", C),
                    ("commune-nador", I),
                ],
            ),
            DemoItem("2", K.AXIS, "مواكبة النساء والأطفال ضحايا العنف"),
            DemoItem(
                "2.1",
                K.ACTION,
                "تنسيق مسار الإحالة مع الخلايا المختصة",
                "2",
                start=-120,
                due=-10,
                expected_result="مسار إحالة متفق عليه مع خلية المحكمة ووحدة المستشفى.",
                matrix=[
                    ("afsr", A),
                    ("aafe", R),
                    ("cellule-tpi", C),
                    ("unite-hassan2", I),
                ],
            ),
            DemoItem("3", K.AXIS, "تقوية قدرات المجتمع المدني في التكوين والترافع والتعبئة"),
            DemoItem(
                "3.1",
                K.ACTION,
                "دورات تكوينية في الترافع لفائدة الجمعيات الأعضاء",
                "3",
                start=15,
                due=180,
                matrix=[("aeas", A), ("aoda", R), ("ccsn", C)],
            ),
        ],
    ),
]


def _day(today: datetime.date, days: int | None) -> datetime.date | None:
    return None if days is None else today + datetime.timedelta(days=days)


def programmes_demo_load(*, actor, organisations: dict, today: datetime.date) -> int:
    """Create the demo programmes, items and responsibilities that are missing; then mark late
    what the dates make late. Returns how many programmes were created."""
    created = 0
    for spec in PROGRAMMES:
        space = Space.objects.get(name_fr=spec.space_name_fr)
        programme = Programme.objects.filter(space=space, title=spec.title).first()
        if programme is None:
            programme = programme_services.programme_create(
                actor=actor,
                space=space,
                data={
                    "kind": spec.kind,
                    "title": spec.title,
                    "period_start": today.replace(month=1, day=1),
                    "period_end": today.replace(year=today.year + 1, month=12, day=31),
                    "status": Programme.Status.ADOPTED,
                },
            )
            created += 1
        items = {item.code: item for item in programme.items.all()}
        for item_spec in spec.items:
            item = items.get(item_spec.code)
            if item is None:
                item = programme_services.item_create(
                    actor=actor,
                    programme=programme,
                    data={
                        "parent": items.get(item_spec.parent) if item_spec.parent else None,
                        "kind": item_spec.kind,
                        "code": item_spec.code,
                        "title": item_spec.title,
                        "expected_result": item_spec.expected_result,
                        "start_date": _day(today, item_spec.start),
                        "due_date": _day(today, item_spec.due),
                    },
                )
                items[item.code] = item
                _give_roles(actor, item, item_spec, organisations)
                if item_spec.status:
                    programme_services.item_set_status(
                        actor=actor,
                        item=item,
                        status=item_spec.status,
                        progress=item_spec.progress,
                        today=today,
                    )
            else:
                _give_roles(actor, item, item_spec, organisations)
    programme_services.mark_late(today=today)
    return created


def _give_roles(actor, item: ProgrammeItem, spec: DemoItem, organisations: dict) -> None:
    present = set(item.responsibilities.values_list("organisation_id", flat=True))
    for key, role in spec.matrix:
        organisation = organisations[key]
        if organisation.pk in present:
            continue
        programme_services.responsibility_add(
            actor=actor, item=item, data={"organisation": organisation, "role": role}
        )
