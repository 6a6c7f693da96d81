"""Demonstration coordination spaces: the two spaces of the seed document, with their members.

The spaces' names come from the seed (the Nador consultation meeting of the Al-Madina project);
their members, positions, dates and roles are invented among the demo organisations and users of
``madina.core.demo``. Everything is written through the services (validation, audit trail), like
the pages. Loading is idempotent: a space is found again by its French name, a membership by
space and organisation, a role by space and person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.coordination import services
from madina.coordination.models import Space, SpaceMember, SpaceRole
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
    return created
