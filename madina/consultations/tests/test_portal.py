"""The portal's consultation pages: answering anonymously, refusals, limits, and the summary."""

import pytest
from django.test import Client

from madina.consultations import services
from madina.consultations.models import Answer, Response
from madina.consultations.tests.conftest import portal_url, post_answers

pytestmark = pytest.mark.django_db


def test_the_list_shows_open_consultations_only(survey, draft):
    response = Client().get("/en/portal/consultations/")
    assert response.status_code == 200
    assert survey.consultation.get_public_url() in response.content.decode()
    assert draft.consultation.get_public_url() not in response.content.decode()


def test_the_answer_page_shows_questions_in_the_readers_language(survey):
    response = Client().get(portal_url(survey.consultation).replace("/en/", "/es/"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Acceso a la salud" in page
    assert "<legend" in page and 'type="radio"' in page
    assert "conditions.js" in page


def test_an_anonymous_answer_keeps_no_address_account_or_user(survey, territory):
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/1.0")
    yes = survey.option(survey.visited, 0)
    response = post_answers(
        client,
        survey,
        {survey.visited: [yes], survey.welcome: ["4"], survey.comment: ["Merci"]},
        commune=str(territory.nador.pk),
        group="women",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    stored = Response.objects.get()
    assert stored.channel == Response.Channel.PORTAL
    assert stored.entered_by is None
    assert stored.respondent_name == "" and stored.respondent_contact == ""
    assert stored.language == "en"
    assert (stored.group, stored.commune) == ("women", territory.nador)
    # Kept to the hour only.
    assert (stored.submitted_at.minute, stored.submitted_at.second) == (0, 0)
    values = [str(getattr(stored, f.attname)) for f in Response._meta.concrete_fields]
    assert not any("203.0.113.9" in v or "Phone/1.0" in v for v in values)
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "address", "user", "user_agent", "session"}
    assert Answer.objects.filter(response=stored).count() == 3


def test_a_closed_consultation_refuses_with_a_message_and_stores_nothing(survey, cast):
    services.consultation_close(actor=cast.admin, consultation=survey.consultation)
    response = post_answers(Client(), survey, {survey.visited: [survey.option(survey.visited, 1)]})
    assert response.status_code == 403
    assert "This consultation is closed" in response.content.decode()
    assert not Response.objects.exists()
    assert (
        "Nothing has been recorded"
        in Client().get(portal_url(survey.consultation)).content.decode()
    )


def test_a_closed_consultation_refuses_in_arabic_too(survey, cast):
    services.consultation_close(actor=cast.admin, consultation=survey.consultation)
    response = Client().post(portal_url(survey.consultation).replace("/en/", "/ar/"), {})
    assert response.status_code == 403
    assert "This consultation is closed" not in response.content.decode()
    assert not Response.objects.exists()


def test_a_draft_is_not_found(draft):
    response = post_answers(Client(), draft, {draft.visited: [draft.option(draft.visited, 1)]})
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_a_conditional_answer_is_ignored_when_its_condition_is_not_met(survey):
    no = survey.option(survey.visited, 1)
    response = post_answers(Client(), survey, {survey.visited: [no], survey.welcome: ["1"]})
    assert response.status_code == 302
    assert not Answer.objects.filter(question=survey.welcome).exists()
    assert Answer.objects.filter(question=survey.visited).count() == 1


def test_a_long_answer_is_refused_with_a_message(survey):
    no = survey.option(survey.visited, 1)
    response = post_answers(Client(), survey, {survey.visited: [no], survey.comment: ["é" * 2001]})
    assert response.status_code == 200
    assert "Your answer is too long: at most 2 000 characters (it has 2001)." in (
        response.content.decode()
    )
    assert not Response.objects.exists()


def test_a_long_answer_is_refused_in_french(survey):
    no = survey.option(survey.visited, 1)
    data = {
        services.answer_key(survey.visited): [no],
        services.answer_key(survey.comment): ["a" * 2001],
    }
    response = Client().post(portal_url(survey.consultation).replace("/en/", "/fr/"), data)
    assert "Votre réponse est trop longue" in response.content.decode()
    assert not Response.objects.exists()


def test_a_missing_required_answer_keeps_what_was_typed(survey):
    response = post_answers(Client(), survey, {survey.comment: ["<b>mon avis</b>"]})
    page = response.content.decode()
    assert "This question needs an answer." in page
    assert "&lt;b&gt;mon avis&lt;/b&gt;" in page
    assert not Response.objects.exists()


def test_the_rate_limit_stops_one_client_and_not_another(survey, settings):
    settings.MADINA_PUBLIC_RATE_LIMITS = {"default": (10, 3600), "answer": (2, 3600)}
    answers = {survey.visited: [survey.option(survey.visited, 1)]}
    flooding = Client(REMOTE_ADDR="198.51.100.1")
    assert post_answers(flooding, survey, answers).status_code == 302
    assert post_answers(flooding, survey, answers).status_code == 302
    refused = post_answers(flooding, survey, answers)
    assert refused.status_code == 429
    assert "Nothing has been recorded" in refused.content.decode()
    assert Response.objects.count() == 2
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert post_answers(other, survey, answers).status_code == 302
    assert Response.objects.count() == 3


def test_the_published_summary_is_shown_escaped(survey, cast):
    services.consultation_close(actor=cast.admin, consultation=survey.consultation)
    services.consultation_summary_save(
        actor=cast.admin,
        consultation=survey.consultation,
        summary={"en": "You asked for <script>interpreters</script>."},
        publish=True,
    )
    listing = Client().get("/en/portal/consultations/").content.decode()
    assert f"{survey.consultation.pk}/what-you-told-us/" in listing
    page = Client().get(portal_url(survey.consultation, "what-you-told-us/")).content.decode()
    assert "&lt;script&gt;interpreters&lt;/script&gt;" in page
    assert "<script>interpreters" not in page


def test_an_unpublished_summary_is_not_found(survey):
    response = Client().get(portal_url(survey.consultation, "what-you-told-us/"))
    assert response.status_code == 404
