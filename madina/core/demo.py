"""Demonstration data: a fictional coordination space in Nador, with a user for every role.

Everything here is invented (the organisations' names, people, phone numbers and e-mail
addresses at example.org) except the places, which come from the loaded reference data. Loading is
idempotent: organisations are found again by French name and type, people by e-mail address, and
nothing that already exists is created twice or changed.

Organisations and focal persons are written through the actors services, so that the demo follows
the same path (validation, audit trail) as the pages. Users and memberships are written directly:
the accounts app has no service for creating them outside an invitation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from madina.accounts.models import Membership, User
from madina.actors import services as actor_services
from madina.actors.models import FocalPerson, Organisation, Sector
from madina.territory.models import Area

# A published password, for demonstration machines only: madina_setup refuses to load the demo
# data unless DEBUG is on.
DEMO_PASSWORD = "Madina-Demo-2025!"  # noqa: S105

NADOR = "02.381.01.05"
BENI_ANSAR = "02.381.01.03"
SELOUANE = "02.381.01.19"
ZEGHANGHANE = "02.381.01.09"
AL_AAROUI = "02.381.01.01"
OUJDA = "02.411.01.23"
NADOR_AGGLOMERATION = [NADOR, BENI_ANSAR, SELOUANE, ZEGHANGHANE, AL_AAROUI]

T = Organisation.Type
S = Organisation.InstitutionSector
R = Membership.Role


@dataclass
class DemoOrganisation:
    key: str
    name_fr: str
    name_ar: str
    name_en: str
    type: str
    commune: str
    covers: list[str]
    phone: str
    email: str
    acronym: str = ""
    institution_sector: str = ""
    sectors: list[str] = field(default_factory=list)
    mandate: str = ""
    address: str = ""
    focal_persons: list[tuple[str, str, str, str, bool]] = field(default_factory=list)


@dataclass
class DemoUser:
    email: str
    full_name: str
    organisation: str = ""  # key of a DemoOrganisation
    role: str = ""  # a Membership.Role
    platform_role: str = ""
    job_title: str = ""
    language: str = "fr"


COORDINATING = "aras"

ORGANISATIONS = [
    DemoOrganisation(
        key=COORDINATING,
        name_fr="Association Rif pour l'Accueil et la Solidarité",
        name_ar="جمعية الريف للاستقبال والتضامن",
        name_en="Rif Association for Reception and Solidarity",
        acronym="ARAS",
        type=T.CSO,
        commune=NADOR,
        covers=NADOR_AGGLOMERATION,
        sectors=["SNIA-05", "SNIA-08", "SNIA-11"],
        phone="+212536601020",
        email="contact@aras.example.org",
        address="12, rue Al Massira, Nador",
        mandate=(
            "Coordonne l'espace local des associations et l'espace intercommunal de Nador; "
            "accueil, orientation et accompagnement des personnes migrantes."
        ),
        focal_persons=[
            ("Samira El Ouazzani", "Coordination", "+212536601021", "coordination", True),
            ("Karim Boutaleb", "Référencement", "+212536601022", "referencement", False),
        ],
    ),
    # Communes of the Nador agglomeration, and Oujda.
    DemoOrganisation(
        key="commune-nador",
        name_fr="Commune de Nador",
        name_ar="جماعة الناضور",
        name_en="Municipality of Nador",
        type=T.COMMUNE,
        commune=NADOR,
        covers=[NADOR],
        sectors=["SNIA-05", "SNIA-11"],
        phone="+212536602030",
        email="contact@commune-nador.example.org",
        address="Hôtel de ville, boulevard Mohammed V, Nador",
        focal_persons=[
            ("Nadia Amrani", "Point focal migration", "+212536602031", "migration", True)
        ],
    ),
    DemoOrganisation(
        key="commune-beni-ansar",
        name_fr="Commune de Beni Ansar",
        name_ar="جماعة بني انصار",
        name_en="Municipality of Beni Ansar",
        type=T.COMMUNE,
        commune=BENI_ANSAR,
        covers=[BENI_ANSAR],
        sectors=["SNIA-05"],
        phone="+212536603040",
        email="contact@commune-beniansar.example.org",
        focal_persons=[
            ("Hamid Azzouzi", "Point focal migration", "+212536603041", "migration", True)
        ],
    ),
    DemoOrganisation(
        key="commune-selouane",
        name_fr="Commune de Selouane",
        name_ar="جماعة سلوان",
        name_en="Municipality of Selouane",
        type=T.COMMUNE,
        commune=SELOUANE,
        covers=[SELOUANE],
        phone="+212536604050",
        email="contact@commune-selouane.example.org",
    ),
    DemoOrganisation(
        key="commune-zeghanghane",
        name_fr="Commune de Zeghanghane",
        name_ar="جماعة ازغنغان",
        name_en="Municipality of Zeghanghane",
        type=T.COMMUNE,
        commune=ZEGHANGHANE,
        covers=[ZEGHANGHANE],
        phone="+212536605060",
        email="contact@commune-zeghanghane.example.org",
    ),
    DemoOrganisation(
        key="commune-al-aaroui",
        name_fr="Commune d'Al Aaroui",
        name_ar="جماعة العروي",
        name_en="Municipality of Al Aaroui",
        type=T.COMMUNE,
        commune=AL_AAROUI,
        covers=[AL_AAROUI],
        phone="+212536606070",
        email="contact@commune-alaaroui.example.org",
    ),
    DemoOrganisation(
        key="commune-oujda",
        name_fr="Commune d'Oujda",
        name_ar="جماعة وجدة",
        name_en="Municipality of Oujda",
        type=T.COMMUNE,
        commune=OUJDA,
        covers=[OUJDA],
        sectors=["SNIA-05"],
        phone="+212536681020",
        email="contact@commune-oujda.example.org",
    ),
    # Public institutions.
    DemoOrganisation(
        key="cellule-tpi",
        name_fr=(
            "Cellule de prise en charge des femmes et enfants victimes de violence "
            "du tribunal de première instance de Nador"
        ),
        name_ar="خلية التكفل بالنساء والأطفال ضحايا العنف بالمحكمة الابتدائية بالناضور",
        name_en=("Unit for women and children victims of violence, Nador Court of First Instance"),
        acronym="CPC-TPI",
        type=T.PUBLIC_INSTITUTION,
        institution_sector=S.JUSTICE,
        commune=NADOR,
        covers=NADOR_AGGLOMERATION,
        sectors=["SNIA-08", "SNIA-10"],
        phone="+212536607080",
        email="cellule.tpi@justice-nador.example.org",
        focal_persons=[
            ("Latifa Bennani", "Référencement des victimes", "+212536607081", "cellule", True)
        ],
    ),
    DemoOrganisation(
        key="unite-hassan2",
        name_fr=(
            "Unité hospitalière de prise en charge des femmes et enfants victimes de violence "
            "— Hôpital Hassan II de Nador"
        ),
        name_ar=(
            "الوحدة الاستشفائية للتكفل بالنساء والأطفال ضحايا العنف بمستشفى الحسن الثاني بالناضور"
        ),
        name_en=(
            "Hospital unit for women and children victims of violence, Hassan II Hospital, Nador"
        ),
        acronym="UPEC-H2",
        type=T.PUBLIC_INSTITUTION,
        institution_sector=S.HEALTH,
        commune=NADOR,
        covers=NADOR_AGGLOMERATION,
        sectors=["SNIA-03"],
        phone="+212536608090",
        email="unite.violence@hopital-nador.example.org",
        focal_persons=[
            ("Dr Rachid Tahiri", "Prise en charge médicale", "+212536608091", "unite", True)
        ],
    ),
    DemoOrganisation(
        key="delegation-sante",
        name_fr="Délégation provinciale de la santé de Nador",
        name_ar="المندوبية الإقليمية للصحة بالناضور",
        name_en="Provincial Health Delegation of Nador",
        acronym="DPS Nador",
        type=T.PUBLIC_INSTITUTION,
        institution_sector=S.HEALTH,
        commune=NADOR,
        covers=NADOR_AGGLOMERATION,
        sectors=["SNIA-03"],
        phone="+212536609010",
        email="delegation@sante-nador.example.org",
    ),
    DemoOrganisation(
        key="direction-education",
        name_fr="Direction provinciale de l'éducation de Nador",
        name_ar="المديرية الإقليمية للتربية الوطنية بالناضور",
        name_en="Provincial Directorate of Education of Nador",
        acronym="DPE Nador",
        type=T.PUBLIC_INSTITUTION,
        institution_sector=S.EDUCATION,
        commune=NADOR,
        covers=NADOR_AGGLOMERATION,
        sectors=["SNIA-01"],
        phone="+212536610020",
        email="direction@education-nador.example.org",
    ),
    # Civil-society organisations.
    DemoOrganisation(
        key="afsr",
        name_fr="Association Femmes Solidaires du Rif",
        name_ar="جمعية نساء الريف المتضامنات",
        name_en="Rif Women in Solidarity Association",
        acronym="AFSR",
        type=T.CSO,
        commune=NADOR,
        covers=[NADOR, BENI_ANSAR, ZEGHANGHANE],
        sectors=["SNIA-03", "SNIA-05"],
        phone="+212536611030",
        email="contact@afsr.example.org",
        mandate="Écoute, accompagnement et orientation des femmes victimes de violence.",
        focal_persons=[("Fatima Zahra Idrissi", "Écoute", "+212536611031", "ecoute", True)],
    ),
    DemoOrganisation(
        key="aeas",
        name_fr="Association Enfance et Avenir de Selouane",
        name_ar="جمعية الطفولة والمستقبل بسلوان",
        name_en="Childhood and Future Association of Selouane",
        acronym="AEAS",
        type=T.CSO,
        commune=SELOUANE,
        covers=[SELOUANE, AL_AAROUI],
        sectors=["SNIA-01", "SNIA-02"],
        phone="+212536612040",
        email="contact@aeas.example.org",
        mandate="Soutien scolaire et activités de jeunesse pour les enfants migrants.",
        focal_persons=[("Youssef Chaoui", "Éducation", "+212536612041", "education", True)],
    ),
    DemoOrganisation(
        key="aoda",
        name_fr="Association Oriental Droits et Accompagnement",
        name_ar="جمعية الشرق للحقوق والمواكبة",
        name_en="Oriental Rights and Support Association",
        acronym="AODA",
        type=T.CSO,
        commune=OUJDA,
        covers=[OUJDA, NADOR],
        sectors=["SNIA-05", "SNIA-10"],
        phone="+212536682010",
        email="contact@aoda.example.org",
        mandate="Information juridique et accompagnement administratif des personnes migrantes.",
        focal_persons=[("Meryem Lahlou", "Juridique", "+212536682011", "juridique", True)],
    ),
    DemoOrganisation(
        key="aafe",
        name_fr="Association Al Amal pour la Formation et l'Emploi",
        name_ar="جمعية الأمل للتكوين والتشغيل",
        name_en="Al Amal Association for Training and Employment",
        acronym="AAFE",
        type=T.CSO,
        commune=BENI_ANSAR,
        covers=[BENI_ANSAR, NADOR, SELOUANE],
        sectors=["SNIA-06", "SNIA-07"],
        phone="+212536613050",
        email="contact@aafe.example.org",
        mandate="Formation professionnelle et insertion par l'emploi.",
        focal_persons=[("Omar Benjelloun", "Insertion", "+212536613051", "insertion", True)],
    ),
    # A migrant-led association.
    DemoOrganisation(
        key="ccsn",
        name_fr="Collectif des Communautés Subsahariennes de Nador",
        name_ar="تجمع الجاليات المنحدرة من إفريقيا جنوب الصحراء بالناضور",
        name_en="Collective of Sub-Saharan Communities in Nador",
        acronym="CCSN",
        type=T.MIGRANT_LED,
        commune=NADOR,
        covers=[NADOR, BENI_ANSAR],
        sectors=["SNIA-05", "SNIA-11"],
        phone="+212536614060",
        email="contact@ccsn.example.org",
        mandate="Représentation des communautés migrantes et médiation communautaire.",
        focal_persons=[("Aminata Diallo", "Médiation", "+212536614061", "mediation", True)],
    ),
]

MAIN_CSOS = [COORDINATING, "afsr", "aeas", "aoda", "aafe"]

USERS = [
    DemoUser(
        "admin@example.org",
        "Hicham Alaoui",
        platform_role=User.PlatformRole.ADMIN,
        job_title="Administrateur de la plateforme",
    ),
    DemoUser(
        "coordinator@example.org",
        "Samira El Ouazzani",
        organisation=COORDINATING,
        role=R.ADMIN,
        platform_role=User.PlatformRole.COORDINATOR,
        job_title="Coordinatrice",
        language="ar",
    ),
    DemoUser("aras.member@example.org", "Karim Boutaleb", COORDINATING, R.MEMBER, language="ar"),
    DemoUser("aras.readonly@example.org", "Ilham Saidi", COORDINATING, R.READONLY),
    DemoUser("afsr.admin@example.org", "Fatima Zahra Idrissi", "afsr", R.ADMIN, language="ar"),
    DemoUser("afsr.member@example.org", "Souad Kaddouri", "afsr", R.MEMBER),
    DemoUser("afsr.readonly@example.org", "Zineb Haddou", "afsr", R.READONLY),
    DemoUser("aeas.admin@example.org", "Youssef Chaoui", "aeas", R.ADMIN),
    DemoUser("aeas.member@example.org", "Hanane Mimouni", "aeas", R.MEMBER, language="ar"),
    DemoUser("aeas.readonly@example.org", "Mourad Azizi", "aeas", R.READONLY),
    DemoUser("aoda.admin@example.org", "Meryem Lahlou", "aoda", R.ADMIN),
    DemoUser("aoda.member@example.org", "Anas Berrada", "aoda", R.MEMBER),
    DemoUser("aoda.readonly@example.org", "Salma Ouali", "aoda", R.READONLY, language="ar"),
    DemoUser("aafe.admin@example.org", "Omar Benjelloun", "aafe", R.ADMIN),
    DemoUser("aafe.member@example.org", "Imane Bakkali", "aafe", R.MEMBER),
    DemoUser("aafe.readonly@example.org", "Reda Kharbouch", "aafe", R.READONLY),
    DemoUser("ccsn.admin@example.org", "Aminata Diallo", "ccsn", R.ADMIN, language="fr"),
    DemoUser("ccsn.member@example.org", "Jean-Baptiste Kouassi", "ccsn", R.MEMBER),
    DemoUser("nador.admin@example.org", "Nadia Amrani", "commune-nador", R.ADMIN, language="ar"),
    DemoUser("nador.member@example.org", "Mohamed Ziani", "commune-nador", R.MEMBER),
    DemoUser("beniansar.member@example.org", "Hamid Azzouzi", "commune-beni-ansar", R.MEMBER),
    DemoUser("selouane.member@example.org", "Khadija Boukili", "commune-selouane", R.MEMBER),
    DemoUser("zeghanghane.member@example.org", "Said Amarouch", "commune-zeghanghane", R.MEMBER),
    DemoUser("alaaroui.member@example.org", "Naima Rahmouni", "commune-al-aaroui", R.MEMBER),
    DemoUser("oujda.member@example.org", "Abdelkader Moussaoui", "commune-oujda", R.MEMBER),
    DemoUser("cellule.member@example.org", "Latifa Bennani", "cellule-tpi", R.MEMBER),
    DemoUser("unite.member@example.org", "Rachid Tahiri", "unite-hassan2", R.MEMBER),
    DemoUser("sante.member@example.org", "Loubna Chergui", "delegation-sante", R.MEMBER),
    DemoUser("education.member@example.org", "Driss Fassi", "direction-education", R.MEMBER),
]


@dataclass
class DemoReport:
    organisations: int = 0
    focal_persons: int = 0
    users: int = 0
    memberships: int = 0


class DemoDataError(Exception):
    """The reference data the demo needs (areas, sectors) is not loaded."""


def _areas(codes: list[str]) -> dict[str, Area]:
    found = Area.objects.in_bulk(codes, field_name="code")
    missing = sorted(set(codes) - set(found))
    if missing:
        raise DemoDataError(f"Areas missing (run load_areas first): {', '.join(missing)}")
    return found


def _sectors(codes: list[str]) -> dict[str, Sector]:
    found = Sector.objects.in_bulk(codes, field_name="code")
    missing = sorted(set(codes) - set(found))
    if missing:
        raise DemoDataError(f"Sectors missing (run load_sectors first): {', '.join(missing)}")
    return found


def _user(spec: DemoUser, report: DemoReport) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            email=spec.email,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            platform_role=spec.platform_role,
            preferred_language=spec.language,
            is_staff=spec.platform_role == User.PlatformRole.ADMIN,
            is_superuser=spec.platform_role == User.PlatformRole.ADMIN,
        )
        report.users += 1
    return user


def _organisation(spec: DemoOrganisation, *, actor, areas, sectors, report) -> Organisation:
    organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
    if organisation is None:
        organisation = actor_services.organisation_create(
            actor=actor,
            data={
                "name_fr": spec.name_fr,
                "name_ar": spec.name_ar,
                "name_en": spec.name_en,
                "acronym": spec.acronym,
                "type": spec.type,
                "institution_sector": spec.institution_sector,
                "mandate": spec.mandate,
                "address": spec.address,
                "commune": areas[spec.commune],
                "phone": spec.phone,
                "email": spec.email,
                "sectors": [sectors[code] for code in spec.sectors],
                "communes_covered": [areas[code] for code in spec.covers],
            },
            confirm_twins=True,
        )
        report.organisations += 1
    domain = spec.email.split("@", 1)[1]
    for full_name, role, phone, mailbox, is_public in spec.focal_persons:
        if FocalPerson.objects.filter(organisation=organisation, full_name=full_name).exists():
            continue
        actor_services.focal_person_create(
            actor=actor,
            organisation=organisation,
            data={
                "full_name": full_name,
                "role": role,
                "phone": phone,
                "email": f"{mailbox}@{domain}",
                "is_public": is_public,
            },
        )
        report.focal_persons += 1
    return organisation


@transaction.atomic
def demo_load() -> DemoReport:
    """Create whatever part of the demo data is missing; return what was created."""
    report = DemoReport()
    area_codes = sorted({code for org in ORGANISATIONS for code in [org.commune, *org.covers]})
    areas = _areas(area_codes)
    sectors = _sectors(sorted({code for org in ORGANISATIONS for code in org.sectors}))
    # The platform administrator registers the organisations, as a coordinator would.
    actor = _user(USERS[0], report)
    organisations = {
        spec.key: _organisation(spec, actor=actor, areas=areas, sectors=sectors, report=report)
        for spec in ORGANISATIONS
    }
    for spec in USERS:
        user = _user(spec, report)
        if not spec.organisation:
            continue
        _membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisations[spec.organisation],
            defaults={"role": spec.role, "job_title": spec.job_title},
        )
        report.memberships += created
    return report


@dataclass
class DemoLogin:
    email: str
    role: str
    organisation: str
    password: str


def demo_logins() -> list[DemoLogin]:
    """One line per role each demo user holds, for those demo users that exist."""
    users = {
        user.email: user for user in User.objects.filter(email__in=[spec.email for spec in USERS])
    }
    memberships = {
        (membership.user.email, membership.organisation_id): membership
        for membership in Membership.objects.filter(user__in=users.values()).select_related(
            "user", "organisation"
        )
    }
    rows = []
    for spec in USERS:
        user = users.get(spec.email)
        if user is None:
            continue
        if user.platform_role:
            rows.append(DemoLogin(user.email, user.platform_role, "", DEMO_PASSWORD))
        for (email, _organisation_id), membership in memberships.items():
            if email == user.email:
                role = membership.role
                if membership.case_role:
                    role = f"{role} + {membership.case_role}"
                rows.append(
                    DemoLogin(
                        user.email,
                        role,
                        membership.organisation.name_fr or membership.organisation.name,
                        DEMO_PASSWORD,
                    )
                )
    return rows
