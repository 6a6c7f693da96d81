"""Demonstration meeting: the consultation meeting of the seed document, in the CSO space.

The seed (a news report from Nador) tells of a regional consultation meeting on coordination
for migration, organised by the association that runs the Al-Madina project: two sessions
reviewing experiences of bringing migration into local policies, ending in recommendations. The
demo gives it an agenda, its two sessions with speakers named by their role (the report names a
private person; the demo names nobody), invented attendance counts, published minutes and five
recommendations taken from the report's conclusions, at various stages of their follow-up. It
also had 80 places (10 reserved), invitations to the space's members and two organisations from
outside it, and a few registrations and a refusal answered in the weeks before (no e-mail sent).

Everything is written through the services (validation, audit trail), like the pages. Loading is
idempotent: the meeting is found again by its space and title, and is written whole or not at all;
a meeting loaded before registration existed gets its places and invitations on the next load.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation, Sector
from madina.coordination.models import Space
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.meetings import registration_services, services
from madina.meetings.models import Meeting
from madina.territory.models import Area

CSO_SPACE = (
    "Espace local des associations de la société civile œuvrant dans le domaine de la migration "
    "à Nador"
)
TITLE = (
    "Rencontre régionale de concertation sur le renforcement des mécanismes de coordination "
    "en matière de migration dans l'Oriental"
)
ACTOR = "coordinator@example.org"

AGENDA = [
    ("Ouverture et mot d'accueil", 20, []),
    (
        "Présentations",
        60,
        [
            "Programme d'action de l'espace de coordination intercommunale",
            "Feuille de route de l'espace local des associations de Nador",
        ],
    ),
    ("Première séance : gouvernance territoriale et migration", 60, []),
    ("Deuxième séance : acquis et résultats de la deuxième édition du projet Al-Madina", 60, []),
    ("Recommandations et clôture", 30, []),
]

SESSIONS = [
    (
        "La gouvernance territoriale, porte d'entrée de l'intégration des questions migratoires "
        "dans les politiques locales",
        2,
        [
            (
                "Représentant de la commune de Beni Ansar",
                "Élu chargé des affaires sociales",
                "commune-beni-ansar",
                "Présente l'expérience de la commune dans l'accueil des droits économiques et "
                "culturels des migrants.",
            ),
            (
                "Représentante de la commune de Nador",
                "Cheffe de la division de l'action sociale",
                "commune-nador",
                "",
            ),
        ],
    ),
    (
        "Acquis et résultats de la deuxième édition du projet Al-Madina",
        3,
        [
            (
                "Coordinateur du projet Al-Madina",
                "Coordinateur de projet",
                core_demo.COORDINATING,
                "Présente les capsules de sensibilisation en milieu scolaire, l'accompagnement "
                "des femmes et des enfants victimes de violence et le renforcement des capacités "
                "de la société civile.",
            ),
            (
                "Représentante de la direction provinciale de l'éducation",
                "Chargée de la vie scolaire",
                "direction-education",
                "",
            ),
        ],
    ),
]

ATTENDANCE = [
    (core_demo.COORDINATING, 6, 4, 0),
    ("afsr", 3, 2, 0),
    ("aeas", 2, 2, 0),
    ("aoda", 1, 2, 0),
    ("aafe", 3, 0, 0),
    ("ccsn", 2, 3, 1),
    ("commune-nador", 1, 3, 0),
    ("commune-beni-ansar", 1, 2, 0),
    ("direction-education", 1, 1, 0),
    ("delegation-sante", 1, 0, 0),
]

MINUTES = """\
L'association organisatrice a ouvert la rencontre en rappelant l'approche participative du \
projet Al-Madina et l'objectif d'une plateforme commune aux autorités locales, aux communes, aux \
institutions publiques et aux associations.

Le programme d'action de l'espace de coordination intercommunale et la feuille de route de \
l'espace local des associations ont été présentés, pour préciser les responsabilités et les rôles \
de chacun et éviter les initiatives en double.

Première séance : les intervenants ont souligné que la gouvernance territoriale est la porte \
d'entrée de l'intégration des questions migratoires dans les politiques locales ; la commune de \
Beni Ansar a présenté ses initiatives pour les droits économiques et culturels des migrants.

Deuxième séance : les acquis de la deuxième édition ont été présentés — capsules de \
sensibilisation en milieu scolaire, accompagnement des femmes et des enfants victimes de violence \
avec les cellules spécialisées, renforcement des capacités de la société civile en formation, \
plaidoyer et mobilisation.

La rencontre s'est conclue par les recommandations ci-dessous."""

