"""Demonstration case data: case roles for some demo users and fictional cases of AFSR.

Every person here is invented. The cases go through the same services as real ones (encrypted,
logged); the loader acts as the demo supervisor with the second factor taken as given, which
only a loader may do. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from madina.accounts.models import Membership, User
from madina.actors.models import Organisation
from madina.cases import services
from madina.cases.models import Case, Consent, Incident
from madina.core.demo import DemoDataError
from madina.directory.models import Service
from madina.territory.models import Area

R = Membership.CaseRole
# (e-mail of a demo user, acronym of the organisation, case role)
CASE_ROLES = [
    ("afsr.member@example.org", "AFSR", R.CASE_WORKER),
    ("afsr.admin@example.org", "AFSR", R.CASE_SUPERVISOR),
    ("cellule.member@example.org", "CPC-TPI", R.REFERRAL_RECEIVER),
    ("unite.member@example.org", "UPEC-H2", R.REFERRAL_RECEIVER),
]
WORKER, SUPERVISOR = "afsr.member@example.org", "afsr.admin@example.org"
GIVEN = ["Mariam", "Awa", "Fatoumata", "Grace", "Blessing", "Khadija", "Hawa", "Joy", "Salma"]
FAMILY = ["Traoré", "Koné", "Camara", "Okafor", "Mensah", "Bamba", "Sow", "Diop", "Nwosu"]
NATIONALITIES = ["GN", "CI", "ML", "NG", "SN", "CM", "MA"]
COMMUNES = ["02.381.01.01", "02.381.01.03", "02.381.05.11"]
# Types of the demo incidents, enough of each for the statistics to show numbers.
TYPES = (
    [Incident.Type.PHYSICAL_ASSAULT] * 6
    + [Incident.Type.PSYCHOLOGICAL] * 5
    + [
        Incident.Type.SEXUAL_ASSAULT,
        Incident.Type.DENIAL,
        Incident.Type.FORCED_MARRIAGE,
    ]
)


def _as_verified(user: User) -> User:
    user.is_verified = lambda: True
    return user


def _roles() -> dict[str, User]:
    users = {}
    for email, acronym, case_role in CASE_ROLES:
        membership = (
            Membership.objects.filter(user__email__iexact=email, organisation__acronym=acronym)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise DemoDataError("The demo users are missing: load the core demo first.")
        if membership.case_role != case_role:
            membership.case_role = case_role
            membership.save(update_fields=["case_role", "updated_at"])
        users[email] = membership.user
    return users


def cases_demo_load() -> int:
    """Give the demo case roles and create the demo cases if none exist; return cases created."""
    users = _roles()
    afsr = Organisation.objects.get(acronym="AFSR")
    if Case.objects.filter(organisation=afsr).exists():
        return 0
    worker, supervisor = _as_verified(users[WORKER]), _as_verified(users[SUPERVISOR])
    cell = Service.objects.filter(is_specialised_cell=True, cell_kind="court").first()
    communes = list(Area.objects.filter(code__in=COMMUNES))
    if cell is None or not communes:
        raise DemoDataError("Load the directory demo and the areas first.")
    rng = random.Random(2026)  # noqa: S311 - the same fictional demo data on every machine
    today = timezone.localdate()
    created = 0
    for index, type_ in enumerate(TYPES):
        opened = today - dt.timedelta(days=rng.randint(3, 300))
        case = services.case_open(
            actor=worker,
            organisation=afsr,
            sex="female",
            identity={
                "given_name": GIVEN[index % len(GIVEN)],
                "family_name": FAMILY[(index * 4) % len(FAMILY)],
                "birth_date": dt.date(rng.randint(1975, 2012), rng.randint(1, 12), 15),
                "birth_date_is_estimate": True,
                "nationality": NATIONALITIES[index % len(NATIONALITIES)],
                "phone": f"+2126{rng.randint(10_000_000, 99_999_999)}",
            },
            opened_on=opened,
        )
        for purpose in (Consent.Purpose.SERVICES, Consent.Purpose.STATISTICS):
            services.consent_record(
                actor=worker,
                case=case,
                purpose=purpose,
                given_by=Consent.GivenBy.PERSON
                if not case.person.is_child
                else Consent.GivenBy.GUARDIAN,
                guardian_relation="" if not case.person.is_child else "mère",
                given_on=opened,
            )
        services.incident_record(
            actor=worker,
            case=case,
            type=type_,
            occurred_on=opened - dt.timedelta(days=rng.randint(1, 20)),
            reported_on=opened,
            commune=communes[index % len(communes)],
            description="Récit fictif de démonstration.",
        )
        services.assessment_save(
            actor=worker,
            case=case,
            risk=rng.choice(["low", "medium", "high"]),
            needs=["psychosocial", "legal"],
            safety_plan="Plan de sécurité fictif.",
            contact_channel="sms",
        )
        created += 1
    # One case waiting at the court cell, so that its receiver has something in the inbox.
    case = Case.objects.filter(organisation=afsr).order_by("-opened_on").first()
    services.consent_record(
        actor=worker,
        case=case,
        purpose=Consent.Purpose.REFERRAL,
        recipient_kind="court_cell",
        given_by=Consent.GivenBy.PERSON,
        given_on=today,
    )
    line = services.plan_item_save(
        actor=worker, case=case, need="legal", due_on=today + dt.timedelta(days=7), service=cell
    )
    referral = services.referral_create(
        actor=worker,
        case=case,
        service=cell,
        profile="court_cell",
        plan_item=line,
        message="Accompagnement pour le dépôt de plainte.",
    )
    services.referral_send(actor=supervisor, referral=referral)
    return created
