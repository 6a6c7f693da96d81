"""Who sees which initiative, the list filters, the forgiving search and the reach tables."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from madina.accounts.tests.factories import UserFactory
from madina.initiatives import selectors
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import (
    InitiativeFactory,
    InitiativePartnerFactory,
    ReachReportFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db
PARTNERS = Initiative.Visibility.PARTNERS


def _titles(queryset) -> set[str]:
    return {initiative.title for initiative in queryset}


@pytest.fixture
def three(cast, registry):
    """A shared initiative of the cast's organisation, a private one of the other organisation's
    with the cast's organisation as partner, and a private one of a third organisation."""
    own = InitiativeFactory(title="Own", lead_organisation=cast.organisation)
    partnered = InitiativeFactory(
        title="Partnered", lead_organisation=cast.other_organisation, visibility=PARTNERS
    )
    InitiativePartnerFactory(initiative=partnered, organisation=cast.organisation)
    hidden = InitiativeFactory(title="Hidden", visibility=PARTNERS)
    return own, partnered, hidden


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("readonly", {"Own", "Partnered"}),
        ("member", {"Own", "Partnered"}),
        ("outsider", {"Own", "Partnered"}),
        ("coordinator", {"Own", "Partnered", "Hidden"}),
    ],
)
def test_the_list_shows_only_what_the_user_may_see(cast, three, who, expected):
    assert _titles(selectors.initiative_list(user=getattr(cast, who), filters={})) == expected


def test_someone_without_an_organisation_sees_shared_ones_only(cast, three):
    assert _titles(selectors.initiative_list(user=UserFactory(), filters={})) == {"Own"}


def test_the_list_agrees_with_the_rule(cast, three):
    for user in (cast.member, cast.outsider, cast.readonly, cast.coordinator, UserFactory()):
        listed = set(selectors.initiative_list(user=user, filters={}))
        allowed = {
            i for i in Initiative.objects.all() if user.has_perm("initiatives.view_initiative", i)
        }
        assert listed == allowed


def test_get_for_user_404s_outsiders_and_403s_viewers_without_the_right(cast, three):
    own, partnered, hidden = three
    with pytest.raises(Http404):
        selectors.initiative_get_for_user(cast.member, hidden.pk)
    with pytest.raises(Http404):
        selectors.initiative_get_for_user(cast.member, 999999)
    with pytest.raises(PermissionDenied):
        selectors.initiative_get_for_user(
            cast.readonly, own.pk, perm="initiatives.change_initiative"
        )
    with pytest.raises(PermissionDenied):
        selectors.initiative_get_for_user(
            cast.member, partnered.pk, perm="initiatives.change_initiative"
        )
    assert selectors.initiative_get_for_user(cast.member, own.pk, for_display=True) == own


def test_filters(cast, registry):
    a = InitiativeFactory(
        title="A",
        lead_organisation=cast.organisation,
        sector=registry.health,
        subsector=registry.mental_health,
        communes=[registry.nador],
        target_groups=[registry.women],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
    )
    b = InitiativeFactory(
        title="B",
        lead_organisation=cast.other_organisation,
        sector=registry.education,
        communes=[registry.oujda],
        target_groups=[registry.children],
        status=Initiative.Status.PLANNED,
        start_date=datetime.date(2026, 6, 1),
        end_date=None,
    )
    InitiativePartnerFactory(initiative=b, organisation=cast.organisation, role="funding")

    def titles(**filters):
        return _titles(selectors.initiative_list(user=cast.coordinator, filters=filters))

    assert titles(organisation=cast.organisation) == {"A", "B"}  # lead or partner
    assert titles(organisation=cast.other_organisation) == {"B"}
    assert titles(sector=registry.health) == {"A"}
    assert titles(sector=registry.mental_health) == {"A"}
    assert titles(sector=registry.education) == {"B"}
    assert titles(province=registry.nador_province) == {"A"}
    assert titles(commune=registry.oujda) == {"B"}
    assert titles(target_group=registry.women) == {"A"}
    assert titles(status="planned") == {"B"}
    assert titles(period_start=datetime.date(2026, 3, 1), period_end=datetime.date(2026, 4, 1)) == {
        "A"
    }
    assert titles(period_start=datetime.date(2027, 1, 1)) == {"B"}  # open end runs on
    assert titles(period_end=datetime.date(2026, 2, 1)) == {"A"}
    assert titles(status="", q="  ", sector=None) == {"A", "B"}
    assert a in selectors.initiative_list(user=cast.coordinator, filters={})


