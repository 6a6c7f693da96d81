"""The registry's pages: list, detail, create, edit, status — who gets 200, 403 and 404."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import (
    InitiativeFactory,
    InitiativePartnerFactory,
    ReachReportFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("initiatives:initiative_list")
CREATE = reverse("initiatives:initiative_create")


def _en(url: str) -> str:
    """The English page, for tests that read words."""
    return "/en/" + url.split("/", 2)[2]


def _detail(initiative):
    return reverse("initiatives:initiative_detail", args=[initiative.pk])


def _edit(initiative):
    return reverse("initiatives:initiative_update", args=[initiative.pk])


def _post_data(cast, registry, **overrides):
    data = {
        "title": "Caravane médicale à Beni Ansar",
        "description": "",
        "language": "fr",
        "lead_organisation": cast.organisation.pk,
        "sector": registry.health.pk,
        "communes": [registry.beni_ansar.pk],
        "target_groups": [registry.women.pk],
        "start_date": "2026-02-01",
        "end_date": "2026-02-28",
        "status": "planned",
        "currency": "MAD",
        "visibility": "shared",
        "partners_implementing": [cast.other_organisation.pk],
    }
    data.update(overrides)
    return data


@pytest.fixture
def own(cast, registry):
    return InitiativeFactory(
        title="Sensibilisation à Nador",
        lead_organisation=cast.organisation,
        communes=[registry.nador],
    )


@pytest.fixture
def hidden(cast, registry):
    """Kept to its lead (the other organisation) and partners."""
    return InitiativeFactory(
        lead_organisation=cast.other_organisation,
        visibility=Initiative.Visibility.PARTNERS,
        communes=[registry.oujda],
    )


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302


def test_the_list_shows_cards_table_counts_and_filters(cast, own, registry):
    response = cast.client_for("readonly").get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert own.title in body
    assert 'name="q"' in body and 'name="commune"' in body and 'name="period_start"' in body
    assert list(response.context["page"].object_list) == [own]
    assert "Register an initiative" not in body  # read-only members do not register


def test_the_list_filters_and_searches(cast, own, registry):
    InitiativeFactory(title="Autre à Oujda", communes=[registry.oujda])
    client = cast.client_for("member")
    response = client.get(LIST, {"q": "sensibilisation nador"})
    assert list(response.context["page"].object_list) == [own]
    response = client.get(LIST, {"commune": registry.oujda.pk})
    assert [i.title for i in response.context["page"].object_list] == ["Autre à Oujda"]
    response = client.get(LIST, {"commune": "not-a-number", "status": "nonsense"})
    assert response.status_code == 200  # invalid filters are ignored


def test_the_list_paginates(cast, registry):
    for _i in range(25):
        InitiativeFactory(communes=[registry.nador])
    response = cast.client_for("member").get(_en(LIST), {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert "25 initiatives found" in response.content.decode()


def test_the_detail_page_shows_everything(cast, own, registry):
    own.target_groups.set([registry.women])
    InitiativePartnerFactory(initiative=own, organisation=cast.other_organisation, role="funding")
    own.budget = 12000
    own.save()
    response = cast.client_for("member").get(_en(_detail(own)))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        own.title,
        cast.other_organisation.name,
        "funding",
        registry.women.name,
        registry.nador.name,
        "12,000",
        "History of changes",
        "Report people reached",
    ):
        assert text in body, text


def test_read_only_members_see_no_write_buttons(cast, own):
    body = cast.client_for("readonly").get(_en(_detail(own))).content.decode()
    assert _edit(own) not in body
    assert "History of changes" not in body


def test_markup_in_a_title_is_shown_escaped(cast, registry):
    initiative = InitiativeFactory(
        title='<script>alert("x")</script><b>Gras</b>', communes=[registry.nador]
    )
    for url in (_detail(initiative), LIST):
        body = cast.client_for("member").get(url).content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert" in body


def test_outsiders_get_404_on_a_partners_only_initiative(cast, hidden):
    client = cast.client_for("member")
    assert client.get(_detail(hidden)).status_code == 404
    assert client.get(_edit(hidden)).status_code == 404
    assert client.post(_edit(hidden), {"title": "x"}).status_code == 404
    url = reverse("initiatives:initiative_status", args=[hidden.pk])
    assert client.post(url, {"status": "cancelled"}).status_code == 404
    hidden.refresh_from_db()
    assert hidden.status == "ongoing"


def test_forged_ids_get_404(cast):
    client = cast.client_for("coordinator")
    assert client.get(reverse("initiatives:initiative_detail", args=[999999])).status_code == 404
    assert client.get(reverse("initiatives:initiative_update", args=[999999])).status_code == 404


def test_a_partner_sees_a_partners_only_initiative_but_cannot_edit_it(cast, hidden):
    InitiativePartnerFactory(initiative=hidden, organisation=cast.organisation)
    client = cast.client_for("member")
    assert client.get(_detail(hidden)).status_code == 200
    assert client.get(_edit(hidden)).status_code == 403


def test_read_only_gets_403_on_every_write(cast, own, registry):
    client = cast.client_for("readonly")
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _post_data(cast, registry)).status_code == 403
    assert client.get(_edit(own)).status_code == 403
    assert client.post(_edit(own), _post_data(cast, registry)).status_code == 403
    url = reverse("initiatives:initiative_status", args=[own.pk])
    assert client.post(url, {"status": "cancelled"}).status_code == 403
    reach = reverse("initiatives:reach_report", args=[own.pk])
    assert client.get(reach).status_code == 403
    assert Initiative.objects.count() == 1
    own.refresh_from_db()
    assert own.status == "ongoing"


def test_the_create_form_has_the_hooks_of_the_duplicate_panel(cast, registry):
    body = cast.client_for("member").get(CREATE).content.decode()
    assert 'id="initiative-form"' in body
    assert 'id="duplicate-candidates"' in body
    assert f'data-check-url="{reverse("initiatives:duplicate_check")}"' in body
    assert "initiatives/duplicates.js" in body
    for name in (
        "title",
        "description",
        "sector",
        "communes",
        "target_groups",
        "start_date",
        "end_date",
    ):
        assert f'name="{name}"' in body, name


@pytest.mark.parametrize("who", ["member", "admin", "coordinator"])
def test_create(cast, registry, who):
    response = cast.client_for(who).post(CREATE, _post_data(cast, registry))
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(initiative)
    assert initiative.title == "Caravane médicale à Beni Ansar"
    assert list(initiative.partnerships.values_list("organisation", "role")) == [
        (cast.other_organisation.pk, "implementing")
    ]
    assert AuditEvent.objects.filter(action="create").count() == 1


def test_a_member_may_only_choose_their_organisation_as_lead(cast, registry):
    response = cast.client_for("member").post(
        CREATE, _post_data(cast, registry, lead_organisation=cast.other_organisation.pk)
    )
    assert response.status_code == 200
    assert "lead_organisation" in response.context["form"].errors
    assert Initiative.objects.count() == 0


def test_create_errors_are_shown_and_nothing_is_written(cast, registry):
    response = cast.client_for("member").post(
        CREATE, _post_data(cast, registry, communes=[], end_date="2025-01-01")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "communes" in errors and "end_date" in errors
    assert Initiative.objects.count() == 0


def test_errors_in_french(cast, registry):
    response = cast.client_for("member").post(
        "/fr/initiatives/new/", _post_data(cast, registry, end_date="2025-01-01")
    )
    assert "La date de fin ne peut pas précéder la date de début." in response.content.decode()


def test_update(cast, own, registry):
    client = cast.client_for("member")
    form = client.get(_edit(own)).context["form"]
    assert form["title"].value() == own.title
    response = client.post(
        _edit(own), _post_data(cast, registry, title="Titre corrigé", partners_implementing=[])
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Titre corrigé"
    assert own.partnerships.count() == 0


def test_the_coordinator_edits_any_initiative(cast, hidden, registry):
    response = cast.client_for("coordinator").post(
        _edit(hidden),
        _post_data(
            cast,
            registry,
            lead_organisation=cast.other_organisation.pk,
            title="Corrigé",
            partners_implementing=[],
        ),
    )
    assert response.status_code == 302
    hidden.refresh_from_db()
    assert hidden.title == "Corrigé"


def test_the_status_form(cast, own):
    url = reverse("initiatives:initiative_status", args=[own.pk])
    response = cast.client_for("member").post(url, {"status": "completed"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "completed"


def test_the_audit_trail_is_for_editors(cast, own):
    url = reverse("initiatives:initiative_audit", args=[own.pk])
    cast.client_for("member").post(
        reverse("initiatives:initiative_status", args=[own.pk]), {"status": "completed"}
    )
    response = cast.client_for("admin").get(_en(url))
    assert response.status_code == 200
    assert "completed" in response.content.decode()
    assert cast.client_for("readonly").get(url).status_code == 403
    assert cast.client_for("outsider").get(url).status_code == 403  # shared: visible, not theirs


def test_monthly_and_to_date_figures_are_never_mixed_on_the_page(cast, own, registry):
    march = ReportingPeriodFactory(month=datetime.date(2026, 3, 1))
    april = ReportingPeriodFactory(month=datetime.date(2026, 4, 1))
    common = {"initiative": own, "commune": registry.nador, "men": 0, "girls": 0, "boys": 0}
    ReachReportFactory(period=march, women=111, cumulative_women=111, **common)
    ReachReportFactory(period=april, women=222, cumulative_women=300, **common)
    response = cast.client_for("member").get(_detail(own))
    body = response.content.decode()
    cumulative = body[body.index("reach-cumulative") : body.index("reach-monthly")]
    start = body.index("reach-monthly")
    monthly = body[start : body.index("</table>", start)]

    def figures(html: str) -> set[str]:
        # The numbers in the cells only: links hold ids, such as /initiatives/1333/.
        return set(re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", html))

    assert "300" in figures(cumulative) and not {"222", "333"} & figures(cumulative)
    assert {"111", "222"} <= figures(monthly) and not {"300", "333"} & figures(monthly)


def test_the_audit_trail_names_partners_with_their_roles_and_groups(cast, own, registry):
    from madina.initiatives import services

    services.initiative_update(
        actor=cast.member,
        initiative=own,
        data={"partners": [(cast.other_organisation, "technical")]},
    )
    services.reach_report_save(
        actor=cast.member,
        initiative=own,
        commune=registry.nador,
        month=datetime.date(2026, 3, 1),
        values={"women": 4},
        by_group={registry.women: 4},
    )
    url = reverse("initiatives:initiative_audit", args=[own.pk])
    body = cast.client_for("admin").get(_en(url)).content.decode()
    with translation.override("en"):
        assert f"{cast.other_organisation.name} (technical)" in body
        assert f"{registry.women.name}: 4" in body


def test_the_create_form_offers_the_members_organisation_and_page_language(cast, registry):
    form = cast.client_for("member").get("/fr/initiatives/new/").context["form"]
    assert form["lead_organisation"].value() == cast.organisation.pk
    assert form["language"].value() == "fr"
    assert list(form.fields["lead_organisation"].queryset) == [cast.organisation]


def test_translations_are_saved_from_the_form_and_shown_on_the_detail_page(cast, registry):
    client = cast.client_for("member")
    body = client.get(CREATE).content.decode()
    assert 'name="translation_title_ar"' in body and 'name="translation_description_en"' in body
    response = client.post(
        CREATE,
        _post_data(
            cast,
            registry,
            translation_title_ar="قافلة طبية ببني أنصار",
            translation_description_ar="فحوصات للنساء والأطفال",
            translation_title_en="Medical caravan in Beni Ansar",
            translation_title_fr="",
        ),
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.translations == {
        "ar": {"title": "قافلة طبية ببني أنصار", "description": "فحوصات للنساء والأطفال"},
        "en": {"title": "Medical caravan in Beni Ansar"},
    }
    # The translations are searchable: the Arabic title finds the French record.
    found = client.get(LIST, {"q": "قافلة طبية"}).context["page"].object_list
    assert [item.pk for item in found] == [initiative.pk]
    # The Arabic page shows the Arabic translation first, marked with its language.
    detail = client.get(_detail(initiative)).content.decode()
    assert detail.index('lang="ar"', detail.index("translation")) < detail.index(
        "Medical caravan in Beni Ansar"
    )
    assert "فحوصات للنساء والأطفال" in detail
    # The edit form shows them again, and emptying a title removes that translation.
    form = client.get(_edit(initiative)).context["form"]
    assert form["translation_title_en"].value() == "Medical caravan in Beni Ansar"
    client.post(
        _edit(initiative),
        _post_data(
            cast,
            registry,
            translation_title_ar="قافلة طبية ببني أنصار",
            translation_title_en="",
        ),
    )
    initiative.refresh_from_db()
    assert initiative.translations == {"ar": {"title": "قافلة طبية ببني أنصار"}}


def test_a_translated_description_needs_its_title_and_markup_is_kept_as_text(cast, registry):
    client = cast.client_for("member")
    response = client.post(
        "/fr/initiatives/new/",
        _post_data(cast, registry, translation_description_en="<b>no title</b>"),
    )
    assert response.status_code == 200
    assert "translation_title_en" in response.context["form"].errors
    assert Initiative.objects.count() == 0
    client.post(CREATE, _post_data(cast, registry, translation_title_en="<script>x</script>"))
    detail = client.get(_detail(Initiative.objects.get())).content.decode()
    assert "<script>x</script>" not in detail and "&lt;script&gt;x&lt;/script&gt;" in detail


def test_the_translation_in_the_texts_own_language_is_not_repeated(cast, registry):
    initiative = InitiativeFactory(
        lead_organisation=cast.organisation,
        language="fr",
        translations={"fr": {"title": "Doublon"}, "en": {"title": "English title"}},
    )
    detail = cast.client_for("member").get(_detail(initiative)).content.decode()
    assert "English title" in detail and "Doublon" not in detail
