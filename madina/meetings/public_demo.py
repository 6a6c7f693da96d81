"""Demonstration of the public tracker: a follow-up meeting of the inter-municipal coordination
space (a public space) whose recommendations are followed in public, on the portal.

The seed's own meeting belongs to the associations' space, which is private but transparent, so
its recommendations cannot be public; this meeting shows what the public sees. Fictional, written
through the services like the pages; idempotent (found again by its space and title).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Sector
from madina.coordination.models import Space
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.meetings import services
from madina.meetings.demo import ACTOR, _organisations
from madina.meetings.models import Meeting
from madina.territory.models import Area

TITLE = "Réunion de suivi de l'espace intercommunal : accès aux services"

# (title fr, text fr, {language: title}, theme, addressees, steps as (days after, state, text))
RECOMMENDATIONS = [
    (
        "Placer des médiateurs interculturels dans les centres de santé",
        "Des médiateurs parlant français et anglais accueillent les personnes migrantes dans deux "
        "centres de santé, à Nador et à Beni Ansar.",
        {
            "ar": "توفير وسطاء ثقافيين في المراكز الصحية",
            "en": "Place intercultural mediators in health centres",
            "es": "Poner mediadores interculturales en los centros de salud",
        },
        "SNIA-03",
        ["delegation-sante", "commune-nador", "commune-beni-ansar"],
        [
            (15, "in_progress", "Deux médiateurs recrutés ; formation prévue le mois prochain."),
        ],
    ),
    (
        "Afficher les services gratuits dans les quatre langues de la consultation",
        "Une affiche et une page du portail disent, en arabe, français, anglais et espagnol, où "
        "se soigner, se faire aider et se protéger gratuitement.",
        {
            "ar": "إشهار الخدمات المجانية باللغات الأربع",
            "en": "Display the free services in the four languages of the consultation",
            "es": "Anunciar los servicios gratuitos en los cuatro idiomas de la consulta",
        },
        "SNIA-11",
        [core_demo.COORDINATING, "commune-nador"],
        [
            (5, "in_progress", "Textes traduits et relus par des personnes migrantes."),
            (25, "implemented", "Affiches posées dans les centres de santé et les associations."),
        ],
    ),
    (
        "Ouvrir une permanence juridique mensuelle à Beni Ansar",
        "Une association d'aide juridique tient une permanence un samedi par mois à la maison "
        "de la commune.",
        {
            "ar": "فتح مداومة قانونية شهرية ببني أنصار",
            "en": "Open a monthly legal-aid desk in Beni Ansar",
            "es": "Abrir una atención jurídica mensual en Beni Ansar",
        },
        "SNIA-05",
        ["aoda", "commune-beni-ansar"],
        [],
    ),
]


@transaction.atomic
def public_meeting_demo_load() -> int:
    """Create the public space's follow-up meeting if it is missing; return how many were."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    space = Space.objects.filter(
        type=Space.Type.INTER_MUNICIPAL, visibility=Space.Visibility.PUBLIC
    ).first()
    if actor is None or space is None:
        raise DemoDataError("The demo spaces are missing: load the coordination demo first.")
    if Meeting.objects.filter(space=space, title=TITLE).exists():
        return 0
    organisations = _organisations()
    nador = Area.objects.filter(code=core_demo.NADOR).first()
    themes = {spec[3] for spec in RECOMMENDATIONS}
    sectors = Sector.objects.in_bulk(themes, field_name="code")
    if nador is None or len(sectors) < len(themes):
        raise DemoDataError("Areas or sectors missing (run load_areas and load_sectors first).")
    tz = ZoneInfo("Africa/Casablanca")
    day = timezone.localdate() - datetime.timedelta(days=30)
    meeting = services.meeting_create(
        actor=actor,
        space=space,
        data={
            "title": TITLE,
            "description": "Suite donnée à la consultation des personnes migrantes sur la santé.",
            "type": Meeting.Type.COORDINATION,
            "mode": Meeting.Mode.IN_PERSON,
            "status": Meeting.Status.HELD,
            "starts_at": datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=tz),
            "ends_at": datetime.datetime.combine(day, datetime.time(12, 30), tzinfo=tz),
            "commune": nador,
            "address": "Siège de la commune de Nador",
            "organiser": organisations["commune-nador"],
            "co_organisers": [organisations[core_demo.COORDINATING]],
        },
    )
    for title, text, translations, theme, addressees, steps in RECOMMENDATIONS:
        recommendation = services.recommendation_create(
            actor=actor,
            meeting=meeting,
            data={
                "title": title,
                "text": text,
                "language": "fr",
                "translations": {code: {"title": value} for code, value in translations.items()},
                "theme": sectors[theme],
                "addressees": [organisations[key] for key in addressees],
                "priority": "high",
                "state": "adopted",
                "is_public": True,
            },
        )
        for days, state, update_text in steps:
            services.recommendation_add_update(
                actor=actor,
                recommendation=recommendation,
                state=state,
                text=update_text,
                justification="",
                on=day + datetime.timedelta(days=days),
            )
    return 1