# (title fr, text fr, title ar, session rank or None, theme, addressees, priority, steps)
# where steps are (days after the meeting, state or "", text, justification).
RECOMMENDATIONS = [
    (
        "Développer les mécanismes de coordination régionale entre les partenaires",
        "Mettre en place des réunions régulières entre communes, autorités locales, institutions "
        "publiques et associations, avec un secrétariat commun.",
        "تطوير آليات التنسيق الجهوي بين مختلف الشركاء",
        1,
        "SNIA-11",
        ["commune-nador", "commune-beni-ansar", core_demo.COORDINATING],
        "high",
        [(20, "in_progress", "Première réunion du secrétariat commun tenue à Nador.", "")],
    ),
    (
        "Renforcer la coopération et la complémentarité entre les intervenants",
        "Tenir à jour un registre commun de qui fait quoi et où, pour éviter les initiatives en "
        "double.",
        "تعزيز ممارسات التعاون والتكامل بين المتدخلين",
        1,
        "SNIA-09",
        ["afsr", "aeas", "aoda"],
        "medium",
        [
            (10, "in_progress", "Le registre des initiatives est ouvert aux associations.", ""),
            (
                40,
                "partly_implemented",
                "Quatre associations sur six y ont saisi leurs actions.",
                "",
            ),
        ],
    ),
    (
        "Contribuer à une stratégie régionale de la migration et de l'asile",
        "Une stratégie cohérente avec les orientations nationales et fondée sur la justice, "
        "l'égalité et l'équité.",
        "المساهمة في بلورة استراتيجية جهوية للهجرة واللجوء",
        None,
        "SNIA-10",
        [core_demo.COORDINATING],
        "high",
        [],
    ),
    (
        "Associer les migrants à l'élaboration des politiques publiques locales",
        "Faire des migrantes et des migrants des partenaires actifs du développement local, "
        "consultés sur les politiques qui les concernent.",
        "ضمان مشاركة المهاجرين في رسم السياسات العمومية المحلية",
        None,
        "SNIA-11",
        ["commune-nador", "ccsn"],
        "medium",
        [],
    ),
    (
        "Étendre les capsules de sensibilisation à toutes les écoles de la province",
        "Diffuser les capsules de sensibilisation produites par le projet dans les écoles de la "
        "province de Nador.",
        "تعميم الكبسولات التحسيسية على مؤسسات الوسط المدرسي بالإقليم",
        2,
        "SNIA-01",
        ["direction-education", core_demo.COORDINATING],
        "low",
        [
            (
                15,
                "rejected",
                "",
                "La direction provinciale diffusera ses propres supports en 2026 ; les capsules "
                "lui sont transmises pour s'en inspirer.",
            )
        ],
    ),
]


def _last_thursday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 3) % 7)


def _organisations() -> dict[str, Organisation]:
    found = {}
    for spec in core_demo.ORGANISATIONS:
        organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation missing: {spec.name_fr} (load the demo first)")
        found[spec.key] = organisation
    return found


