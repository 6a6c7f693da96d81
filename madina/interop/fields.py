"""The fields a 3W sheet can fill, and how a column is recognised as one of them.

A column is proposed for a field by its HXL hashtag when the file has a hashtag row (the tags of
research note (b)1, which the HXL export writes, so that an export imports back), else by its
header, compared after ``madina.core.text.normalise`` with the usual headers in Arabic, French
and English. The person importing confirms or changes every proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madina.core.text import normalise


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    # HXL hashtags as (hashtag, attributes that must be present, attributes that must not be).
    tags: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = ()
    headers: tuple[str, ...] = ()
    help: str | Promise = ""


def _tag(hashtag: str, *required: str, without: tuple[str, ...] = ()):
    return (hashtag, frozenset(required), frozenset(without))


LIST_SEPARATORS = ";|،\n"

FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "external_id",
        _("record identifier"),
        (_tag("#meta", "id"),),
        (
            "record id",
            "id",
            "external id",
            "identifiant",
            "identifier",
            "ref",
            "reference",
            "المعرف",
        ),
        _(
            "Keeps re-imports stable. Without it, the identifier is derived from the lead "
            "organisation, the title and the start date."
        ),
    ),
    ImportField(
        "title",
        _("title"),
        (_tag("#activity", "name"), _tag("#activity", without=("code", "type"))),
        (
            "title",
            "titre",
            "activity",
            "activite",
            "intitule",
            "initiative",
            "project",
            "projet",
            "العنوان",
            "عنوان",
            "النشاط",
            "المبادرة",
        ),
    ),
    ImportField(
        "description",
        _("description"),
        (_tag("#description"),),
        ("description", "الوصف"),
    ),
    ImportField(
        "lead_organisation",
        _("lead organisation"),
        (
            _tag("#org", "prog", without=("code", "type")),
            _tag(
                "#org",
                without=("impl", "funder", "funding", "technical", "partner", "code", "type"),
            ),
        ),
        (
            "lead organisation",
            "lead org",
            "organisation",
            "organization",
            "org",
            "organisation chef de file",
            "porteur",
            "الجهة الحاملة",
            "الجهة",
            "المنظمة",
            "الجمعية",
        ),
    ),
    ImportField(
        "implementing_partners",
        _("implementing partners"),
        (_tag("#org", "impl", without=("type", "code")),),
        (
            "implementing partner",
            "implementing partners",
            "partenaire",
            "partenaires",
            "partenaire de mise en oeuvre",
            "الشريك المنفذ",
            "الشركاء المنفذون",
        ),
        _("Several names are separated by “;”."),
    ),
    ImportField(
        "technical_partners",
        _("technical partners"),
        (_tag("#org", "technical", without=("type", "code")),),
        (
            "technical partner",
            "technical partners",
            "partenaire technique",
            "partenaires techniques",
            "appui technique",
            "الشريك التقني",
            "الشركاء التقنيون",
            "الشركاء التقنيين",
        ),
        _("Several names are separated by “;”."),
    ),
    ImportField(
        "funding_partners",
        _("funding partners"),
        (
            _tag("#org", "funding", without=("type", "code")),
            _tag("#org", "funder", "partner", without=("type", "code")),
        ),
        (
            "funding partner",
            "funding partners",
            "partenaire financier",
            "partenaires financiers",
            "cofinanceurs",
            "الشريك الممول",
            "الشركاء الممولون",
            "الشركاء الممولين",
        ),
        _("Several names are separated by “;”."),
    ),
    ImportField(
        "funder",
        _("funder"),
        (_tag("#org", "funder", without=("partner",)),),
        (
            "donor",
            "funder",
            "bailleur",
            "bailleur de fonds",
            "financeur",
            "الجهة الممولة",
            "الممول",
        ),
    ),
    ImportField(
        "sector",
        _("sector"),
        (_tag("#sector", "name"), _tag("#sector", "code"), _tag("#sector")),
        ("sector", "secteur", "sector code", "code secteur", "programme", "القطاع", "البرنامج"),
    ),
    ImportField(
        "subsector",
        _("sub-sector"),
        (_tag("#subsector"),),
        ("sub sector", "subsector", "sous secteur", "القطاع الفرعي"),
    ),
    ImportField(
        "activity_type",
        _("activity type"),
        (_tag("#activity", "code"), _tag("#activity", "type")),
        ("activity type", "type d activite", "type activite", "activity code", "نوع النشاط"),
    ),
    ImportField(
        "communes",
        _("communes"),
        (_tag("#loc", "name"), _tag("#adm3", "name"), _tag("#loc"), _tag("#adm3")),
        ("commune", "communes", "site", "location", "localite", "الجماعة", "الجماعات"),
        _("Several names are separated by “;”."),
    ),
    ImportField(
        "province",
        _("province or prefecture"),
        (_tag("#adm2", "name"), _tag("#adm2", without=("code",))),
        ("province", "prefecture", "admin 2", "الإقليم", "العمالة"),
        _("Used only to tell apart communes that share a name."),
    ),
    ImportField(
        "target_groups",
        _("target groups"),
        (_tag("#beneficiary"),),
        (
            "target groups",
            "target group",
            "population group",
            "groupes cibles",
            "groupe cible",
            "beneficiaires",
            "public cible",
            "الفئات المستهدفة",
            "الفئة المستهدفة",
        ),
        _("Several names are separated by “;”."),
    ),
    ImportField(
        "status",
        _("status"),
        (_tag("#status"),),
        ("status", "statut", "etat", "الحالة", "الوضعية"),
    ),
    ImportField(
        "start_date",
        _("start date"),
        (_tag("#date", "start"),),
        ("start", "start date", "date de debut", "debut", "تاريخ البدء", "تاريخ الانطلاق"),
    ),
    ImportField(
        "end_date",
        _("end date"),
        (_tag("#date", "end"),),
        ("end", "end date", "date de fin", "fin", "تاريخ الانتهاء", "تاريخ النهاية"),
    ),
    ImportField(
        "budget",
        _("budget"),
        (_tag("#value", "budget"),),
        ("budget", "montant", "الميزانية"),
    ),
    ImportField(
        "currency",
        _("currency"),
        (_tag("#currency"),),
        ("currency", "devise", "monnaie", "العملة"),
    ),
    ImportField(
        "target_people",
        _("people targeted"),
        (_tag("#targeted"),),
        (
            "targeted",
            "targeted total",
            "people targeted",
            "cibles",
            "personnes ciblees",
            "nombre de personnes ciblees",
            "عدد المستهدفين",
        ),
    ),
    ImportField("latitude", _("latitude"), (_tag("#geo", "lat"),), ("latitude", "lat")),
    ImportField("longitude", _("longitude"), (_tag("#geo", "lon"),), ("longitude", "lon", "lng")),
    ImportField(
        "language",
        _("language of the text"),
        (_tag("#meta", "lang"),),
        ("language", "langue", "اللغة"),
    ),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
REQUIRED = ("title", "sector", "communes")


def _tag_matches(tag: str, spec) -> bool:
    hashtag, required, excluded = spec
    parts = tag.split("+")
    attributes = set(parts[1:])
    return parts[0] == hashtag and required <= attributes and not excluded & attributes


def propose_mapping(headers: list[str], tags: list[str]) -> dict[str, int]:
    """``{field: column index}`` guessed from the HXL tags, then from the headers."""
    mapping: dict[str, int] = {}
    used: set[int] = set()
    if any(tags):
        # The most specific spec first: a column goes to the first field whose spec matches.
        for field in FIELDS:
            for spec in field.tags:
                for index, tag in enumerate(tags):
                    if index in used or field.name in mapping or not tag:
                        continue
                    if _tag_matches(tag, spec):
                        mapping[field.name] = index
                        used.add(index)
    folded = [normalise(header) for header in headers]
    for field in FIELDS:
        if field.name in mapping:
            continue
        wanted = {normalise(header) for header in (field.name.replace("_", " "), *field.headers)}
        for index, header in enumerate(folded):
            if index not in used and header in wanted:
                mapping[field.name] = index
                used.add(index)
                break
    return mapping
