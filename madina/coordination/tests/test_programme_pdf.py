"""The programme as a PDF: the page is drawn; the Arabic title comes back from the text layer."""

import unicodedata

import pytest

from madina.core.tests.test_pdf import dark_share, fonts_of, page_text

pytestmark = pytest.mark.django_db

TITLE = "برنامج عمل الفضاء التنسيقي بين الجماعات"


def test_the_arabic_pdf_carries_the_title_in_its_text_layer(cast, plan):
    plan.programme.title = TITLE
    plan.programme.save()
    response = cast.client_for("readonly").get(
        f"/ar/spaces/programmes/{plan.programme.pk}/programme.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="programme-{plan.programme.pk}.pdf"' in response["Content-Disposition"]
    # The page is drawn (not blank, not a black box), in the bundled Arabic font.
    assert 0.005 < dark_share(response.content) < 0.5
    assert any("Arabic" in font for font in fonts_of(response.content, 0, TITLE[:6]))
    text = unicodedata.normalize("NFKC", page_text(response.content, 0))
    assert TITLE in text


def test_the_french_pdf_lists_the_items_with_their_lead(cast, plan):
    response = cast.client_for("member").get(
        f"/fr/spaces/programmes/{plan.programme.pk}/programme.pdf"
    )
    text = " ".join(page_text(response.content, 0).split())
    assert "Cartographier les services" in text
    assert "Programme d'action 2025-2026" in text


def test_the_outsider_gets_no_pdf_of_a_private_space(cast, plan):
    response = cast.client_for("outsider").get(
        f"/fr/spaces/programmes/{plan.programme.pk}/programme.pdf"
    )
    assert response.status_code == 404
