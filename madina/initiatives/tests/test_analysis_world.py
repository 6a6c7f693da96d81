"""A small territory of initiatives shared by the analysis tests (a builder, no tests).

Two provinces, three communes, two sectors, four initiatives:

===  =====  ======  ==========  =========  ============================
id   lead   sector  communes    status     notes
===  =====  ======  ==========  =========  ============================
one  ours   health  c1, c2      ongoing    for women; reach in c1, Jan and Feb 2026
two  other  school  c1          ongoing
hid  other  health  c3          ongoing    partners only; reach 100 in c3, Mar 2026
old  ours   school  c3          completed  2025
===  =====  ======  ==========  =========  ============================

"ours" is ``cast.organisation`` (admin, member, readonly), "other" is the outsider's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from madina.actors.models import Sector
from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import (
    InitiativeFactory,
    ReachReportFactory,
    ReportingPeriodFactory,
    TargetGroupFactory,
)
from madina.territory.models import Area

JAN, FEB, MAR = (datetime.date(2026, month, 1) for month in (1, 2, 3))


@dataclass
class World:
    nador: Area
    oujda: Area
    c1: Area
    c2: Area
    c3: Area
    health: Sector
    school: Sector
    women: object
    one: Initiative
    two: Initiative
    hid: Initiative
    old: Initiative


def commune(code, name_fr, name_ar, province, lat, lng) -> Area:
    return AreaFactory(
        code=code,
        name_fr=name_fr,
        name_ar=name_ar,
        parent=province,
        latitude=lat,
        longitude=lng,
    )


def build_world(cast) -> World:
    nador = AreaFactory(level=Area.Level.PROVINCE, code="T.NA", name_fr="Nador", name_ar="الناظور")
    oujda = AreaFactory(
        level=Area.Level.PROVINCE, code="T.OU", name_fr="Oujda-Angad", name_ar="وجدة أنكاد"
    )
    c1 = commune("T.NA.1", "Nador ville", "مدينة الناظور", nador, "35.168", "-2.933")
    c2 = commune("T.NA.2", "Beni Ansar", "بني انصار", nador, "35.260", "-2.930")
    c3 = commune("T.OU.1", "Oujda ville", "مدينة وجدة", oujda, "34.681", "-1.908")
    health = SectorFactory(code="T-HEALTH", name_fr="Santé", name_ar="الصحة", name_en="Health")
    school = SectorFactory(
        code="T-SCHOOL", name_fr="Éducation", name_ar="التعليم", name_en="Education"
    )
    women = TargetGroupFactory(code="t-women", name_fr="Femmes", name_ar="النساء")
    one = InitiativeFactory(
        title="Caravane de santé",
        lead_organisation=cast.organisation,
        sector=health,
        communes=[c1, c2],
        target_groups=[women],
    )
    two = InitiativeFactory(
        title="Soutien scolaire",
        lead_organisation=cast.other_organisation,
        sector=school,
        communes=[c1],
    )
    hid = InitiativeFactory(
        title="Cellule confidentielle",
        lead_organisation=cast.other_organisation,
        sector=health,
        communes=[c3],
        visibility=Initiative.Visibility.PARTNERS,
    )
    old = InitiativeFactory(
        title="Alphabétisation 2025",
        lead_organisation=cast.organisation,
        sector=school,
        communes=[c3],
        status=Initiative.Status.COMPLETED,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    # 20 people a month in January and February; 10 then 15 distinct people to date.
    ReachReportFactory(
        initiative=one, commune=c1, period=ReportingPeriodFactory(month=JAN), cumulative_women=10
    )
    ReachReportFactory(
        initiative=one, commune=c1, period=ReportingPeriodFactory(month=FEB), cumulative_women=15
    )
    ReachReportFactory(
        initiative=hid,
        commune=c3,
        period=ReportingPeriodFactory(month=MAR),
        women=100,
        men=0,
        girls=0,
        boys=0,
        cumulative_women=100,
    )
    return World(nador, oujda, c1, c2, c3, health, school, women, one, two, hid, old)
