"""`manage.py load_sectors`: the SNIA programmes, idempotent, all or nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation

from madina.accounts.tests.factories import UserFactory
from madina.actors.models import Sector
from madina.actors.reference import DEFAULT_SECTORS_FILE, sectors_load_csv
from madina.core.tabular import CsvImportError

HEADER = "code,kind,name_fr,name_en,name_ar,verified\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_the_shipped_file_loads_the_eleven_programmes():
    report = sectors_load_csv(file=DEFAULT_SECTORS_FILE)
    assert len(report.created) == 11
    health = Sector.objects.get(code="SNIA-03")
    assert (health.name_fr, health.name_en, health.name_ar) == ("Santé", "Health", "الصحة")
    assert health.kind == Sector.Kind.SECTORAL and health.verified
    assert not Sector.objects.get(code="SNIA-04").verified
    assert Sector.objects.get(code="SNIA-11").kind == Sector.Kind.GOVERNANCE


@pytest.mark.django_db
def test_a_second_load_changes_nothing():
    sectors_load_csv(file=DEFAULT_SECTORS_FILE)
    before = list(Sector.objects.values())
    report = sectors_load_csv(file=DEFAULT_SECTORS_FILE)
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], 11)
    assert list(Sector.objects.values()) == before


@pytest.mark.django_db
def test_a_corrected_wording_updates_by_code():
    sectors_load_csv(file=DEFAULT_SECTORS_FILE)
    text = DEFAULT_SECTORS_FILE.read_text("utf-8").replace("Logement,Housing", "Habitat,Housing")
    report = sectors_load_csv(file=io.StringIO(text))
    assert report.updated == ["SNIA-04"]
    assert Sector.objects.get(code="SNIA-04").name_fr == "Habitat"


@pytest.mark.django_db
def test_sub_sectors_are_placed_under_their_programme_whatever_the_order():
    text = (
        "code,kind,name_fr,name_ar,parent_code\n"
        "SNIA-03.1,subsector,Soins primaires,الرعاية الأولية,SNIA-03\n"
        "SNIA-03,sectoral,Santé,الصحة,\n"
    )
    sectors_load_csv(file=io.StringIO(text))
    assert Sector.objects.get(code="SNIA-03.1").parent.code == "SNIA-03"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("SNIA-12,sectoral,Culte,Worship,,yes", "name_ar"),
        ("SNIA-12,sectorial,Culte,Worship,العبادة,yes", "kind"),
        ("SNIA-12,sectoral,Culte,Worship,العبادة,maybe", "verified"),
        ("SNIA-01,sectoral,Culte,Worship,العبادة,yes", "code"),
        (",sectoral,Culte,Worship,العبادة,yes", "code"),
    ],
)
def test_a_bad_row_loads_nothing(row, column):
    text = HEADER + "SNIA-01,sectoral,Éducation,Education,التربية,yes\n" + row + "\n"
    with pytest.raises(CsvImportError) as error:
        sectors_load_csv(file=io.StringIO(text))
    assert any(str(issue).startswith(f"line 3, column {column}: ") for issue in error.value.issues)
    assert not Sector.objects.exists()


@pytest.mark.django_db
def test_a_cycle_of_parents_is_refused():
    text = "code,kind,name_fr,name_ar,parent_code\nA,subsector,A,أ,B\nB,subsector,B,ب,A\n"
    with pytest.raises(CsvImportError, match="line 2, column parent_code: "):
        sectors_load_csv(file=io.StringIO(text))
    assert not Sector.objects.exists()


@pytest.mark.django_db
def test_only_coordinators_may_load():
    with pytest.raises(PermissionDenied):
        sectors_load_csv(file=DEFAULT_SECTORS_FILE, actor=UserFactory())
    assert not Sector.objects.exists()
    sectors_load_csv(file=DEFAULT_SECTORS_FILE, actor=UserFactory(platform_role="coordinator"))
    assert Sector.objects.count() == 11


@pytest.mark.django_db
def test_the_command_prints_errors_and_fails(tmp_path):
    path = tmp_path / "sectors.csv"
    path.write_text(HEADER + "X,kind,a,b,,yes\n", "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_sectors", str(path), stderr=err)
    assert "line 2, column kind: " in err.getvalue()
    assert "line 2, column name_ar: a value is required" in err.getvalue()
    out = io.StringIO()
    call_command("load_sectors", stdout=out)
    assert "11 created" in out.getvalue()
