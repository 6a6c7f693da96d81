"""Who may open the staff pages: works / outsider 404 on drafts / read-only and outsiders 403."""

import pytest

from madina.consultations.models import Consultation, Question

pytestmark = pytest.mark.django_db


def url(consultation, suffix=""):
    return f"/en/consultations/{consultation.pk}/{suffix}"


def test_a_draft_is_hidden_from_outsiders(cast, draft):
    consultation = draft.consultation
    for suffix in ("", "results/", "edit/", "questions/new/"):
        assert cast.client_for("outsider").get(url(consultation, suffix)).status_code == 404
    assert cast.client_for("readonly").get(url(consultation)).status_code == 200
    assert cast.client_for("coordinator").get(url(consultation)).status_code == 200
    listing = cast.client_for("outsider").get("/en/consultations/").content.decode()
    assert url(consultation) not in listing


def test_published_results_are_seen_by_every_signed_in_user(cast, survey):
    for name in ("outsider", "readonly", "member"):
        assert cast.client_for(name).get(url(survey.consultation, "results/")).status_code == 200


def test_only_editors_edit_and_enter_answers(cast, survey):
    for name in ("outsider", "readonly"):
        client = cast.client_for(name)
        assert client.get(url(survey.consultation, "edit/")).status_code == 403
        assert client.get(url(survey.consultation, "responses/new/")).status_code == 403
        assert client.get(url(survey.consultation, "summary/")).status_code == 403
    assert (
        cast.client_for("member").get(url(survey.consultation, "responses/new/")).status_code == 200
    )


def test_exports_are_for_the_organisation_and_coordinators(cast, survey):
    assert (
        cast.client_for("outsider").get(url(survey.consultation, "answers.csv")).status_code == 403
    )
    assert (
        cast.client_for("readonly").get(url(survey.consultation, "answers.csv")).status_code == 200
    )
    assert (
        cast.client_for("coordinator").get(url(survey.consultation, "answers.xlsx")).status_code
        == 200
    )


def test_members_cannot_publish_admins_can(cast, draft):
    consultation = draft.consultation
    cast.client_for("member").post(url(consultation, "publish/"))
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.DRAFT
    assert cast.client_for("member").post(url(consultation, "publish/")).status_code == 403
    cast.client_for("admin").post(url(consultation, "publish/"))
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.PUBLISHED


def test_a_consultation_and_a_question_are_created_through_the_pages(cast, territory):
    client = cast.client_for("member")
    assert client.get("/en/consultations/new/").status_code == 200
    response = client.post(
        "/en/consultations/new/",
        {
            "organisation": cast.organisation.pk,
            "title_fr": "Logement",
            "opens_on": "2030-01-01",
            "closes_on": "2030-02-01",
            "anonymous": "on",
            "communes": [territory.nador.pk],
            "target_groups": ["youth"],
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation.title == {"fr": "Logement"}
    assert list(consultation.communes.all()) == [territory.nador]
    response = client.post(
        url(consultation, "questions/new/"),
        {
            "kind": "single",
            "text_fr": "Avez-vous un logement ?",
            "options-TOTAL_FORMS": "3",
            "options-INITIAL_FORMS": "0",
            "options-0-text_fr": "Oui",
            "options-0-text_ar": "نعم",
            "options-1-text_fr": "Non",
            "options-2-text_fr": "",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert [o.text for o in question.options.all()] == [{"fr": "Oui", "ar": "نعم"}, {"fr": "Non"}]
    # A read-only member edits for no organisation.
    assert cast.client_for("readonly").post("/en/consultations/new/", {}).status_code == 403


def test_staff_entry_uses_the_portal_rules(cast, survey):
    client = cast.client_for("member")
    path = url(survey.consultation, "responses/new/")
    data = {
        "channel": "phone",
        "language": "other",
        f"q{survey.visited.pk}": survey.option(survey.visited, 0),
        f"q{survey.comment.pk}": "x" * 2001,
    }
    page = client.post(path, data).content.decode()
    assert "This question needs an answer." in page
    assert "too long" in page
    assert not survey.consultation.responses.exists()
    data[f"q{survey.welcome.pk}"] = "3"
    data[f"q{survey.comment.pk}"] = "Par téléphone"
    assert client.post(path, data).status_code == 302
    stored = survey.consultation.responses.get()
    assert (stored.channel, stored.language, stored.entered_by) == ("phone", "other", cast.member)