@pytest.mark.parametrize(
    "query",
    [
        "المهاجرات",
        "المهاجرات الناظور",
        "مهاجرات",
        "إدماج",
        "ادماج",  # hamza dropped
        "أدماج",
    ],
)
def test_search_forgives_arabic_spelling(cast, query):
    InitiativeFactory(title="إدماج النساء المهاجرات بالناظور")
    InitiativeFactory(title="Autre chose")
    found = _titles(selectors.initiative_list(user=cast.member, filters={"q": query}))
    assert found == {"إدماج النساء المهاجرات بالناظور"}


@pytest.mark.parametrize(
    "query", ["Beni Ansar", "Bni Ansar", "béni-ansar", "BENI ANSAR", "Zeghanghane", "Zghanghane"]
)
def test_search_forgives_latin_transliterations(cast, query):
    InitiativeFactory(title="Permanence juridique à Béni Ansar et Zeghanghane")
    InitiativeFactory(title="Autre chose")
    found = _titles(selectors.initiative_list(user=cast.member, filters={"q": query}))
    assert found == {"Permanence juridique à Béni Ansar et Zeghanghane"}


def test_search_reaches_the_description(cast):
    InitiativeFactory(title="Sans rapport", description="Cours d'alphabétisation")
    found = _titles(selectors.initiative_list(user=cast.member, filters={"q": "alphabetisation"}))
    assert found == {"Sans rapport"}


def test_search_never_reveals_what_the_user_may_not_see(cast):
    InitiativeFactory(title="Secret Nador", visibility=PARTNERS)
    assert _titles(selectors.initiative_list(user=cast.member, filters={"q": "Nador"})) == set()


def _page_queries(user) -> int:
    # A new user object, as each request has: roles are cached on the object.
    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as context:
        for initiative in selectors.initiative_list(user=user, filters={"q": "Initiative"}):
            str(initiative.lead_organisation), str(initiative.sector)
            [str(c.parent) for c in initiative.communes.all()]
            list(initiative.target_groups.all())
            [str(p.organisation) for p in initiative.partnerships.all()]
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(cast, registry):
    def add(n):
        for _i in range(n):
            initiative = InitiativeFactory(
                lead_organisation=cast.organisation,
                communes=[registry.nador, registry.oujda],
                target_groups=[registry.women],
            )
            InitiativePartnerFactory(initiative=initiative)

    add(2)
    few = _page_queries(cast.member)
    add(10)
    assert _page_queries(cast.member) == few


def test_reach_tables_keep_months_and_totals_to_date_apart(cast, registry):
    initiative = InitiativeFactory(communes=[registry.nador, registry.beni_ansar])
    march = ReportingPeriodFactory(month=datetime.date(2026, 3, 1))
    april = ReportingPeriodFactory(month=datetime.date(2026, 4, 1))
    ReachReportFactory(
        initiative=initiative,
        commune=registry.nador,
        period=march,
        women=10,
        men=0,
        girls=0,
        boys=0,
        cumulative_women=10,
        cumulative_men=0,
        cumulative_girls=0,
        cumulative_boys=0,
    )
    ReachReportFactory(
        initiative=initiative,
        commune=registry.nador,
        period=april,
        women=8,
        men=0,
        girls=0,
        boys=0,
        cumulative_women=15,
        cumulative_men=0,
        cumulative_girls=0,
        cumulative_boys=0,
    )
    ReachReportFactory(
        initiative=initiative,
        commune=registry.beni_ansar,
        period=april,
        women=3,
        men=1,
        girls=0,
        boys=0,
    )
    summary = selectors.reach_totals(initiative)
    assert [row.month for row in summary.months] == [april.month, march.month]
    assert summary.months[0].totals == {"women": 11, "men": 1, "girls": 0, "boys": 0}
    # The total to date is April's reported 15, not 10 + 8.
    assert [(row.commune, row.values["women"]) for row in summary.cumulative] == [
        (registry.nador, 15)
    ]
    assert summary.cumulative_totals["women"] == 15
    assert summary.cumulative_total == 15
