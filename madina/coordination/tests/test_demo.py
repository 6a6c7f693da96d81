"""The seed's two spaces load with the demo, once, through the services."""

import pytest
from django.core.management import call_command

from madina.coordination.models import (
    Programme,
    ProgrammeItem,
    Responsibility,
    Space,
    SpaceMember,
    SpaceRole,
)
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_demo_spaces_load_once(settings):
    settings.DEBUG = True
    call_command("madina_setup", demo=True, verbosity=0)
    names = set(Space.objects.values_list("name_ar", flat=True))
    assert names == {
        "الفضاء التنسيقي بين الجماعات بجهة الشرق",
        "الفضاء المحلي لجمعيات المجتمع المدني العاملة في مجال الهجرة بالناظور",
    }
    chairs = SpaceMember.objects.current().filter(position="chair")
    assert chairs.count() == 2
    assert Space.objects.get(type="local_cso").visibility == "transparent"
    counts = (SpaceMember.objects.count(), SpaceRole.objects.count(), AuditEvent.objects.count())
    call_command("madina_setup", demo=True, verbosity=0)
    assert Space.objects.count() == 2
    assert (
        SpaceMember.objects.count(),
        SpaceRole.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_demo_programmes_load_once_with_leads_and_lateness(settings):
    settings.DEBUG = True
    call_command("madina_setup", demo=True, verbosity=0)
    assert set(Programme.objects.values_list("kind", flat=True)) == {"programme", "roadmap"}
    late = ProgrammeItem.objects.filter(status="late")
    assert set(late.values_list("code", flat=True)) == {"1.1.1", "2.1"}
    gaps = ProgrammeItem.objects.filter(kind="action").exclude(responsibilities__role="accountable")
    assert list(gaps.values_list("code", flat=True)) == ["2.2"]
    counts = (
        ProgrammeItem.objects.count(),
        Responsibility.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("madina_setup", demo=True, verbosity=0)
    assert (
        ProgrammeItem.objects.count(),
        Responsibility.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
