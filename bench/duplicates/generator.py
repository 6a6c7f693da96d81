"""Realistic registries of initiatives and a labelled set of pairs for the duplicate finder.

Titles and descriptions are written in French, Arabic or English from the same activities,
groups and places, with the variants people really type: other wording, words in another order,
Latin transliterations of place names (Bni/Beni, Oulad/Ouled, a dropped vowel), Arabic written
with or without hamza and with the preposition glued to the place (بالناضور).

Pure Python: records are dicts; bench/duplicates/run.py writes them to the database.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN_CSV = ROOT / "madina" / "territory" / "data" / "oriental_admin.csv"

# activity: sector code, then (fr, ar, en) wordings — each a list of variants.
ACTIVITIES = {
    "caravan": (
        "SNIA-03",
        ["Caravane médicale", "Caravane de santé", "Caravane médicale multidisciplinaire"],
        ["قافلة طبية", "قافلة صحية", "قافلة طبية متعددة التخصصات"],
        ["Medical caravan", "Health caravan"],
    ),
    "gbv": (
        "SNIA-05",
        ["Sensibilisation aux violences basées sur le genre", "Campagne contre la VBG"],
        ["تحسيس بالعنف القائم على النوع", "حملة تحسيسية ضد العنف القائم على النوع"],
        ["Awareness on gender-based violence", "GBV awareness campaign"],
    ),
    "legal": (
        "SNIA-10",
        ["Accompagnement juridique", "Aide juridique et accompagnement"],
        ["المواكبة القانونية", "مساعدة قانونية ومواكبة"],
        ["Legal accompaniment", "Legal aid and accompaniment"],
    ),
    "school": (
        "SNIA-01",
        ["Scolarisation", "Soutien à la scolarisation"],
        ["تمدرس", "دعم التمدرس"],
        ["Schooling", "Schooling support"],
    ),
    "vocational": (
        "SNIA-06",
        ["Formation professionnelle", "Formation aux métiers"],
        ["التكوين المهني", "تكوين في المهن"],
        ["Vocational training", "Training in trades"],
    ),
    "shelter": (
        "SNIA-04",
        ["Hébergement d'urgence", "Mise à l'abri"],
        ["إيواء استعجالي", "الإيواء"],
        ["Emergency shelter", "Shelter"],
    ),
    "psychosocial": (
        "SNIA-03",
        ["Soutien psychosocial", "Accompagnement psychologique"],
        ["الدعم النفسي الاجتماعي", "المواكبة النفسية"],
        ["Psychosocial support", "Psychological accompaniment"],
    ),
    "food": (
        "SNIA-05",
        ["Distribution de paniers alimentaires", "Distribution alimentaire"],
        ["توزيع قفف غذائية", "توزيع مواد غذائية"],
        ["Food basket distribution", "Food distribution"],
    ),
    "language": (
        "SNIA-01",
        ["Cours de langue arabe", "Cours de darija"],
        ["دروس اللغة العربية", "دروس الدارجة"],
        ["Arabic language classes", "Darija classes"],
    ),
    "insertion": (
        "SNIA-07",
        ["Insertion socio-économique", "Appui à l'insertion économique"],
        ["الإدماج الاقتصادي", "دعم الإدماج الاقتصادي"],
        ["Economic insertion", "Support to economic insertion"],
    ),
    "vaccination": (
        "SNIA-03",
        ["Campagne de vaccination", "Vaccination"],
        ["حملة تلقيح", "التلقيح"],
        ["Vaccination campaign", "Vaccination drive"],
    ),
    "listening": (
        "SNIA-05",
        ["Cellule d'écoute", "Centre d'écoute"],
        ["خلية الإنصات", "مركز الاستماع"],
        ["Listening unit", "Listening centre"],
    ),
    "birth": (
        "SNIA-10",
        ["Enregistrement des naissances à l'état civil", "Déclaration des naissances"],
        ["تسجيل الولادات في الحالة المدنية", "التسجيل في الحالة المدنية"],
        ["Birth registration", "Civil registration of births"],
    ),
    "sport": (
        "SNIA-02",
        ["Tournoi sportif de cohésion sociale", "Activités sportives et vivre-ensemble"],
        ["دوري رياضي للتماسك الاجتماعي", "أنشطة رياضية والتعايش"],
        ["Sports tournament for social cohesion", "Sport and living together"],
    ),
    "maternal": (
        "SNIA-03",
        ["Suivi des femmes enceintes", "Suivi de la grossesse"],
        ["تتبع النساء الحوامل", "تتبع الحمل"],
        ["Follow-up of pregnant women", "Pregnancy follow-up"],
    ),
    "winter": (
        "SNIA-05",
        ["Distribution de couvertures d'hiver", "Campagne hiver"],
        ["توزيع أغطية الشتاء", "حملة الشتاء"],
        ["Winter blanket distribution", "Winter campaign"],
    ),
    "mediation": (
        "SNIA-11",
        ["Médiation interculturelle", "Médiateurs interculturels"],
        ["الوساطة بين الثقافات", "وسطاء بين الثقافات"],
        ["Cultural mediation", "Cultural mediators"],
    ),
    "advocacy": (
        "SNIA-11",
        ["Plaidoyer pour les droits", "Plaidoyer et droits"],
        ["الترافع من أجل الحقوق", "الترافع والحقوق"],
        ["Advocacy for rights", "Rights advocacy"],
    ),
    "literacy": (
        "SNIA-01",
        ["Alphabétisation", "Cours d'alphabétisation"],
        ["محو الأمية", "دروس محو الأمية"],
        ["Literacy", "Literacy classes"],
    ),
    "hygiene": (
        "SNIA-05",
        ["Distribution de kits d'hygiène", "Kits d'hygiène"],
        ["توزيع حقائب النظافة", "حقائب النظافة"],
        ["Hygiene kit distribution", "Hygiene kits"],
    ),
}
ACTIVITY_WEIGHTS = {"caravan": 3, "gbv": 3, "legal": 3, "food": 3, "school": 2, "vocational": 2}

GROUPS = {
    "women": (
        ["des femmes migrantes", "des femmes"],
        ["النساء المهاجرات", "النساء"],
        ["migrant women", "women"],
    ),
    "girls": (["des filles", "des jeunes filles"], ["الفتيات"], ["girls"]),
    "unaccompanied-children": (
        ["des mineurs non accompagnés", "des enfants non accompagnés"],
        ["الأطفال غير المرفقين", "القاصرين غير المصحوبين"],
        ["unaccompanied minors", "unaccompanied children"],
    ),
    "youth": (
        ["des jeunes migrants", "des jeunes"],
        ["الشباب المهاجرين", "الشباب"],
        ["young migrants", "youth"],
    ),
    "irregular-migrants": (
        ["des migrants en situation irrégulière", "des migrants sans papiers"],
        ["المهاجرين في وضعية غير نظامية", "المهاجرين غير النظاميين"],
        ["migrants in an irregular situation", "undocumented migrants"],
    ),
    "refugees-asylum-seekers": (
        ["des réfugiés et demandeurs d'asile", "des réfugiés"],
        ["اللاجئين وطالبي اللجوء", "اللاجئين"],
        ["refugees and asylum seekers", "refugees"],
    ),
    "returnees": (["des migrants de retour"], ["المهاجرين العائدين"], ["returnees"]),
    "host-community": (
        ["de la communauté d'accueil"],
        ["المجتمع المضيف"],
        ["the host community"],
    ),
}
CONNECTORS = {
    "fr": ["au profit", "en faveur"],
    "ar": ["لفائدة", "لصالح", "من أجل"],
    "en": ["for", "targeting"],
}
PROJECT_NAMES = ["Amal", "Tadamon", "Karama", "Nour", "Hayat", "Wifaq", "Massar", "Tawasol"]
SYLLABLES = [
    "ti",
    "li",
    "la",
    "a",
    "nir",
    "taf",
    "sut",
    "iz",
    "ur",
    "an",
    "mo",
    "ra",
    "ka",
    "zu",
    "ha",
    "di",
    "ya",
    "ma",
    "ssa",
    "ou",
    "tar",
    "ga",
    "bel",
    "sa",
]
LEXICON_CSV = ROOT / "madina" / "core" / "data" / "lexicon.csv"
FOCUS = {"fr": "volet", "ar": "محور", "en": "component:"}


def _focus_forms() -> list[dict]:
    """Words of the domain in three languages (from the lexicon) to tell initiatives apart."""
    with LEXICON_CSV.open(encoding="utf-8") as file:
        return [
            {language: row[language].split("|")[0] for language in ("fr", "ar", "en")}
            for row in csv.DictReader(file)
            if float(row["weight"]) >= 1
        ]


BIG_COMMUNES = {
    "Oujda": 30,
    "Nador": 30,
    "Berkane": 12,
    "Taourirt": 10,
    "Guercif": 8,
    "Jerada": 6,
    "Driouch": 6,
    "Zaio": 6,
    "Al Aaroui": 8,
    "Bni Ansar": 10,
    "Selouane": 6,
    "Ahfir": 5,
    "Saidia": 4,
    "Bouarfa": 4,
    "Figuig": 3,
    "El Aioun Sidi Mellouk": 4,
    "Zeghanghane": 5,
}
LATIN_VARIANTS = [
    ("Bni ", "Beni "),
    ("Beni ", "Bni "),
    ("Oulad ", "Ouled "),
    ("Ouled ", "Oulad "),
    ("Al ", "El "),
    ("El ", "Al "),
    ("Zeghanghane", "Zghanghane"),
    ("Selouane", "Slouane"),
    ("Ain ", "Aïn "),
    ("Oujda", "Oujda"),
    ("Nador", "Nador"),
    ("Saidia", "Saïdia"),
]
LANGUAGES = ["fr"] * 50 + ["ar"] * 35 + ["en"] * 15


@dataclass(frozen=True)
class Commune:
    code: str
    province: str
    fr: str
    ar: str


@dataclass
class Draft:
    """One initiative to write: every field the finder reads, with codes for related rows."""

    title: str
    description: str
    language: str
    activity: str
    sector: str
    communes: list[str]
    groups: list[str]
    start: datetime.date
    end: datetime.date
    organisation: int
    cancelled: bool = False
    extra: dict = field(default_factory=dict)


def load_communes() -> list[Commune]:
    with ADMIN_CSV.open(encoding="utf-8") as file:
        return [
            Commune(row["code"], row["parent_code"], row["name_fr"], row["name_ar"])
            for row in csv.DictReader(file)
            if row["level"] == "commune"
        ]


class Generator:
    def __init__(self, seed: int = 7, organisations: int = 150, years: float = 4.4):
        self.random = random.Random(seed)
        # The period the registry covers: completed work is never deleted, so a large registry
        # is an old one (about 4,500 new initiatives a year across the region).
        self.days = int(years * 365)
        self.communes = load_communes()
        self.weights = [BIG_COMMUNES.get(c.fr, 1) for c in self.communes]
        self.organisations = organisations
        self.activities = list(ACTIVITIES)
        self.focus = _focus_forms()
        self.projects = list(
            dict.fromkeys(
                "".join(
                    self.random.choice(SYLLABLES) for _ in range(self.random.randint(2, 3))
                ).capitalize()
                for _ in range(600)
            )
        )
        self.activity_weights = [ACTIVITY_WEIGHTS.get(a, 1) for a in self.activities]

    # --- wording -------------------------------------------------------------------------------

    def place_name(self, commune: Commune, language: str) -> str:
        if language == "ar":
            return commune.ar
        name = commune.fr
        if self.random.random() < 0.5:
            for old, new in LATIN_VARIANTS:
                if old in name + " ":
                    return (name + " ").replace(old, new, 1).strip()
        return name

    def place(self, commune: Commune, language: str) -> str:
        r = self.random
        if language == "ar":
            name = commune.ar
            if r.random() < 0.5:
                name = name.replace("ا", "أ", 1) if name.startswith("ا") else name
            form = r.choice(["glued", "fi", "jamaa"])
            if form == "glued":
                return "ب" + name
            return ("في " if form == "fi" else "بجماعة ") + name
        name = commune.fr
        if r.random() < 0.5:
            for old, new in LATIN_VARIANTS:
                if old in name + " ":
                    name = (name + " ").replace(old, new, 1).strip()
                    break
        if language == "fr":
            return r.choice(["à ", "dans la commune de ", "- "]) + name
        return r.choice(["in ", "- "]) + name

    def title(self, activity: str, group: str, commune: Commune | None, language: str) -> str:
        r = self.random
        index = {"fr": 1, "ar": 2, "en": 3}[language]
        what = r.choice(ACTIVITIES[activity][index])
        whom = r.choice(GROUPS[group][index - 1])
        parts = [what, r.choice(CONNECTORS[language]), whom]
        if commune is not None and r.random() < 0.2:  # words in another order: the place first
            return f"{self.place_name(commune, language)}: " + " ".join(parts)
        if commune is not None:
            parts.append(self.place(commune, language))
        return " ".join(parts)

    def description(self, activity: str, group: str, commune: Commune, language: str) -> str:
        index = {"fr": 1, "ar": 2, "en": 3}[language]
        what = self.random.choice(ACTIVITIES[activity][index])
        whom = self.random.choice(GROUPS[group][index - 1])
        if language == "fr":
            return f"{what} {whom}, avec les acteurs locaux de {commune.fr}. Suivi mensuel."
        if language == "ar":
            return f"{what} {whom} بتنسيق مع الفاعلين المحليين في {commune.ar}. تتبع شهري."
        return f"{what} for {whom}, with the local actors of {commune.fr}. Monthly follow-up."

    # --- records -------------------------------------------------------------------------------

    def commune(self) -> Commune:
        return self.random.choices(self.communes, self.weights)[0]

    def dates(self) -> tuple[datetime.date, datetime.date]:
        first = datetime.date(2026, 6, 30) - datetime.timedelta(days=self.days)
        start = first + datetime.timedelta(days=self.random.randint(0, self.days))
        return start, start + datetime.timedelta(days=self.random.randint(30, 540))

    def draft(self, **fixed) -> Draft:
        r = self.random
        activity = fixed.get("activity") or r.choices(self.activities, self.activity_weights)[0]
        group = fixed.get("group") or r.choice(list(GROUPS))
        language = fixed.get("language") or r.choice(LANGUAGES)
        communes = fixed.get("communes") or [self.commune()]
        if "communes" not in fixed and r.random() < 0.15:
            communes.append(self.commune())
        start, end = fixed.get("dates") or self.dates()
        title = self.title(activity, group, communes[0] if r.random() < 0.85 else None, language)
        # What makes one initiative itself: a focus, a project name (half the labelled pairs go
        # without them, the harder case).
        focus = fixed.get("focus", r.choice(self.focus) if r.random() < 0.85 else None)
        project = fixed.get("project", r.choice(self.projects) if r.random() < 0.7 else None)
        if focus and not fixed.get("plain"):
            title += f", {FOCUS[language]} {focus[language]}"
        if project and not fixed.get("plain"):
            word = {"fr": "projet", "ar": "مشروع", "en": "project"}[language]
            title += f" — {word} {project}"
        return Draft(
            title=title,
            description=self.description(activity, group, communes[0], language)
            if r.random() < 0.7
            else "",
            language=language,
            activity=activity,
            sector=fixed.get("sector") or ACTIVITIES[activity][0],
            communes=[c.code for c in dict.fromkeys(communes)],
            groups=[group],
            start=start,
            end=end,
            organisation=fixed.get("organisation", r.randrange(self.organisations)),
            cancelled=fixed.get("cancelled", r.random() < 0.05),
            extra={"focus": focus, "project": project, "plain": bool(fixed.get("plain"))},
        )

    def registry(self, size: int) -> list[Draft]:
        return [self.draft() for _ in range(size)]

    def labelled_pairs(self, duplicates=150, overlaps=60, distinct=150) -> list[tuple]:
        """(first, second, label, kind): label True when the finder should propose the pair."""
        r = self.random
        pairs = []

        def other_language(language):
            return r.choice([code for code in ("fr", "ar", "en") if code != language])

        for _ in range(duplicates):
            base = self.draft(cancelled=False, plain=r.random() < 0.5)
            commune_objects = [c for c in self.communes if c.code in base.communes]
            shift = datetime.timedelta(days=r.randint(-30, 30))
            language = other_language(base.language) if r.random() < 0.6 else base.language
            second = self.draft(
                activity=base.activity,
                group=base.groups[0],
                language=language,
                communes=commune_objects,
                dates=(base.start + shift, base.end + shift),
                sector=base.sector if r.random() < 0.9 else "SNIA-05",
                cancelled=False,
                focus=base.extra["focus"],
                project=base.extra["project"],
                plain=base.extra["plain"],
            )
            pairs.append((base, second, True, "duplicate"))
        for _ in range(overlaps):
            base = self.draft(cancelled=False, plain=r.random() < 0.5)
            commune_objects = [c for c in self.communes if c.code in base.communes]
            neighbours = [c for c in self.communes if c.province == commune_objects[0].province]
            span = (base.end - base.start).days
            shift = datetime.timedelta(days=int(span * r.uniform(0.3, 0.6)))
            second = self.draft(
                activity=base.activity,
                group=base.groups[0],
                language=r.choice(["fr", "ar", "en"]),
                communes=[commune_objects[0], r.choice(neighbours)],
                dates=(base.start + shift, base.end + shift),
                cancelled=False,
                focus=base.extra["focus"],
                project=base.extra["project"],
                plain=base.extra["plain"],
            )
            pairs.append((base, second, True, "overlap"))
        kinds = ["other commune", "other period", "other activity"]
        for index in range(distinct):
            kind = kinds[index % 3]
            base = self.draft(cancelled=False, plain=r.random() < 0.5)
            commune_objects = [c for c in self.communes if c.code in base.communes]
            fixed = {
                "activity": base.activity,
                "group": base.groups[0],
                "communes": commune_objects,
                "dates": (base.start, base.end),
                "language": r.choice([base.language, other_language(base.language)]),
                "cancelled": False,
                "focus": base.extra["focus"],
                "project": base.extra["project"],
                "plain": base.extra["plain"],
            }
            if kind == "other commune":
                elsewhere = [c for c in self.communes if c.province != commune_objects[0].province]
                fixed["communes"] = [r.choice(elsewhere)]
            elif kind == "other period":
                later = datetime.timedelta(days=(base.end - base.start).days + r.randint(200, 400))
                fixed["dates"] = (base.start + later, base.end + later)
            else:
                fixed["activity"] = r.choice([a for a in self.activities if a != base.activity])
                fixed.pop("focus")
                fixed.pop("project")
            pairs.append((base, self.draft(**fixed), False, kind))
        return pairs
