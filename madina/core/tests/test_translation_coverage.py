"""No English left in the Arabic and French pages a user sees first.

Each page is rendered in English and in the language under test, with records whose names are
Arabic only. A piece of interface text (a text node, or an accessible label, placeholder or title)
that comes out the same in English and in the language under test was not translated. On Arabic
pages, any Latin word that is not a proper name is flagged too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from madina.actors.tests.factories import FocalPersonFactory, OrganisationFactory
from madina.coordination.tests.factories import (
    SpaceFactory,
    SpaceMemberFactory,
    SpaceRoleFactory,
)

# Proper names and technical words that are written the same in every language.
SAME_EVERYWHERE = {
    "English",
    "Madina",
    "العربيّة",
    "Français",
    "IATI",
    "OpenStreetMap",
    "ODbL",
    "CC BY 4.0",
    "HCP",
    "Ctrl",
    "Cmd",
    "https://",
    "ARS",
    "AOA",
    # French and English share these words.
    "Organisations",
    "Consultations",
    "Initiatives",
    "initiatives",
    "organisations",
    "Type",
    "type",
    "Mandat",
    "Communes",
    "Commune",
    "Contact",
    "Association",
    "associations",
    "Territory",
    "Description",
    "Date",
    "Action",
    "Actions",
    "Position",
    "Transport",
    "gendarmerie",
    "justice",
    "police",
    "public",
    "Organisation",
    "Composition",
    "composition",
    "rapporteur",
}
_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
_TECHNICAL = re.compile(r"^[\w.+\-]*[@\d/:][\w.+\-@/:]*$|^\W*$")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "svg"}:
            self._skip += 1
        for name, value in attrs:
            if name in _ATTRIBUTES and value:
                self._add(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self._add(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "svg"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text and not _TECHNICAL.match(text) and text not in SAME_EVERYWHERE:
            self.texts.add(text)


_IDENTIFIER = re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]+)+\b")


def _names_out(text: str) -> str:
    """The text without proper names and identifiers such as MA-RC-12345."""
    text = _IDENTIFIER.sub("", text)
    for name in sorted(SAME_EVERYWHERE, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def texts_of(response) -> set[str]:
    parser = _Texts()
    parser.feed(response.content.decode())
    return parser.texts


@pytest.fixture
def organisation(db):
    organisation = OrganisationFactory(
        name_ar="جمعية الريف للتضامن",
        name_fr="",
        acronym="ARS",
        mandate="مواكبة المهاجرين",
        email="contact@ars.example.org",
        phone="+212536601234",
    )
    FocalPersonFactory(organisation=organisation, full_name="سعاد", role="الإحالة", is_public=True)
    return organisation


@pytest.fixture
def space(db, organisation):
    space = SpaceFactory(
        name_ar="الفضاء المحلي لجمعيات الناظور",
        name_fr="",
        purpose_ar="تنسيق العمل مع المهاجرين",
        composition="الجمعيات المحلية",
        decision_making="بالتوافق",
        visibility="transparent",
    )
    SpaceMemberFactory(space=space, organisation=organisation, position="chair")
    return space


def _pages(organisation, space):
    pk = organisation.pk
    return [
        ("home", "/", False),
        ("login", "/accounts/login/", False),
        ("home signed in", "/", True),
        ("organisation list", "/organisations/", True),
        ("organisation detail", f"/organisations/{pk}/", True),
        ("organisation form", "/organisations/new/", True),
        ("organisation edit", f"/organisations/{pk}/edit/", True),
        ("space list", "/spaces/", True),
        ("space detail", f"/spaces/{space.pk}/", True),
        ("space form", "/spaces/new/", True),
        ("space edit", f"/spaces/{space.pk}/edit/", True),
        ("space close", f"/spaces/{space.pk}/close/", True),
        ("space member form", f"/spaces/{space.pk}/members/new/", True),
        ("space roles", f"/spaces/{space.pk}/roles/", True),
        ("space history", f"/spaces/{space.pk}/history/", True),
    ]


def test_first_pages_have_no_untranslated_text(client, cast, organisation, space):
    cast.coordinator.full_name = "سميرة العلوي"
    cast.coordinator.save()
    for record, name in [
        (cast.organisation, "جمعية الناظور"),
        (cast.other_organisation, "جمعية وجدة"),
    ]:
        record.name_ar, record.name_fr = name, ""
        record.save()
    SpaceRoleFactory(space=space, user=cast.coordinator, role="admin")
    signed_in = cast.client_for("coordinator")
    for name, path, needs_login in _pages(organisation, space):
        browser = signed_in if needs_login else client
        texts = {}
        for language in ("en", "ar", "fr"):
            response = browser.get(f"/{language}{path}")
            assert response.status_code == 200, (name, language)
            texts[language] = texts_of(response)
        # Records (written in Arabic here) are the same in every language; interface text is not.
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        english_everywhere = {text for text in everywhere if _LATIN_WORD.search(_names_out(text))}
        assert not english_everywhere, f"{name}: untranslated {sorted(english_everywhere)}"
        for language, other in (("ar", "fr"), ("fr", "ar")):
            # An entry missing in one catalogue shows the English text or, through the fallback
            # to the default language, another language's text.
            as_english = {
                text
                for text in (texts[language] & texts["en"]) - everywhere
                if _LATIN_WORD.search(_names_out(text))
            }
            as_other = (texts[language] & texts[other]) - everywhere
            same = as_english | as_other
            assert not same, f"{name} in {language}: untranslated {sorted(same)}"
        latin = {text for text in texts["ar"] if _LATIN_WORD.search(_names_out(text))}
        assert not latin, f"{name} in Arabic shows Latin text: {sorted(latin)}"
