"""Demonstration services in Nador and the Oriental, the specialised cells among them.

The cells for women and children victims of violence (Law 103-13) are services of their
institutions: the court cell of the Nador court of first instance and the hospital unit of the
Hassan II hospital (both demo organisations of ``madina.core.demo``), and the cells of the
provincial police and of the royal gendarmerie, whose institutions are added here. The
associations' services come from the core demo organisations. Everything is invented except the
places; phone numbers and addresses are fictional.

Written through the services (validation, audit trail), like the pages. Idempotent: an
organisation is found again by French name and type, a service by organisation and French name,
a focal person by organisation and name; nothing existing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from madina.accounts.models import User
from madina.actors import services as actor_services
from madina.actors.models import FocalPerson, Organisation
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.directory import services
from madina.directory.models import Service
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
T = Organisation.Type
S = Organisation.InstitutionSector

# Institutions that the core demo does not have: (French name, Arabic name, English name,
# acronym, sector, phone, e-mail, focal person, their role).
INSTITUTIONS = [
    (
        "Sûreté provinciale de Nador",
        "الأمن الإقليمي بالناظور",
        "Nador Provincial Police",
        "SP Nador",
        S.POLICE,
        "+212536600190",
        "surete@police-nador.example.org",
        "Commissaire Houda Benali",
        "Cellule de prise en charge des femmes et enfants victimes de violence",
    ),
    (
        "Compagnie de la Gendarmerie royale de Nador",
        "سرية الدرك الملكي بالناظور",
        "Royal Gendarmerie Company of Nador",
        "GR Nador",
        S.GENDARMERIE,
        "+212536600177",
        "compagnie@gendarmerie-nador.example.org",
        "Adjudant Karima Ouazzani",
        "Cellule de prise en charge des femmes et enfants victimes de violence",
    ),
]


@dataclass
class DemoService:
    organisation: str  # French name of the organisation
    name_fr: str
    name_ar: str
    name_en: str
    type: str
    description_fr: str = ""
    description_ar: str = ""
    cell_kind: str = ""
    languages: list[str] = field(default_factory=lambda: ["ar", "ary", "fr"])
    communes: list[str] = field(default_factory=lambda: core_demo.NADOR_AGGLOMERATION)
    commune: str = core_demo.NADOR
    address: str = ""
    opening_hours: str = "Du lundi au vendredi, 8 h 30 – 16 h 30"
    eligibility: str = ""
    how_to_access: str = ""
    focal_person: str = ""  # full name of a focal person of the organisation: accepts referrals
    cost: str = Service.Cost.FREE
    phone: str = ""
    without_papers: str = Service.WithoutPapers.NOT_SAID


def _org_name(key: str) -> str:
    return next(spec.name_fr for spec in core_demo.ORGANISATIONS if spec.key == key)


VICTIMS = "Femmes et enfants victimes de violence, quelle que soit leur nationalité ou leur statut."
SERVICES = [
    DemoService(
        organisation=_org_name("cellule-tpi"),
        name_fr="Cellule de prise en charge des femmes et enfants victimes de violence — tribunal",
        name_ar="خلية التكفل بالنساء والأطفال ضحايا العنف بالمحكمة الابتدائية",
        name_en="Court cell for women and children victims of violence",
        type=Service.Type.POLICE_JUSTICE,
        cell_kind=Service.CellKind.COURT,
        description_fr="Accueil, écoute, orientation juridique et suivi des plaintes.",
        description_ar="الاستقبال والاستماع والتوجيه القانوني وتتبع الشكايات.",
        address="Tribunal de première instance, boulevard des FAR",
        eligibility=VICTIMS,
        how_to_access="Se présenter au tribunal ou être orienté par une association.",
        focal_person="Latifa Bennani",
    ),
    DemoService(
        organisation=_org_name("unite-hassan2"),
        name_fr="Unité hospitalière de prise en charge des femmes et enfants victimes de violence",
        name_ar="الوحدة الاستشفائية للتكفل بالنساء والأطفال ضحايا العنف",
        name_en="Hospital unit for women and children victims of violence",
        type=Service.Type.MEDICAL,
        cell_kind=Service.CellKind.HOSPITAL,
        description_fr="Soins, certificat médical, soutien psychologique, jour et nuit.",
        description_ar="العلاجات والشهادة الطبية والدعم النفسي، ليلاً ونهاراً.",
        address="Hôpital Hassan II, service des urgences",
        opening_hours="Tous les jours, 24 h sur 24",
        eligibility=VICTIMS,
        how_to_access="Aux urgences de l'hôpital, sans rendez-vous.",
        focal_person="Dr Rachid Tahiri",
    ),
    DemoService(
        organisation=INSTITUTIONS[0][0],
        name_fr="Cellule de la police pour les femmes et enfants victimes de violence",
        name_ar="خلية الشرطة للتكفل بالنساء والأطفال ضحايا العنف",
        name_en="Police cell for women and children victims of violence",
        type=Service.Type.POLICE_JUSTICE,
        cell_kind=Service.CellKind.POLICE,
        description_fr="Réception des plaintes et protection, en milieu urbain.",
        description_ar="تلقي الشكايات والحماية، بالوسط الحضري.",
        communes=[core_demo.NADOR, core_demo.BENI_ANSAR, core_demo.SELOUANE],
        opening_hours="Tous les jours, 24 h sur 24",
        eligibility=VICTIMS,
        focal_person=INSTITUTIONS[0][7],
    ),
    DemoService(
        organisation=INSTITUTIONS[1][0],
        name_fr="Cellule de la gendarmerie pour les femmes et enfants victimes de violence",
        name_ar="خلية الدرك للتكفل بالنساء والأطفال ضحايا العنف",
        name_en="Gendarmerie cell for women and children victims of violence",
        type=Service.Type.POLICE_JUSTICE,
        cell_kind=Service.CellKind.GENDARMERIE,
        description_fr="Réception des plaintes et protection, en milieu rural.",
        description_ar="تلقي الشكايات والحماية، بالوسط القروي.",
        communes=[core_demo.ZEGHANGHANE, core_demo.AL_AAROUI, core_demo.SELOUANE],
        commune=core_demo.NADOR,
        opening_hours="Tous les jours, 24 h sur 24",
        eligibility=VICTIMS,
        focal_person=INSTITUTIONS[1][7],
    ),
    DemoService(
        organisation=_org_name("afsr"),
        name_fr="Écoute et orientation des femmes",
        name_ar="الاستماع والتوجيه للنساء",
        name_en="Listening and guidance for women",
        type=Service.Type.PSYCHOSOCIAL,
        description_fr="Écoute, accompagnement vers les cellules et soutien psychosocial.",
        description_ar="الاستماع والمواكبة نحو الخلايا والدعم النفسي والاجتماعي.",
        languages=["ar", "ary", "tzm", "fr", "en"],
        communes=[core_demo.NADOR, core_demo.BENI_ANSAR, core_demo.ZEGHANGHANE],
        how_to_access="Permanence sans rendez-vous, ou par téléphone.",
        focal_person="Fatima Zahra Idrissi",
    ),
    DemoService(
        organisation=_org_name("aoda"),
        name_fr="Information juridique et aide aux démarches",
        name_ar="الإرشاد القانوني والمساعدة في الإجراءات الإدارية",
        name_en="Legal information and help with procedures",
        type=Service.Type.LEGAL,
        languages=["ar", "fr", "en", "es"],
        communes=[core_demo.OUJDA, core_demo.NADOR],
        commune=core_demo.OUJDA,
        focal_person="Meryem Lahlou",
    ),
    DemoService(
        organisation=_org_name("aeas"),
        name_fr="Soutien scolaire pour les enfants",
        name_ar="الدعم المدرسي للأطفال",
        name_en="School support for children",
        type=Service.Type.EDUCATION,
        communes=[core_demo.SELOUANE, core_demo.AL_AAROUI],
        commune=core_demo.SELOUANE,
        opening_hours="Mercredi et samedi après-midi",
    ),
    DemoService(
        organisation=_org_name("aafe"),
        name_fr="Formation professionnelle courte",
        name_ar="تكوين مهني قصير المدة",
        name_en="Short vocational training",
        type=Service.Type.LIVELIHOOD,
        communes=[core_demo.BENI_ANSAR, core_demo.NADOR, core_demo.SELOUANE],
        commune=core_demo.BENI_ANSAR,
        cost=Service.Cost.SLIDING,
    ),
    DemoService(
        organisation=_org_name("delegation-sante"),
        name_fr="Centre de santé urbain de Beni Ansar",
        name_ar="المركز الصحي الحضري ببني أنصار",
        name_en="Beni Ansar urban health centre",
        type=Service.Type.MEDICAL,
        description_fr="Consultations, vaccinations, suivi de grossesse et soins de base.",
        description_ar="الفحوصات والتلقيح وتتبع الحمل والعلاجات الأساسية.",
        communes=[core_demo.BENI_ANSAR],
        commune=core_demo.BENI_ANSAR,
        address="Avenue Mohammed V, Beni Ansar",
        opening_hours="Du lundi au vendredi, 8 h – 16 h 30",
        how_to_access="Se présenter à l'accueil, avec ou sans papiers.",
        phone="+212536608800",
        without_papers=Service.WithoutPapers.YES,
    ),
]


def _institution(actor, spec, areas) -> Organisation:
    name_fr, name_ar, name_en, acronym, sector, phone, email, person, role = spec
    organisation = Organisation.objects.filter(name_fr=name_fr, type=T.PUBLIC_INSTITUTION).first()
    if organisation is None:
        organisation = actor_services.organisation_create(
            actor=actor,
            data={
                "name_fr": name_fr,
                "name_ar": name_ar,
                "name_en": name_en,
                "acronym": acronym,
                "type": T.PUBLIC_INSTITUTION,
                "institution_sector": sector,
                "commune": areas[core_demo.NADOR],
                "phone": phone,
                "email": email,
                "communes_covered": [areas[code] for code in core_demo.NADOR_AGGLOMERATION],
            },
            confirm_twins=True,
        )
    if not FocalPerson.objects.filter(organisation=organisation, full_name=person).exists():
        actor_services.focal_person_create(
            actor=actor,
            organisation=organisation,
            data={"full_name": person, "role": role, "phone": phone, "is_public": True},
        )
    return organisation


@transaction.atomic
def directory_demo_load() -> int:
    """Create the demo services that are missing; return how many were created."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    if actor is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    codes = sorted({code for spec in SERVICES for code in [spec.commune, *spec.communes]})
    areas = Area.objects.in_bulk(codes, field_name="code")
    if len(areas) != len(codes):
        raise DemoDataError("Areas missing (run load_areas first).")
    for spec in INSTITUTIONS:
        _institution(actor, spec, areas)
    created = 0
    for spec in SERVICES:
        organisation = Organisation.objects.filter(name_fr=spec.organisation).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation missing: {spec.organisation}")
        if Service.objects.filter(organisation=organisation, name_fr=spec.name_fr).exists():
            continue
        person = None
        if spec.focal_person:
            person = FocalPerson.objects.filter(
                organisation=organisation, full_name=spec.focal_person
            ).first()
        services.service_create(
            actor=actor,
            organisation=organisation,
            data={
                "name_fr": spec.name_fr,
                "name_ar": spec.name_ar,
                "name_en": spec.name_en,
                "description_fr": spec.description_fr,
                "description_ar": spec.description_ar,
                "type": spec.type,
                "cost": spec.cost,
                "languages": spec.languages,
                "opening_hours": spec.opening_hours,
                "eligibility": spec.eligibility,
                "how_to_access": spec.how_to_access,
                "address": spec.address,
                "commune": areas[spec.commune],
                "communes_served": [areas[code] for code in spec.communes],
                "accepts_referrals": person is not None,
                "referral_focal_point": person,
                "is_specialised_cell": bool(spec.cell_kind),
                "cell_kind": spec.cell_kind,
                "phone": spec.phone,
                "without_papers": spec.without_papers,
            },
        )
        created += 1
    return created
