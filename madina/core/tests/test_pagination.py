from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def render_page(number: int, language: str) -> str:
    request = RequestFactory().get("/fr/organisations/", {"q": "Nador", "page": number})
    page = Paginator(list(range(25)), 10).page(number)
    with translation.override(language):
        return render_to_string("includes/pagination.html", {"page": page}, request=request)


def test_pages_keep_the_filters_and_say_where_one_is():
    html = render_page(2, "fr")
    assert "Page 2 sur 3" in html
    assert 'href="?q=Nador&amp;page=1"' in html
    assert 'href="?q=Nador&amp;page=3"' in html


def test_pagination_in_arabic():
    html = render_page(1, "ar")
    assert "الصفحة 1 من 3" in html
    assert "التالي" in html
    assert "السابق" not in html


def test_a_single_page_shows_no_pagination():
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).page(1)
    assert (
        render_to_string("includes/pagination.html", {"page": page}, request=request).strip() == ""
    )
