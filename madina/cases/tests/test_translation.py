"""No English left on the case and referral pages in Arabic and French (see core's test)."""

import re

import pytest
from django.utils import timezone

from madina.cases import services
from madina.cases.forms import _countries
from madina.cases.tests.conftest import NAME, verify
from madina.core.tests.test_translation_coverage import _LATIN_WORD, _names_out, texts_of

pytestmark = pytest.mark.django_db

CODE = re.compile(r"C-[2-9A-Z]{4}-[2-9A-Z]{4}")
# Words French shares with English on these pages, and formats written the same everywhere.
SAME_IN_FRENCH = {
    "Service",
    "Services",
    "service",
    "services",
    "Nador",
    "Note",
    "Transfert",
    "Incident",
    "Incidents",
    "incident",
    "incidents",
    "Total",
    "Profil",
    "Message",
    "Confidentiel",
    "SMS",
    "urgent",
    "Urgent",
    "WhatsApp",
    "JSON",
    "XLSX",
    "PDF",
    "commune",
    "Commune",
    "Documents",
    "document",
}
# Countries that French and English name alike (Afghanistan, Angola…).
_ENGLISH = dict(_countries("en"))
SAME_IN_FRENCH |= {name for code, name in _countries("fr") if name == _ENGLISH.get(code)}


# File formats and extensions (".pdf, .docx") are written the same in every language.
FORMATS = re.compile(r"\b(XLSX|JSON|PDF|CSV)\b|\.[a-z]{3,4}\b")


def _clean(text: str) -> str:
    # The person's name is data (the receiver's packet shows it), not interface text.
    return _names_out(FORMATS.sub("", CODE.sub("", text.replace(NAME, ""))))


def _latin(text: str) -> bool:
    text = _clean(text)
    for word in sorted(SAME_IN_FRENCH, key=len, reverse=True):
        text = text.replace(word, "")
    return bool(_LATIN_WORD.search(text))


@pytest.fixture
def world(ccast):
    for user, name in [
        (ccast.worker, "نادية"),
        (ccast.worker2, "خديجة"),
        (ccast.supervisor, "سعاد"),
        (ccast.supervisor2, "مريم"),
        (ccast.receiver, "لطيفة"),
        (ccast.coordinator, "سميرة"),
    ]:
        user.full_name = name
        user.save()
    for organisation, name in [
        (ccast.association, "جمعية الريف"),
        (ccast.court, "المحكمة الابتدائية"),
        (ccast.other, "جمعية وجدة"),
    ]:
        organisation.name_ar, organisation.name_fr, organisation.name_en = name, "", ""
        organisation.save()
    for service in (ccast.cell, ccast.shelter, ccast.no_referrals):
        service.name_fr = service.name_en = ""
        service.save()
    worker = verify(ccast.worker)
    case = ccast.open_case(consents=("services", "court_cell", "statistics"))
    today = timezone.localdate()
    services.assessment_save(actor=worker, case=case, risk="high", needs=["legal"])
    services.incident_record(
        actor=worker, case=case, type="rape", occurred_on=today, commune=ccast.commune
    )
    services.follow_up_add(actor=worker, case=case, on=today, kind="call")
    referral = services.referral_create(
        actor=worker, case=case, service=ccast.cell, profile="court_cell"
    )
    services.referral_send(actor=worker, referral=referral)
    services.approval_request(actor=worker, case=case, kind="plan")
    return case, referral


def _check(client, paths):
    for path in paths:
        texts = {}
        for language in ("en", "ar", "fr"):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            texts[language] = texts_of(response)
        everywhere = texts["en"] & texts["ar"] & texts["fr"]
        untranslated = {t for t in everywhere if _LATIN_WORD.search(_clean(t))}
        assert not untranslated, (path, sorted(untranslated))
        for language in ("ar", "fr"):
            same = {t for t in (texts[language] & texts["en"]) - everywhere if _latin(t)}
            assert not same, (path, language, sorted(same))
        latin = {t for t in texts["ar"] if _LATIN_WORD.search(_clean(t))}
        assert not latin, (path, sorted(latin))


def test_case_worker_pages_are_translated(ccast, world):
    case, referral = world
    code = case.code
    _check(
        ccast.client_for("worker"),
        [
            "/cases/",
            "/cases/list/",
            "/cases/new/",
            f"/cases/{code}/",
            f"/cases/{code}/assessment/",
            f"/cases/{code}/consents/new/",
            f"/cases/{code}/incidents/new/",
            f"/cases/{code}/plan/new/",
            f"/cases/{code}/follow-ups/new/",
            f"/cases/{code}/attachments/new/",
            f"/cases/{code}/access-log/",
            f"/cases/{code}/referrals/new/",
            f"/cases/{code}/referrals/new/?service={ccast.cell.pk}",
            f"/cases/referrals/{referral.pk}/",
            "/cases/referrals/",
            "/cases/referrals/?show=sent",
        ],
    )


def test_supervisor_and_receiver_pages_are_translated(ccast, world):
    case, referral = world
    approval = case.approvals.get()
    _check(
        ccast.client_for("supervisor"),
        [
            f"/cases/{case.code}/approvals/{approval.pk}/",
            f"/cases/{case.code}/workers/",
            f"/cases/{case.code}/delete/",
            "/cases/statistics/",
        ],
    )
    _check(ccast.client_for("receiver"), ["/cases/", f"/cases/referrals/{referral.pk}/"])
