"""PDF documents: Arabic shaped and right to left, the bundled fonts, nothing loaded from outside.

The PDFs are read back the way a person and a machine would: pypdfium2 rasterises page 1 (is
anything drawn?) and reads the text layer (does the Arabic title come back as the same Unicode
text?). WeasyPrint maps each glyph back to the characters of its cluster, so Arabic contextual
forms come back as the base letters (U+0628…), not as presentation forms (U+FE8F…), and in logical
order; the comparison still goes through NFKC, which folds presentation forms to base letters, so
that it holds whichever way a PDF reader reports them. Reversed order would fail it: that is
what a broken right-to-left layout looks like.
"""

from __future__ import annotations

import copy
import ctypes
import socket
import unicodedata
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from django.test import override_settings

from madina.core import pdf as pdf_module
from madina.core.pdf import StaticFilesFetcher, pdf_response, render_pdf, static_name

ARABIC_TITLE = "برنامج عمل الفضاء التنسيقي بين الجماعات"
FRENCH_TITLE = "Programme d'action de l'espace de coordination intercommunal"
NBSP = "\u00a0"
# Enough rows for two pages, so that "page X of Y" is tested past the first.
ROWS = 30


@pytest.fixture(scope="module", autouse=True)
def test_templates():
    from django.conf import settings

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    with override_settings(TEMPLATES=templates):
        yield


class RecordingFetcher(StaticFilesFetcher):
    """The platform's fetcher, remembered so that a test can ask what it served and refused."""

    instances: list[RecordingFetcher] = []

    def __init__(self) -> None:
        super().__init__()
        RecordingFetcher.instances.append(self)


def render(template_name: str, context: dict, language: str) -> tuple[bytes, RecordingFetcher]:
    RecordingFetcher.instances = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_module, "StaticFilesFetcher", RecordingFetcher)
        pdf = render_pdf(template_name, context, language=language)
    (fetcher,) = RecordingFetcher.instances
    return pdf, fetcher


