"""Loading the shipped file and files like it: what lands in the database."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from madina.accounts.tests.factories import UserFactory
from madina.core.models import AuditEvent
from madina.territory.models import Area
from madina.territory.services import areas_load_csv
from madina.territory.tests.factories import ProvinceFactory

HEADER = "level,code,parent_code,name_fr,name_ar,lat,lon,source\n"


def csv_file(text: str) -> io.StringIO:
    return io.StringIO(text)


def test_the_shipped_file_loads_the_region_its_provinces_and_communes(oriental):
    assert Area.objects.regions().count() == 1
    assert Area.objects.provinces().count() == 8
    assert Area.objects.communes().count() == 124
    assert len(oriental.created) == 133
    communes = Area.objects.communes()
    assert not communes.filter(name_ar="").exists()
    assert not communes.filter(name_fr="").exists()
    assert not communes.filter(latitude__isnull=True).exists()
    assert not communes.filter(longitude__isnull=True).exists()
    assert not communes.filter(parent__level__in=["region", "commune"]).exists()
    nador = Area.objects.get(code="02.381.01.05")
    assert (nador.name_fr, nador.name_ar) == ("Nador", "الناضور")
    assert nador.parent.code == "02.381"
    assert (nador.latitude, nador.longitude) == (Decimal("35.173436"), Decimal("-2.938571"))
    assert nador.source.startswith("HCP RGPH 2024")


def test_iso_codes_come_from_pycountry_for_the_region_and_provinces(oriental):
    codes = dict(Area.objects.exclude(level="commune").values_list("code", "iso_code"))
    assert codes["02"] == "MA-02"
    assert codes["02.381"] == "MA-NAD"
    assert codes["02.411"] == "MA-OUJ"
    assert all(codes.values()), codes
    assert not Area.objects.communes().exclude(iso_code="").exists()


def test_english_name_defaults_to_the_french_name(oriental):
    assert Area.objects.get(code="02.411").name_en == "Oujda-Angad"


def test_a_second_load_changes_nothing(oriental):
    events = AuditEvent.objects.count()
    before = list(Area.objects.order_by("code").values())
    report = areas_load_csv(file=io.BytesIO(_shipped_bytes()))
    assert report.created == []
    assert report.updated == []
    assert len(report.unchanged) == 133
    assert list(Area.objects.order_by("code").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_changed_name_is_updated_in_place_and_audited(oriental):
    text = _shipped_bytes().decode().replace(",Selouane,", ",Selouane (ville),")
    report = areas_load_csv(file=io.StringIO(text))
    assert len(report.updated) == 1
    area = Area.objects.get(code=report.updated[0])
    assert area.name_fr == "Selouane (ville)"
    assert Area.objects.count() == 133
    event = AuditEvent.objects.get(object_id=str(area.pk), action="update")
    assert event.changes["name_fr"] == ["Selouane", "Selouane (ville)"]


def test_optional_columns_are_read(db):
    province = ProvinceFactory(code="02.381", name_fr="Nador", name_ar="الناضور")
    text = (
        "level,code,parent_code,name_fr,name_ar,lat,lon,source,name_en,iso_code,alt_names,"
        "valid_from,valid_to\n"
        "commune,02.381.01.03,02.381,Bni Ansar,بني انصار,35.27,-2.93,test,Beni Ansar,,"
        "Beni Enzar; Bni Nsar ;,2015-01-01,\n"
    )
    areas_load_csv(file=csv_file(text))
    area = Area.objects.get(code="02.381.01.03")
    assert area.parent == province
    assert area.name_en == "Beni Ansar"
    assert area.alt_names == ["Beni Enzar", "Bni Nsar"]
    assert str(area.valid_from) == "2015-01-01"
    assert area.valid_to is None
    assert "enzar" in area.search_text


def test_an_iso_code_given_in_the_file_wins(db):
    text = HEADER + "region,77,,Région test,جهة تجريبية,,,x\n"
    text = text.replace("source\n", "source,iso_code\n").replace(",x\n", ",x,XX-77\n")
    areas_load_csv(file=csv_file(text))
    assert Area.objects.get(code="77").iso_code == "XX-77"


def test_an_area_without_a_match_in_pycountry_gets_no_iso_code(db):
    report = areas_load_csv(file=csv_file(HEADER + "region,77,,Atlantide,أطلانتس,,,x\n"))
    assert Area.objects.get(code="77").iso_code == ""
    assert any("77" in note for note in report.notes)


def test_the_parent_may_already_be_in_the_database(db):
    ProvinceFactory(code="55.001")
    areas_load_csv(file=csv_file(HEADER + "commune,55.001.01,55.001,Ville,مدينة,30,-5,x\n"))
    assert Area.objects.get(code="55.001.01").parent.code == "55.001"


def test_a_user_without_the_right_may_not_load(db):
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        areas_load_csv(file=csv_file(HEADER + "region,77,,R,ر,,,x\n"), actor=user)
    assert not Area.objects.exists()


def test_a_platform_admin_may_load_and_is_recorded_as_the_actor(db):
    admin = UserFactory(platform_role="platform_admin")
    areas_load_csv(file=csv_file(HEADER + "region,77,,R,ر,,,x\n"), actor=admin)
    assert AuditEvent.objects.get(action="create").actor == admin


def test_the_command_loads_the_shipped_file_by_default(db):
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert "133 created" in out.getvalue()
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert "0 created, 0 updated, 133 unchanged" in out.getvalue()


def _shipped_bytes() -> bytes:
    from madina.territory.services import DEFAULT_AREAS_FILE

    return DEFAULT_AREAS_FILE.read_bytes()
