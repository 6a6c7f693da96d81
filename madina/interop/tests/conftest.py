"""A small territory, sectors and target groups, and helpers to build and import files."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from madina.actors.models import Sector
from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.tests.factories import TargetGroupFactory
from madina.interop.services import import_job_create, import_job_start
from madina.territory.models import Area

HEADERS = [
    "ID",
    "Organisation",
    "Titre",
    "Secteur",
    "Commune",
    "Groupes cibles",
    "Statut",
    "Date de début",
    "Date de fin",
    "Personnes ciblées",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def territory(db):
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    nador = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناضور", parent=region
    )
    oujda = AreaFactory(
        level=Area.Level.PROVINCE,
        code="02.411",
        name_fr="Oujda-Angad",
        name_ar="وجدة-أنجاد",
        parent=region,
    )
    return {
        "region": region,
        "nador_province": nador,
        "bni_ansar": AreaFactory(
            code="02.381.01.03",
            name_fr="Bni Ansar",
            name_ar="بني انصار",
            parent=nador,
            latitude="35.268378",
            longitude="-2.982691",
        ),
        "nador": AreaFactory(
            code="02.381.01.05",
            name_fr="Nador",
            name_ar="الناضور",
            parent=nador,
            latitude="35.173436",
            longitude="-2.938571",
        ),
        "oujda": AreaFactory(code="02.411.01.01", name_fr="Oujda", name_ar="وجدة", parent=oujda),
    }


@pytest.fixture
def reference(db, territory):
    health = SectorFactory(
        code="SNIA-03",
        name_fr="Santé",
        name_ar="الصحة",
        name_en="Health",
        kind=Sector.Kind.SECTORAL,
    )
    education = SectorFactory(
        code="SNIA-01",
        name_fr="Éducation et culture",
        name_ar="التربية والثقافة",
        name_en="Education and culture",
    )
    women = TargetGroupFactory(code="women", name_fr="Femmes", name_ar="النساء", name_en="Women")
    children = TargetGroupFactory(
        code="unaccompanied_children",
        name_fr="Enfants non accompagnés",
        name_ar="الأطفال غير المصحوبين",
        name_en="Unaccompanied children",
    )
    return {
        "health": health,
        "education": education,
        "women": women,
        "children": children,
        **territory,
    }


def csv_bytes(rows: list[list], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean_rows(organisation_name: str) -> list[list]:
    return [
        HEADERS,
        [
            "R-1",
            organisation_name,
            "Accompagnement médical des migrants",
            "Santé",
            "Bni Ansar",
            "Femmes",
            "en cours",
            "2026-01-01",
            "2026-12-31",
            "400",
        ],
        [
            "R-2",
            organisation_name,
            "Cours d'arabe pour enfants",
            "SNIA-01",
            "Nador; Bni Ansar",
            "Enfants non accompagnés; Women",
            "planned",
            "01/03/2026",
            "",
            "",
        ],
        [
            "R-3",
            organisation_name,
            "حملة تحسيسية صحية",
            "الصحة",
            "الناضور",
            "النساء",
            "جارية",
            "2026-02-01",
            "2026-06-30",
            "120",
        ],
    ]


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Upload, accept the proposed mapping (or the one given) and run; returns the job."""

    def _run(actor, name, content, *, organisation=None, mapping=None):
        job = import_job_create(
            actor=actor, upload=SimpleUploadedFile(name, content), organisation=organisation
        )
        with django_capture_on_commit_callbacks(execute=True):
            import_job_start(actor=actor, job=job, mapping=mapping or job.mapping)
        job.refresh_from_db()
        return job

    return _run