def programme(language: str) -> tuple[bytes, RecordingFetcher]:
    if language == "ar":
        context = {
            "title": ARABIC_TITLE,
            "summary": "يهدف هذا البرنامج (2025–2027) إلى تنسيق 14 مبادرة في جماعة Nador.",
            "headings": ["الإجراء", "الجهة المسؤولة", "الجماعة", "الميزانية (درهم)"],
            "rows": [
                ("تكوين 30 مربية في مجال الحماية", "Association AFSR", "الناظور", f"120{NBSP}000"),
                ("حملات تحسيسية في 12 مدرسة", "UNICEF Maroc", "بني انصار", f"45{NBSP}500"),
            ]
            * (ROWS // 2),
        }
    else:
        context = {
            "title": FRENCH_TITLE,
            "summary": "Élaboré à Nador en 2025 : 14 initiatives, « coordination » réussie.",
            "headings": ["Action", "Responsable", "Commune", "Budget (MAD)"],
            "rows": [
                ("Former 30 éducatrices — الناظور", "Association AFSR", "Nador", f"120{NBSP}000"),
                ("Sensibiliser 12 écoles", "UNICEF Maroc", "Beni Ansar", f"45{NBSP}500"),
            ]
            * (ROWS // 2),
        }
    return render("pdf_tests/programme.html", context, language)


@pytest.fixture(scope="module")
def arabic(test_templates):
    return programme("ar")


@pytest.fixture(scope="module")
def french(test_templates):
    return programme("fr")


def page_text(pdf: bytes, index: int) -> str:
    return pypdfium2.PdfDocument(pdf)[index].get_textpage().get_text_bounded()


def dark_share(pdf: bytes, index: int = 0) -> float:
    """The share of page ``index``'s pixels that are dark, rasterised at 72 dpi in grey."""
    image = pypdfium2.PdfDocument(pdf)[index].render(scale=1, grayscale=True).to_pil()
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) / sum(histogram)


def fonts_of(pdf: bytes, index: int, text: str) -> set[str]:
    """The names of the fonts that draw ``text`` on page ``index``, without subset prefixes."""
    textpage = pypdfium2.PdfDocument(pdf)[index].get_textpage()
    searcher = textpage.search(text)
    found = searcher.get_next()
    assert found, f"{text!r} is not on the page"
    start, count = found
    names = set()
    for char in range(start, start + count):
        size = pdfium_raw.FPDFText_GetFontInfo(textpage.raw, char, None, 0, None)
        buffer = ctypes.create_string_buffer(size)
        pdfium_raw.FPDFText_GetFontInfo(textpage.raw, char, buffer, size, None)
        name = buffer.value.decode()
        if name:
            names.add(name.split("+", 1)[-1])
    return names


def test_the_arabic_page_is_drawn(arabic):
    pdf, _fetcher = arabic
    assert pdf.startswith(b"%PDF-")
    # Text, rules and table borders: a few percent of the page; a blank page has none.
    assert 0.01 < dark_share(pdf) < 0.5


def test_the_arabic_text_layer_gives_back_the_title(arabic):
    pdf, _fetcher = arabic
    text = page_text(pdf, 0)
    folded = unicodedata.normalize("NFKC", text)
    assert ARABIC_TITLE in folded
    # WeasyPrint maps glyphs to the base letters already: no presentation form needed folding.
    assert not [char for char in text if "\ufb50" <= char <= "\ufeff"]
    assert ARABIC_TITLE[::-1] not in folded
    for words in ("تكوين 30 مربية في مجال الحماية", "الناظور", "بني انصار", "Nador"):
        assert words in folded


def test_the_arabic_title_starts_on_the_right(arabic):
    pdf, _fetcher = arabic
    page = pypdfium2.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    start, _count = textpage.search(ARABIC_TITLE).get_next()
    left, _bottom, right, _top = textpage.get_charbox(start)
    width = page.get_width()
    # The first letter of a right-to-left heading sits against the right margin.
    assert left > width / 2
    assert width - right < 0.15 * width


def test_the_arabic_page_frame_is_translated(arabic):
    pdf, _fetcher = arabic
    assert len(pypdfium2.PdfDocument(pdf)) == 2
    first, second = page_text(pdf, 0), page_text(pdf, 1)
    assert "المدينة" in first
    assert "طبع بتاريخ" in first
    assert "الصفحة 1 من 2" in first
    assert "الصفحة 2 من 2" in second
    assert "Page" not in first + second
    assert "Printed" not in first + second


def test_arabic_is_drawn_with_the_bundled_fonts(arabic):
    pdf, fetcher = arabic
    assert fonts_of(pdf, 0, ARABIC_TITLE) == {"Madina-Arabic-Bold"}
    assert fonts_of(pdf, 0, "الناظور") == {"Madina-Arabic"}
    assert fonts_of(pdf, 0, "AFSR") == {"Madina-Latin"}
    assert "vendor/fonts/amiri/amiri-arabic-400-normal.woff2" in fetcher.served
    assert "vendor/fonts/amiri/amiri-arabic-700-normal.woff2" in fetcher.served
    assert "vendor/fonts/noto-sans/noto-sans-latin-400-normal.woff2" in fetcher.served
    assert fetcher.refused == []


def test_the_french_document(french):
    pdf, fetcher = french
    assert 0.01 < dark_share(pdf) < 0.5
    first = unicodedata.normalize("NFKC", page_text(pdf, 0))
    second = page_text(pdf, 1)
    # The title may wrap over two lines.
    assert FRENCH_TITLE in " ".join(first.split())
    assert "Élaboré à Nador en 2025" in first
    assert "« coordination »" in first
    assert "Imprimé le" in first
    assert "Page 1 sur 2" in first
    assert "Page 2 sur 2" in second
    assert fonts_of(pdf, 0, "Élaboré") == {"Madina-Latin"}
    assert fonts_of(pdf, 0, "الناظور") == {"Madina-Arabic"}
    assert fetcher.refused == []


def test_a_french_page_starts_on_the_left(french):
    pdf, _fetcher = french
    page = pypdfium2.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    start, _count = textpage.search("Programme").get_next()
    left, _bottom, _right, _top = textpage.get_charbox(start)
    assert left < page.get_width() / 4


def test_nothing_is_fetched_from_outside_the_static_files(monkeypatch):
    connections = []

    def no_network(*args, **kwargs):
        connections.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    pdf, fetcher = render("pdf_tests/outside_resources.html", {"title": "Ressources"}, "fr")

    assert pdf.startswith(b"%PDF-")
    assert "Ressources" in page_text(pdf, 0)
    assert connections == []
    assert "http://example.org/x.png" in fetcher.refused
    assert "http://example.org/style.css" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert "https://madina.invalid/manage.py" in fetcher.refused
    assert "madina/favicon.svg" in fetcher.served
    assert "madina/pdf.css" in fetcher.served


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://madina.invalid/static/madina/pdf.css", "madina/pdf.css"),
        ("https://MADINA.invalid/static/vendor/fonts/amiri/LICENSE", "vendor/fonts/amiri/LICENSE"),
        ("https://madina.invalid/static/madina/pdf.css?v=1#top", "madina/pdf.css"),
        ("http://madina.invalid/static/madina/pdf.css", None),
        ("https://example.org/static/madina/pdf.css", None),
        ("https://madina.invalid/media/upload.png", None),
        ("https://madina.invalid/STATIC/madina/pdf.css", None),
        ("https://madina.invalid/static/%2e%2e/%2e%2e/manage.py", None),
        ("https://madina.invalid/static/madina/../../manage.py", None),
        ("https://madina.invalid/static//etc/passwd", None),
        ("https://madina.invalid/static/", None),
        ("file:///work/main/build/vendor/vendor/fonts/amiri/LICENSE", None),
        ("ftp://madina.invalid/static/madina/pdf.css", None),
    ],
)
def test_which_urls_name_a_static_file(url, name):
    assert static_name(url) == name


def test_the_fetcher_refuses_a_static_name_that_is_no_file():
    fetcher = StaticFilesFetcher()
    with pytest.raises(ValueError, match="no-such-file"):
        fetcher.fetch("https://madina.invalid/static/madina/no-such-file.css")
    assert fetcher.refused == ["https://madina.invalid/static/madina/no-such-file.css"]


def test_the_fetcher_reads_data_urls_in_place():
    response = StaticFilesFetcher().fetch("data:text/plain;base64,TWFkaW5h")
    assert response.read() == b"Madina"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="xx"):
        render_pdf("pdf_tests/programme.html", {"title": "x"}, language="xx")


def test_pdf_response_downloads_under_a_plain_name():
    response = pdf_response(b"%PDF-1.7", 'programme "2025"/x.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="programme_2025x.pdf"'
    assert response.content == b"%PDF-1.7"


def test_page_texts_are_escaped_for_css():
    assert pdf_module._css_string('a "b" \\ </style>') == '"a \\22 b\\22  \\5c  \\3c /style\\3e "'
