"""A small results framework for the pages and services tests: a province with two communes (one
outside the edition's territory), schools, awareness sessions and a quarterly edition with an
outcome, an output, a computed indicator and a manual one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from madina.actors.tests.factories import AreaFactory
from madina.outreach.models import AwarenessSession, School
from madina.results.models import Edition, Indicator, Project, Result
from madina.territory.models import Area


@dataclass
class World:
    province: Area
    nador: Area
    oujda: Area
    project: Project
    edition: Edition
    outcome: Result
    output: Result
    pupils: Indicator
    sessions_indicator: Indicator
    manual: Indicator
    schools: dict = field(default_factory=dict)
    sessions: list = field(default_factory=list)


def build_world(cast) -> World:
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.381", name_fr="Nador")
    nador = AreaFactory(code="02.381.01.01", name_fr="Nador", parent=province)
    oujda = AreaFactory(code="02.411.01.01", name_fr="Oujda")
    project = Project.objects.create(organisation=cast.organisation, name_fr="Al-Madina")
    edition = Edition.objects.create(
        project=project,
        name_fr="2e édition",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        reporting_period=Edition.Period.QUARTER,
    )
    edition.areas.set([province])
    outcome = Result.objects.create(edition=edition, level="outcome", code="1", title_fr="Écoles")
    output = Result.objects.create(
        edition=edition, parent=outcome, level="output", code="1.1", title_fr="Séances"
    )
    schools = {
        commune: School.objects.create(
            name_fr=f"École {commune.name_fr}", commune=commune, level="primary", sector="public"
        )
        for commune in (nador, oujda)
    }
    sessions = []
    for day, commune, girls, boys in [
        (dt.date(2025, 2, 3), nador, 10, 12),
        (dt.date(2025, 5, 6), nador, 7, 5),
        (dt.date(2025, 5, 7), oujda, 30, 30),  # outside the territory
        (dt.date(2026, 1, 2), nador, 9, 9),  # outside the edition
    ]:
        sessions.append(
            AwarenessSession.objects.create(
                organisation=cast.organisation,
                school=schools[commune],
                held_on=day,
                girls=girls,
                boys=boys,
            )
        )
    pupils = Indicator.objects.create(
        result=output, code="1.1.a", title_fr="Élèves", target=100, baseline=10, source="pupils"
    )
    sessions_indicator = Indicator.objects.create(
        result=output, code="1.1.b", title_fr="Séances tenues", target=8, source="sessions"
    )
    manual = Indicator.objects.create(
        result=output, code="1.1.c", title_fr="Enseignants formés", target=10, source="manual"
    )
    return World(
        province,
        nador,
        oujda,
        project,
        edition,
        outcome,
        output,
        pupils,
        sessions_indicator,
        manual,
        schools,
        sessions,
    )
