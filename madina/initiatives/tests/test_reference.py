"""Loading the target groups and activity types from CSV: all or nothing, errors named."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from madina.core.tabular import CsvImportError
from madina.initiatives.models import ActivityType, TargetGroup
from madina.initiatives.reference import activity_types_load_csv, target_groups_load_csv

pytestmark = pytest.mark.django_db


def test_the_default_files_load_and_reload_without_change(db):
    report = target_groups_load_csv()
    assert "unaccompanied-children" in report.created
    assert TargetGroup.objects.get(code="women").name_ar == "النساء"
    assert activity_types_load_csv().created
    again = target_groups_load_csv()
    assert again.created == [] and again.updated == []


def test_a_reload_updates_names_by_code(db):
    target_groups_load_csv(file=io.StringIO("code,name_fr,name_ar\nwomen,Femmes,النساء\n"))
    report = target_groups_load_csv(
        file=io.StringIO("code,name_fr,name_ar,order\nwomen,Femmes adultes,النساء,3\n")
    )
    assert report.updated == ["women"]
    group = TargetGroup.objects.get()
    assert (group.name_fr, group.order) == ("Femmes adultes", 3)


def test_a_bad_row_loads_nothing_and_is_named_in_french(db):
    data = "code,name_fr,name_ar,order\nok,Bien,جيد,1\nbad,,سيء,x\nok,Encore,مرة,2\n"
    with translation.override("fr"):
        with pytest.raises(CsvImportError) as caught:
            activity_types_load_csv(file=io.StringIO(data))
        messages = [str(issue) for issue in caught.value.issues]
    assert any(m.startswith("ligne 3, colonne name_fr") for m in messages), messages
    assert "ligne 3, colonne order : « x » n’est pas un nombre entier entre 0 et 32767" in messages
    assert any("ligne 4, colonne code" in m for m in messages), messages
    assert ActivityType.objects.count() == 0


def test_the_commands_run(db, capsys):
    call_command("load_target_groups")
    call_command("load_activity_types")
    assert "Target groups: 9 created" in capsys.readouterr().out
    assert ActivityType.objects.count() == 16
