"""No English left on the feedback pages: staff pages in Arabic and French, public pages in
Arabic, French and Spanish (see core's coverage test for the method)."""

import re

import pytest

from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of
from madina.feedback import services
from madina.feedback.tests.conftest import public_post, submission

pytestmark = pytest.mark.django_db

# Words French or Spanish share with English on these pages.
SAME = {
    "Total",
    "Message",
    "message",
    "Actions",
    "Code",
    "Commune",
    "commune",
    "Pages",
    "Canal",
    "canal",
    "question",
    "protection",
    "organisation",
    "date",
    "note",
    "Nador",
    "WhatsApp",
    "CSV",
    "XLSX",
    "sensible",
    "Madina",
    "Note",
    "Protection",
    "Question",
    "e-mail",
    # The example code in the help text of the status form.
    "ACDEF-GHJKM",
}


# A feedback item's reference code (five characters, a dash, five more): a code, not text to
# translate. Drawn at random, it is sometimes all letters, which reads as a Latin word.
_REFERENCE_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


def _latin(text: str) -> bool:
    text = _REFERENCE_CODE.sub("", _names_out(text))
    for word in sorted(SAME, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


class _Main:
    """The ``<main>`` of a page only: the portal's shell (header, footer) has its own test."""

    def __init__(self, response):
        page = response.content.decode()
        start, end = page.find("<main"), page.find("</main>")
        self.content = (page[start:end] if start >= 0 else page).encode()


def _check(responses: dict, languages) -> None:
    texts = {language: texts_of(_Main(response)) for language, response in responses.items()}
    for language in languages:
        same = {t for t in texts[language] & texts["en"] if _latin(t)}
        assert not same, (language, sorted(same))
    if "ar" in languages:
        latin = {t for t in texts["ar"] if _latin(t)}
        assert not latin, sorted(latin)


@pytest.fixture
def records(cast, commune, team_member):
    for organisation, name in (
        (cast.organisation, "جمعية الريف"),
        (cast.other_organisation, "جمعية وجدة"),
    ):
        organisation.name_ar, organisation.name_fr = name, ""
        organisation.save()
    people = [cast.admin, cast.member, cast.readonly, cast.outsider, cast.coordinator, team_member]
    names = ["سميرة", "نادية", "كريم", "إلهام", "يوسف", "فاطمة"]
    for user, name in zip(people, names, strict=True):
        user.full_name = name
        user.save()
    feedback = services.feedback_submit(
        data=submission(organisation=cast.organisation, commune=commune, message="رسالة")
    )
    services.feedback_answer(
        actor=cast.coordinator, feedback=feedback, response="جواب", channel="status_page"
    )
    services.you_said_create(
        actor=cast.coordinator,
        data={
            "category": "health",
            "said_ar": "قيل",
            "did_ar": "فعل",
            "done_on": "2026-10-01",
            "is_published": True,
        },
    )
    return feedback


def test_staff_pages_are_translated(cast, records):
    client = cast.client_for("coordinator")
    entry = records.pk
    from madina.feedback.models import YouSaidWeDid

    you_said = YouSaidWeDid.objects.get().pk
    paths = [
        "/feedback/",
        "/feedback/new/",
        f"/feedback/{entry}/",
        "/feedback/teams/",
        "/feedback/you-said-we-did/",
        "/feedback/you-said-we-did/new/",
        f"/feedback/you-said-we-did/{you_said}/",
    ]
    for path in paths:
        responses = {}
        for language in ("en", "ar", "fr"):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            responses[language] = response
        _check(responses, ("ar", "fr"))


def test_public_pages_are_translated(client, records):
    for path in ("/portal/feedback/", "/portal/feedback/status/", "/portal/feedback/results/"):
        responses = {lang: client.get(f"/{lang}{path}") for lang in ("en", "ar", "fr", "es")}
        _check(responses, ("ar", "fr", "es"))
    # The confirmation, a status found, a status not found, and the form with errors.
    for post_path, data in (
        ("/portal/feedback/", public_post()),
        ("/portal/feedback/", public_post(message="x" * 4001, answer_by="email")),
        ("/portal/feedback/status/", {"code": records.reference}),
        ("/portal/feedback/status/", {"code": "AAAAA-AAAAA"}),
    ):
        responses = {
            lang: client.post(f"/{lang}{post_path}", data) for lang in ("en", "ar", "fr", "es")
        }
        _check(responses, ("ar", "fr", "es"))