@transaction.atomic
def meetings_demo_load() -> int:
    """Create the seed's meeting if it is missing, and its invitations and registrations if
    they are missing; return how many meetings were created."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    space = Space.objects.filter(name_fr=CSO_SPACE).first()
    if actor is None or space is None:
        raise DemoDataError("The demo spaces are missing: load the coordination demo first.")
    meeting = Meeting.objects.filter(space=space, title=TITLE).first()
    if meeting is not None:
        _registrations_load(actor, meeting)
        return 0
    _meeting_load(actor, space)
    return 1


def _meeting_load(actor: User, space: Space) -> None:
    organisations = _organisations()
    nador = Area.objects.filter(code=core_demo.NADOR).first()
    sectors = Sector.objects.in_bulk({spec[4] for spec in RECOMMENDATIONS}, field_name="code")
    if nador is None or len(sectors) < len({spec[4] for spec in RECOMMENDATIONS}):
        raise DemoDataError("Areas or sectors missing (run load_areas and load_sectors first).")
    tz = ZoneInfo("Africa/Casablanca")
    day = _last_thursday_before(timezone.localdate() - datetime.timedelta(days=60))
    meeting = services.meeting_create(
        actor=actor,
        space=space,
        data={
            "title": TITLE,
            "description": (
                "Dans le cadre de la deuxième édition du projet « Al-Madina : bâtir des villes "
                "inclusives pour protéger les droits fondamentaux des migrants »."
            ),
            "type": Meeting.Type.CONSULTATION,
            "mode": Meeting.Mode.IN_PERSON,
            "status": Meeting.Status.HELD,
            "starts_at": datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=tz),
            "ends_at": datetime.datetime.combine(day, datetime.time(13, 30), tzinfo=tz),
            "commune": nador,
            "address": "Salle de conférences, Nador",
            "organiser": organisations[core_demo.COORDINATING],
            "co_organisers": [organisations["commune-nador"]],
        },
    )
    items = []
    for title, minutes, children in AGENDA:
        item = services.agenda_item_save(
            actor=actor, meeting=meeting, data={"title": title, "duration_minutes": minutes}
        )
        items.append(item)
        for child in children:
            services.agenda_item_save(
                actor=actor, meeting=meeting, data={"title": child, "parent": item}
            )
    sessions = []
    for title, item_rank, speakers in SESSIONS:
        session = services.session_save(
            actor=actor, meeting=meeting, data={"title": title, "agenda_item": items[item_rank]}
        )
        sessions.append(session)
        for name, position, key, bio in speakers:
            services.speaker_save(
                actor=actor,
                session=session,
                data={
                    "name": name,
                    "position": position,
                    "affiliation": organisations[key],
                    "bio": bio,
                },
            )
    services.attendance_set(
        actor=actor,
        meeting=meeting,
        rows=[
            {"organisation": organisations[key], "women": w, "men": m, "other": o}
            for key, w, m, o in ATTENDANCE
        ],
    )
    services.minutes_save(actor=actor, meeting=meeting, text=MINUTES)
    services.minutes_publish(actor=actor, meeting=meeting)
    for title, text, title_ar, session_rank, theme, addressees, priority, steps in RECOMMENDATIONS:
        recommendation = services.recommendation_create(
            actor=actor,
            meeting=meeting,
            data={
                "title": title,
                "text": text,
                "language": "fr",
                "translations": {"ar": {"title": title_ar}},
                "session": sessions[session_rank - 1] if session_rank else None,
                "theme": sectors[theme],
                "addressees": [organisations[key] for key in addressees],
                "priority": priority,
                "state": "adopted",
            },
        )
        for days, state, update_text, justification in steps:
            services.recommendation_add_update(
                actor=actor,
                recommendation=recommendation,
                state=state,
                text=update_text,
                justification=justification,
                on=day + datetime.timedelta(days=days),
            )
    _registrations_load(actor, meeting)


# Invitations of the seed meeting (the space's members, plus two organisations from outside it),
# answered before the meeting: (organisation, who answers, days before the meeting, registration
# or None to decline). The migrant-led collective may use the reserved places.
CAPACITY, RESERVED = 80, 10
OUTSIDE_INVITED = ["commune-beni-ansar", "direction-education"]
RESERVED_FOR = ["ccsn"]
ANSWERS = [
    ("afsr", "afsr.member@example.org", 12, {"women": 3, "men": 2, "childcare_places": 2}),
    (
        "aeas",
        "aeas.admin@example.org",
        10,
        {"women": 2, "men": 2, "interpretation": {"es": 1}, "wheelchair_access": True},
    ),
    (
        "ccsn",
        "ccsn.admin@example.org",
        8,
        {
            "women": 2,
            "men": 3,
            "other": 1,
            "interpretation": {"fr": 4, "en": 2},
            "childcare_places": 3,
        },
    ),
    ("aoda", "aoda.admin@example.org", 6, None),
]


def _registrations_load(actor: User, meeting: Meeting) -> None:
    """Places, invitations and a few answers on the seed meeting, if it has no invitations."""
    if meeting.invitations.exists():
        return
    organisations = _organisations()
    tz = ZoneInfo("Africa/Casablanca")
    day = timezone.localtime(meeting.starts_at, tz)
    if meeting.capacity is None:
        services.meeting_update(
            actor=actor,
            meeting=meeting,
            data={"capacity": CAPACITY, "reserved_places": RESERVED},
        )
    members = [
        m.organisation for m in meeting.space.members.current().select_related("organisation")
    ]
    reserved = [organisations[key] for key in RESERVED_FOR]
    registration_services.invitations_send(
        actor=actor,
        meeting=meeting,
        organisations=[o for o in members if o not in reserved]
        + [organisations[key] for key in OUTSIDE_INVITED],
        notify=False,
        now=day - datetime.timedelta(days=21),
    )
    registration_services.invitations_send(
        actor=actor,
        meeting=meeting,
        organisations=reserved,
        uses_reserved_places=True,
        notify=False,
        now=day - datetime.timedelta(days=21),
    )
    for key, email, days_before, registration in ANSWERS:
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            raise DemoDataError(f"Demo user missing: {email} (load the demo first)")
        invitation = meeting.invitations.get(organisation=organisations[key])
        when = day - datetime.timedelta(days=days_before)
        if registration is None:
            registration_services.invitation_decline(actor=person, invitation=invitation, now=when)
        else:
            registration_services.registration_save(
                actor=person, invitation=invitation, data=registration, now=when
            )
