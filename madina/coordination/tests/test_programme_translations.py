"""No English left in the Arabic and French pages of programmes, with the helpers and the rule of
madina/core/tests/test_translation_coverage.py (records are written in Arabic only)."""

from __future__ import annotations

import datetime
import re

import pytest

from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory
from madina.coordination.models import ItemEvidence, ReviewRequest
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
    SpaceMemberFactory,
    SpaceRoleFactory,
)
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of

pytestmark = pytest.mark.django_db

# Written the same in French and English, beside the core test's SAME_EVERYWHERE.
# A file's name is shown as it was given.
EVIDENCE_NAME = "تقرير الورشة.pdf"
ALSO_SAME = {"action", "Code", EVIDENCE_NAME}
# File extensions (".pdf, .docx") are written in Latin letters in every language.
_EXTENSION = re.compile(r"\.[a-z0-9]{2,5}\b")


@pytest.fixture
def programme(cast):
    for record, name in [
        (cast.organisation, "جمعية الناظور"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        record.name_ar, record.name_fr = name, ""
        record.save()
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    space = SpaceFactory(name_ar="الفضاء التنسيقي بين الجماعات", name_fr="", visibility="private")
    SpaceMemberFactory(space=space, organisation=cast.organisation, position="secretariat")
    SpaceRoleFactory(space=space, user=cast.coordinator, role="admin")
    programme = ProgrammeFactory(space=space, title="برنامج العمل المشترك")
    axis = ItemFactory(programme=programme, kind="axis", code="1", title="الحكامة الترابية")
    action = ItemFactory(
        programme=programme,
        parent=axis,
        code="1.1",
        title="خريطة الخدمات",
        description="جرد الخدمات المتاحة",
        expected_result="دليل منشور",
        indicators="عدد الخدمات",
        budget=12000,
        start_date=datetime.date(2024, 1, 1),
        due_date=datetime.date(2024, 6, 30),
        status="on_track",
        status_overridden=True,
        status_reason="تأخر التمويل",
    )
    ItemFactory(programme=programme, parent=axis, code="1.2", title="تكوين الأطر")
    ItemFactory(
        programme=programme, kind="milestone", parent=action, code="1.1.1", title="ورشة الإطلاق"
    )
    contact = FocalPersonFactory(organisation=cast.organisation, full_name="سعاد", is_public=True)
    lead = ResponsibilityFactory(
        item=action, organisation=cast.organisation, role="accountable", contact=contact
    )
    consulted = OrganisationFactory(name_ar="جماعة بني انصار", name_fr="")
    ResponsibilityFactory(item=action, organisation=consulted, role="consulted", scope="المراجعة")
    ResponsibilityFactory(item=action, organisation=cast.other_organisation, role="informed")
    review = ReviewRequest.objects.create(item=action, organisation=consulted)
    ItemEvidence.objects.create(
        item=action,
        file="evidence/actions/00/00.pdf",
        original_name=EVIDENCE_NAME,
        content_type="application/pdf",
        size=2048,
        title="تقرير الورشة",
    )
    return programme, action, lead, review


def _pages(cast, programme, action, lead, review):
    space = programme.space
    return [
        ("space detail", f"/spaces/{space.pk}/"),
        ("programme form", f"/spaces/{space.pk}/programmes/new/"),
        ("programme", f"/spaces/programmes/{programme.pk}/"),
        ("programme edit", f"/spaces/programmes/{programme.pk}/edit/"),
        ("raci", f"/spaces/programmes/{programme.pk}/raci/"),
        ("timeline", f"/spaces/programmes/{programme.pk}/timeline/"),
        ("item form", f"/spaces/programmes/{programme.pk}/items/new/"),
        ("item", f"/spaces/items/{action.pk}/"),
        ("item edit", f"/spaces/items/{action.pk}/edit/"),
        ("status", f"/spaces/items/{action.pk}/status/"),
        ("evidence form", f"/spaces/items/{action.pk}/evidence/new/"),
        ("responsibility", f"/spaces/items/{action.pk}/responsibilities/new/"),
        ("responsibility edit", f"/spaces/responsibilities/{lead.pk}/edit/"),
        ("overdue", f"/spaces/{space.pk}/overdue/"),
        ("organisation", f"/spaces/organisations/{cast.organisation.pk}/responsibilities/"),
    ]


def _check(name, browser, path):
    texts = {}
    for language in ("en", "ar", "fr"):
        response = browser.get(f"/{language}{path}")
        assert response.status_code == 200, (name, language)
        texts[language] = texts_of(response) - ALSO_SAME
    everywhere = texts["en"] & texts["ar"] & texts["fr"]
    english_everywhere = {text for text in everywhere if _LATIN_WORD.search(_names_out(text))}
    assert not english_everywhere, f"{name}: untranslated {sorted(english_everywhere)}"
    for language, other in (("ar", "fr"), ("fr", "ar")):
        as_english = {
            text
            for text in (texts[language] & texts["en"]) - everywhere
            if _LATIN_WORD.search(_names_out(text))
        }
        as_other = (texts[language] & texts[other]) - everywhere
        same = as_english | as_other
        assert not same, f"{name} in {language}: untranslated {sorted(same)}"
    latin = {
        text for text in texts["ar"] if _LATIN_WORD.search(_EXTENSION.sub("", _names_out(text)))
    }
    assert not latin, f"{name} in Arabic shows Latin text: {sorted(latin)}"


def test_programme_pages_have_no_untranslated_text(cast, programme):
    signed_in = cast.client_for("coordinator")
    for name, path in _pages(cast, *programme):
        _check(name, signed_in, path)


def test_the_review_page_has_no_untranslated_text(cast, programme):
    _programme, _action, _lead, review = programme
    from madina.accounts.tests.factories import MembershipFactory

    person = MembershipFactory(organisation=review.organisation, role="member").user
    person.full_name = "كريمة"
    person.save()
    browser = cast.client_for("coordinator")
    browser.force_login(person)
    _check("review", browser, f"/spaces/reviews/{review.pk}/")
