"""Helpers of the capsules, schools and sessions tests (plain functions; fixtures are in
``conftest.py``)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from madina.outreach import services
from madina.outreach.models import AwarenessSession, Capsule, School


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def capsule_data(**overrides) -> dict:
    data = {
        "title_fr": "Vivre ensemble à l'école",
        "title_ar": "العيش المشترك في المدرسة",
        "format": Capsule.Format.VIDEO,
        "languages": ["ar", "ary", "fr"],
        "topics": [Capsule.Topic.NON_DISCRIMINATION, Capsule.Topic.RIGHTS],
        "audience": Capsule.Audience.YOUNG_TEENS,
        "school_level": Capsule.SchoolLevel.MIDDLE,
        "duration_minutes": 7,
    }
    data.update(overrides)
    return data


def school_data(commune, **overrides) -> dict:
    data = {
        "name_fr": "École Al Massira",
        "name_ar": "مدرسة المسيرة",
        "commune": commune,
        "level": School.Level.PRIMARY,
        "sector": School.Sector.PUBLIC,
    }
    data.update(overrides)
    return data


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def record_session(
    actor,
    organisation,
    school: School,
    capsules,
    audiences,
    *,
    held_on: datetime.date | None = None,
    teachers: int = 0,
    feedback: str = "",
) -> AwarenessSession:
    return services.session_create(
        actor=actor,
        organisation=organisation,
        data={
            "school": school,
            "held_on": held_on or days_ago(10),
            "capsules": list(capsules),
            "teachers_present": teachers,
            "feedback": feedback,
        },
        audiences=[
            {"grade": grade, "girls": girls, "boys": boys} for grade, girls, boys in audiences
        ],
    )
