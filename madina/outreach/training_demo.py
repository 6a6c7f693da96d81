"""Demonstration trainings and advocacy actions of the project's second edition (seed, §6).

"Building the capacities of civil society in training, advocacy and mobilisation": two trainings
given by the coordinating association to staff and volunteers of the demo organisations, with
pre- and post-test scores that show the learning gain and their attendance, and three advocacy
and mobilisation actions. The people are invented.

Written through the services (validation, audit trail), like the pages. Idempotent: a training
is found again by organisation and title, an action by organisation, date and addressee; nothing
existing is changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.outreach import training_services as services
from madina.outreach.models import AdvocacyAction, Participant, Training
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
F = Participant.Sex.FEMALE
M = Participant.Sex.MALE


def _org_name(key: str) -> str:
    return next(spec.name_fr for spec in core_demo.ORGANISATIONS if spec.key == key)


MIGRANT, NOT_SAID = "migrant", "not_said"


@dataclass
class DemoParticipant:
    full_name: str
    sex: str
    organisation: str  # key of a core demo organisation
    function: str
    pre: str
    post: str
    absent: tuple[int, ...] = ()  # indexes of the training days missed


@dataclass
class DemoTraining:
    title: str
    topic: str
    starts_on: datetime.date
    days: int
    venue: str
    trainers: str
    max_score: int
    commune: str  # code of the commune
    participants: list[DemoParticipant]


TRAININGS = [
    DemoTraining(
        title="Accompagnement des femmes victimes de violence",
        topic=Training.Topic.PROTECTION,
        starts_on=datetime.date(2025, 3, 11),
        days=3,
        venue="Maison des associations, Nador",
        trainers="Samira El Ouazzani, Latifa Bennani",
        max_score=20,
        commune=core_demo.NADOR,
        participants=[
            DemoParticipant("Souad Kaddouri", F, "afsr", "écoutante", "9", "16"),
            DemoParticipant("Zineb Haddou", F, "afsr", "assistante sociale", "11", "17"),
            DemoParticipant("Hanane Mimouni", F, "aeas", "éducatrice", "8", "14.5", (2,)),
            DemoParticipant("Mourad Azizi", M, "aeas", "animateur", "7", "13"),
            DemoParticipant("Anas Berrada", M, "aoda", "juriste", "12", "18"),
            DemoParticipant("Salma Ouali", F, "aoda", "assistante juridique", "10", "15"),
            DemoParticipant("Imane Bakkali", F, "aafe", "conseillère en insertion", "6.5", "13"),
            DemoParticipant("Aminata Diallo", F, "ccsn", "médiatrice communautaire", "8", "15.5"),
            DemoParticipant("Jean-Baptiste Kouassi", M, "ccsn", "médiateur", "7.5", "12", (0,)),
            DemoParticipant("Nadia Amrani", F, "commune-nador", "service social", "9.5", "16"),
            DemoParticipant(
                "Khadija Boukili", F, "commune-selouane", "agente d'accueil", "6", "12.5"
            ),
            DemoParticipant("Rachid Tahiri", M, "unite-hassan2", "médecin", "13", "18.5"),
        ],
    ),
    DemoTraining(
        title="Plaidoyer et mobilisation pour les droits des migrants",
        topic=Training.Topic.ADVOCACY,
        starts_on=datetime.date(2025, 5, 20),
        days=2,
        venue="Salle de conférences de la commune de Beni Ansar",
        trainers="Meryem Lahlou, Karim Boutaleb",
        max_score=100,
        commune=core_demo.BENI_ANSAR,
        participants=[
            DemoParticipant("Fatima Zahra Idrissi", F, "afsr", "présidente", "55", "80"),
            DemoParticipant("Youssef Chaoui", M, "aeas", "coordinateur", "48", "72"),
            DemoParticipant("Meryem Lahlou", F, "aoda", "chargée de plaidoyer", "62", "85"),
            DemoParticipant("Omar Benjelloun", M, "aafe", "directeur", "40", "66"),
            DemoParticipant("Reda Kharbouch", M, "aafe", "animateur", "35", "58", (1,)),
            DemoParticipant("Aminata Diallo", F, "ccsn", "présidente", "50", "78"),
            DemoParticipant("Jean-Baptiste Kouassi", M, "ccsn", "secrétaire général", "45", "70"),
            DemoParticipant("Hamid Azzouzi", M, "commune-beni-ansar", "élu", "38", "61"),
            DemoParticipant("Mohamed Ziani", M, "commune-nador", "chef de service", "42", "64"),
            DemoParticipant("Naima Rahmouni", F, "commune-al-aaroui", "agente", "30", "57", (0,)),
            DemoParticipant("Ilham Saidi", F, "aras", "chargée de communication", "58", "83"),
            DemoParticipant("Said Amarouch", M, "commune-zeghanghane", "agent", "33", "55"),
            DemoParticipant("Loubna Chergui", F, "delegation-sante", "infirmière", "44", "69"),
        ],
    ),
]


@dataclass
class DemoAction:
    organisation: str  # key of a core demo organisation
    kind: str
    held_on: datetime.date
    target: str
    message: str
    commune: str
    people_reached: int | None
    outcome: str
    outcome_notes: str = ""


ACTIONS = [
    DemoAction(
        organisation=core_demo.COORDINATING,
        kind=AdvocacyAction.Kind.ADVOCACY,
        held_on=datetime.date(2025, 4, 15),
        target="Conseil de la commune de Nador",
        message=(
            "Inscrire l'accueil et l'orientation des personnes migrantes dans le plan d'action "
            "communal, avec un point focal désigné."
        ),
        commune=core_demo.NADOR,
        people_reached=18,
        outcome=AdvocacyAction.Outcome.PARTLY,
        outcome_notes="Un point focal a été désigné; la ligne budgétaire reste à voter.",
    ),
    DemoAction(
        organisation="afsr",
        kind=AdvocacyAction.Kind.ADVOCACY,
        held_on=datetime.date(2025, 6, 10),
        target="Délégation provinciale de la santé",
        message=(
            "Garantir l'accès des femmes migrantes victimes de violence à l'unité hospitalière "
            "sans condition de papiers."
        ),
        commune=core_demo.NADOR,
        people_reached=6,
        outcome=AdvocacyAction.Outcome.ACHIEVED,
        outcome_notes="Une note de service a été adressée aux urgences de l'hôpital Hassan II.",
    ),
    DemoAction(
        organisation="ccsn",
        kind=AdvocacyAction.Kind.MOBILISATION,
        held_on=datetime.date(2025, 6, 20),
        target="Habitants et associations de Beni Ansar",
        message="Journée mondiale des réfugiés: village associatif, théâtre et match de football.",
        commune=core_demo.BENI_ANSAR,
        people_reached=350,
        outcome=AdvocacyAction.Outcome.PENDING,
    ),
]


def _organisations() -> dict[str, Organisation]:
    keys = {p.organisation for t in TRAININGS for p in t.participants}
    keys |= {a.organisation for a in ACTIONS} | {core_demo.COORDINATING}
    found = {}
    for key in keys:
        organisation = Organisation.objects.filter(name_fr=_org_name(key)).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation missing: {_org_name(key)}")
        found[key] = organisation
    return found


def _training(actor, spec: DemoTraining, organisations, communes) -> int:
    organiser = organisations[core_demo.COORDINATING]
    if Training.objects.filter(organisation=organiser, title=spec.title).exists():
        return 0
    ends_on = spec.starts_on + datetime.timedelta(days=spec.days - 1)
    training = services.training_create(
        actor=actor,
        organisation=organiser,
        data={
            "title": spec.title,
            "topic": spec.topic,
            "starts_on": spec.starts_on,
            "ends_on": ends_on,
            "commune": communes[spec.commune],
            "venue": spec.venue,
            "trainers": spec.trainers,
            "pre_test_on": spec.starts_on,
            "post_test_on": ends_on,
            "max_score": spec.max_score,
        },
    )
    days = services.training_days(training)
    present = {}
    for person in spec.participants:
        participant = services.participant_add(
            actor=actor,
            training=training,
            data={
                "full_name": person.full_name,
                "sex": person.sex,
                "organisation": organisations[person.organisation],
                "function": person.function,
                # The migrant-led association's staff said so; the others left it unsaid.
                "population_group": MIGRANT if person.organisation == "ccsn" else NOT_SAID,
                "pre_score": Decimal(person.pre),
                "post_score": Decimal(person.post),
            },
        )
        present[participant.pk] = [
            day for index, day in enumerate(days) if index not in person.absent
        ]
    services.attendance_save(actor=actor, training=training, present=present)
    return 1 + len(spec.participants)


@transaction.atomic
def training_demo_load() -> int:
    """Create the demo trainings (with participants) and actions that are missing.

    Returns how many records were created: trainings, participants and actions.
    """
    actor = User.objects.filter(email__iexact=ACTOR).first()
    if actor is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    organisations = _organisations()
    codes = [core_demo.NADOR, core_demo.BENI_ANSAR]
    communes = Area.objects.in_bulk(codes, field_name="code")
    if len(communes) != len(codes):
        raise DemoDataError("Areas missing (run load_areas first).")
    created = sum(_training(actor, spec, organisations, communes) for spec in TRAININGS)
    for spec in ACTIONS:
        organisation = organisations[spec.organisation]
        if AdvocacyAction.objects.filter(
            organisation=organisation, held_on=spec.held_on, target=spec.target
        ).exists():
            continue
        services.advocacy_create(
            actor=actor,
            organisation=organisation,
            data={
                "kind": spec.kind,
                "held_on": spec.held_on,
                "target": spec.target,
                "message": spec.message,
                "commune": communes[spec.commune],
                "people_reached": spec.people_reached,
                "outcome": spec.outcome,
                "outcome_notes": spec.outcome_notes,
            },
        )
        created += 1
    return created
