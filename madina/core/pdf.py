"""PDF documents: a Django template, rendered in one language by WeasyPrint.

Domain apps write a template that extends ``pdf/base.html`` and call ``render_pdf``; a view hands
the bytes to ``pdf_response``. WeasyPrint lays the text out through Pango and HarfBuzz, which
shape Arabic (joining forms, ligatures) and order mixed right-to-left and left-to-right text.

A document loads nothing but the platform's own static files: relative and ``/static/`` URLs
resolve against ``BASE_URL``, an address that names no machine, and ``StaticFilesFetcher`` serves
those from the static files (the finders, then the collected storage). Every other URL — another
host, ``file://``, a path outside the static files — is refused and the document renders without
it. ``data:`` URLs are read in place: they carry their content and fetch nothing. The fonts are
bundled (see ``static/madina/pdf.css``), never the rendering machine's.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# What relative URLs in a document resolve against. The ".invalid" top-level domain is reserved
# (RFC 2606): the address can never reach a machine, and the fetcher below never tries.
BASE_URL = "https://madina.invalid/"


class RefusedURLError(ValueError):
    """A document asked for something other than the platform's static files."""


class StaticFilesFetcher(URLFetcher):
    """Serve a document the platform's static files, and nothing else.

    ``served`` lists the static files handed out, ``refused`` the URLs turned down, in order.
    """

    def __init__(self) -> None:
        # Only data: URLs ever reach the parent class's opener, and only through fetch() below.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        name = static_name(url)
        content = read_static_file(name) if name is not None else None
        if name is None or content is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to load %s: not one of the static files.", url)
            raise RefusedURLError(url)
        self.served.append(name)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, {"Content-Type": content_type})


def static_name(url: str) -> str | None:
    """The static file's name that ``url`` designates, or None if it designates none."""
    static = urlsplit(urljoin(BASE_URL, settings.STATIC_URL))
    parts = urlsplit(url)
    origin = (parts.scheme.lower(), parts.netloc.lower())
    if origin != (static.scheme.lower(), static.netloc.lower()):
        return None
    if not parts.path.startswith(static.path):
        return None
    name = unquote(parts.path[len(static.path) :])
    # A name must already be in its plain form: no "..", no "//", no "./", no backslash.
    if not name or "\\" in name or "\x00" in name or posixpath.normpath(name) != name:
        return None
    if name.startswith(("/", "../")) or name == "..":
        return None
    return name


def read_static_file(name: str) -> bytes | None:
    """The content of the static file ``name`` from the finders or the collected files."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as source:
            return source.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as source:
            return source.read()
    return None


def render_pdf(
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    language: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """Render ``template_name`` (which extends ``pdf/base.html``) to PDF bytes.

    ``language`` defaults to the active one (the request's, under LocaleMiddleware); the
    document is written wholly in it: translated strings, dates, ``<html lang dir>``.
    ``progress``, when given, is told each stage as it starts: "layout", then "write".
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"No such language on the platform: {language!r}")
    with translation.override(language):
        html = render_to_string(
            template_name, {**(context or {}), **_document_context()}, request=request
        )
    source = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    if progress:
        progress("layout")
    document = source.render(font_config=FontConfiguration())
    if progress:
        progress("write")
    return document.write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """An HTTP response that downloads ``pdf`` as ``filename``.

    The name is the caller's choice and must carry no personal data (a record's code or number,
    a date; never a person's name): it is kept in browser histories and download folders.
    """
    stem = get_valid_filename(filename.removesuffix(".pdf")) or "document"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document_context() -> dict[str, Any]:
    """What pdf/base.html needs, in the active language."""
    rtl = translation.get_language_bidi()
    printed_on = date_format(timezone.localdate(), "DATE_FORMAT")
    return {
        "pdf_dir": "rtl" if rtl else "ltr",
        # Page-margin boxes are named by physical side: the start of a line is on the right in
        # Arabic.
        "pdf_start": "right" if rtl else "left",
        "pdf_end": "left" if rtl else "right",
        "pdf_platform": _css_content(gettext("Madina")),
        "pdf_printed_on": _css_content(gettext("Printed on %(date)s") % {"date": printed_on}),
        "pdf_page_of": _page_of_pages(),
    }


def _page_of_pages() -> SafeString:
    """The translated "Page X of Y" as a CSS ``content`` value with the page counters in it."""
    pieces = re.split(r"%\((number|total)\)s", gettext("Page %(number)s of %(total)s"))
    counters = {"number": "counter(page)", "total": "counter(pages)"}
    values = []
    for index, piece in enumerate(pieces):
        if index % 2:
            values.append(counters[piece])
        elif piece:
            values.append(_css_string(piece))
    return mark_safe(" ".join(values))  # noqa: S308 -- every piece is escaped by _css_string.


def _css_content(text: str) -> SafeString:
    return mark_safe(_css_string(text))  # noqa: S308 -- escaped by _css_string.


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string that is also safe inside an HTML ``<style>`` element."""
    escaped = "".join(
        char if char.isprintable() and char not in '"\\<>&' else f"\\{ord(char):x} "
        for char in text
    )
    return f'"{escaped}"'
