"""No English left on the consultation pages: staff pages in Arabic and French, public pages in
Arabic, French and Spanish (see core's coverage test)."""

import pytest
from django.test import Client

from madina.consultations import services
from madina.consultations.models import Response
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, _Texts

pytestmark = pytest.mark.django_db

# Words French or Spanish share with English on these pages, and the question texts (French).
SAME = {
    "Consultations",
    "consultations",
    "Consultation",
    "Options",
    "Option",
    "Description",
    "Date",
    "Dates",
    "Question",
    "Questions",
    "Total",
    "Organisation",
    "Position",
    "Points",
    "Excel",
    "CSV",
    "Nador",
    "Beni Ansar",
    "Selouane",
    "Madina",
    "Place",
    "migrants",
}


def _english_left(texts: dict[str, set[str]], language: str) -> set[str]:
    def latin(text: str) -> bool:
        text = _names_out(text)
        for word in sorted(SAME, key=len, reverse=True):
            text = text.replace(word, "")
        return bool(_LATIN_WORD.search(text))

    return {t for t in texts[language] & texts["en"] if latin(t)}


@pytest.fixture
def arabic_survey(survey, cast):
    """Organisation and answers in Arabic only: any Latin word left is interface text."""
    cast.organisation.name_ar, cast.organisation.name_fr = "جمعية الريف", ""
    cast.organisation.acronym = ""
    cast.organisation.save()
    cast.other_organisation.name_ar, cast.other_organisation.name_fr = "جمعية وجدة", ""
    cast.other_organisation.acronym = ""
    cast.other_organisation.save()
    cast.coordinator.full_name = "سميرة"
    cast.coordinator.save()
    consultation = survey.consultation
    consultation.title = {"ar": "الولوج إلى العلاج"}
    consultation.description = {}
    consultation.save()
    for question in consultation.questions.all():
        question.text = {"ar": f"سؤال {question.order}"}
        question.save()
        for option in question.options.all():
            option.text = {"ar": f"خيار {option.order}"}
            option.save()
    services.response_submit(
        actor=None,
        consultation=consultation,
        channel=Response.Channel.PORTAL,
        language="ar",
        answers={services.answer_key(survey.visited): [survey.option(survey.visited, 1)]},
    )
    return survey


def texts_of(response, *, main_only: bool) -> set[str]:
    """The interface texts of a page; of its ``<main>`` only for portal pages, whose frame
    (header, footer) is the portal's and translated with it."""
    content = response.content.decode()
    if main_only:
        content = content[content.index("<main") : content.index("</main>")]
    parser = _Texts()
    parser.feed(content)
    return parser.texts


def _check(client, paths, languages):
    for path in paths:
        texts = {}
        for language in ("en", *languages):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            texts[language] = texts_of(response, main_only=path.startswith("/portal/"))
        for language in languages:
            assert not _english_left(texts, language), (path, language)
        if "ar" in languages:
            latin = {t for t in texts["ar"] if _LATIN_WORD.search(_names_out(t))}
            latin = {t for t in latin if not any(word in t for word in SAME)}
            assert not latin, (path, sorted(latin))


def test_staff_pages_are_translated(cast, arabic_survey):
    pk = arabic_survey.consultation.pk
    paths = [
        "/consultations/",
        "/consultations/new/",
        f"/consultations/{pk}/",
        f"/consultations/{pk}/results/",
        f"/consultations/{pk}/responses/new/",
        f"/consultations/{pk}/summary/",
        f"/consultations/{pk}/edit/",
    ]
    _check(cast.client_for("coordinator"), paths, ("ar", "fr"))


def test_public_pages_are_translated(cast, arabic_survey):
    consultation = arabic_survey.consultation
    paths = [
        "/portal/consultations/",
        f"/portal/consultations/{consultation.pk}/",
        f"/portal/consultations/{consultation.pk}/thanks/",
    ]
    _check(Client(), paths, ("ar", "fr", "es"))
    services.consultation_close(actor=cast.admin, consultation=consultation)
    services.consultation_summary_save(
        actor=cast.admin, consultation=consultation, summary={"ar": "شكرا"}, publish=True
    )
    _check(
        Client(),
        [
            f"/portal/consultations/{consultation.pk}/",
            f"/portal/consultations/{consultation.pk}/what-you-told-us/",
        ],
        ("ar", "fr", "es"),
    )
