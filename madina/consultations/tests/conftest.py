"""Fixtures of the consultations tests: a small territory, and a consultation built through the
services with one question of each kind and a conditional one.

``survey`` is published and open; ``draft`` is not. ``post_answers`` sends answers from the
portal like a browser does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from madina.actors.tests.factories import AreaFactory
from madina.consultations import services
from madina.consultations.models import Consultation, Group, Question
from madina.territory.models import Area


@dataclass
class Territory:
    nador: Area
    beni_ansar: Area
    selouane: Area


@dataclass
class Survey:
    consultation: Consultation
    visited: Question  # one choice: yes / no
    welcome: Question  # scale, shown only if "yes" to visited
    obstacles: Question  # several choices
    priorities: Question  # ranking
    comment: Question  # free text, always shown

    def option(self, question: Question, index: int) -> str:
        return str(list(question.options.all())[index].pk)


def texts(fr: str, ar: str = "", es: str = "") -> dict[str, str]:
    return {code: value for code, value in (("fr", fr), ("ar", ar), ("es", es)) if value}


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English unless a test asks for a language (/ar/…, override)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def territory(db) -> Territory:
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.381", name_fr="Nador")
    return Territory(
        nador=AreaFactory(code="02.381.01.05", name_fr="Nador", name_ar="الناظور", parent=province),
        beni_ansar=AreaFactory(
            code="02.381.01.03", name_fr="Beni Ansar", name_ar="بني انصار", parent=province
        ),
        selouane=AreaFactory(
            code="02.381.01.19", name_fr="Selouane", name_ar="سلوان", parent=province
        ),
    )


def consultation_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": texts("Accès aux soins", "الولوج إلى العلاج", "Acceso a la salud"),
        "description": texts("Votre avis sur les centres de santé."),
        "opens_on": today - datetime.timedelta(days=1),
        "closes_on": today + datetime.timedelta(days=10),
        "anonymous": True,
        "target_groups": [Group.MIGRANTS, Group.WOMEN],
    }
    data.update(overrides)
    return data


def add_question(actor, consultation, kind, text, options=(), *, required=False, condition=None):
    return services.question_save(
        actor=actor,
        consultation=consultation,
        data={"kind": kind, "required": required, "text": texts(text), "condition": condition},
        options=[{"id": None, "text": texts(option)} for option in options],
    )


def build_survey(actor, organisation, **overrides) -> Survey:
    consultation = services.consultation_create(
        actor=actor, organisation=organisation, data=consultation_data(**overrides)
    )
    K = Question.Kind
    visited = add_question(
        actor, consultation, K.SINGLE, "Êtes-vous allé au centre ?", ["Oui", "Non"], required=True
    )
    welcome = add_question(
        actor,
        consultation,
        K.SCALE,
        "Comment était l'accueil ?",
        required=True,
        condition=visited.options.first(),
    )
    obstacles = add_question(
        actor, consultation, K.MULTIPLE, "Obstacles ?", ["Langue", "Papiers", "Coût"]
    )
    priorities = add_question(
        actor, consultation, K.RANKING, "Priorités ?", ["Interprètes", "Gratuité", "Horaires"]
    )
    comment = add_question(actor, consultation, K.TEXT, "Autre chose ?")
    return Survey(consultation, visited, welcome, obstacles, priorities, comment)


@pytest.fixture
def draft(cast, territory) -> Survey:
    return build_survey(cast.member, cast.organisation)


@pytest.fixture
def survey(cast, territory) -> Survey:
    built = build_survey(cast.member, cast.organisation)
    services.consultation_publish(actor=cast.admin, consultation=built.consultation)
    built.consultation.refresh_from_db()
    return built


def portal_url(consultation, suffix: str = "") -> str:
    return f"/en/portal/consultations/{consultation.pk}/{suffix}"


def post_answers(client, survey: Survey, answers: dict | None = None, **extra):
    """Post to the portal: ``answers`` maps questions to lists of values."""
    data = {services.answer_key(q): values for q, values in (answers or {}).items()}
    data.update(extra)
    return client.post(portal_url(survey.consultation), data)
