"""The services: validation, state changes, and answers validated the same for every channel."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from madina.consultations import services
from madina.consultations.models import Answer, Consultation, Question, Response
from madina.consultations.tests.conftest import add_question, consultation_data, texts
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_consultation_needs_a_title_and_dates_in_order(cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.consultation_create(
            actor=cast.member,
            organisation=cast.organisation,
            data=consultation_data(title={}, closes_on=today - datetime.timedelta(days=5)),
        )
    assert set(refused.value.message_dict) == {"title_ar", "closes_on"}
    assert not Consultation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="consultations.consultation").exists()


def test_readonly_members_and_outsiders_cannot_create(cast):
    for name in ("readonly", "outsider"):
        with pytest.raises(PermissionDenied):
            services.consultation_create(
                actor=getattr(cast, name), organisation=cast.organisation, data=consultation_data()
            )
    assert not Consultation.objects.exists()


def test_publishing_needs_questions_and_an_admin(cast, territory):
    consultation = services.consultation_create(
        actor=cast.member, organisation=cast.organisation, data=consultation_data()
    )
    with pytest.raises(PermissionDenied):
        services.consultation_publish(actor=cast.member, consultation=consultation)
    with pytest.raises(ValidationError, match="at least one question"):
        services.consultation_publish(actor=cast.admin, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.DRAFT


def test_a_choice_question_needs_two_options(cast, territory):
    consultation = services.consultation_create(
        actor=cast.member, organisation=cast.organisation, data=consultation_data()
    )
    with pytest.raises(ValidationError) as refused:
        add_question(cast.member, consultation, Question.Kind.SINGLE, "Oui ou non ?", ["Oui"])
    assert "options" in refused.value.message_dict
    assert not Question.objects.exists()


def test_a_condition_must_come_from_an_earlier_choice_question(survey, cast):
    consultation = survey.consultation
    consultation.state = Consultation.State.DRAFT
    consultation.save()
    later_option = survey.obstacles.options.first()
    with pytest.raises(ValidationError) as refused:
        services.question_save(
            actor=cast.member,
            consultation=consultation,
            question=survey.visited,
            data={
                "kind": Question.Kind.SINGLE,
                "text": texts("Êtes-vous allé au centre ?"),
                "order": survey.visited.order,
                "condition": later_option,
            },
            options=[{"id": o.pk, "text": o.text} for o in survey.visited.options.all()],
        )
    assert "condition" in refused.value.message_dict
    survey.visited.refresh_from_db()
    assert survey.visited.condition is None


def test_questions_of_a_published_consultation_are_locked(survey, cast):
    with pytest.raises(ValidationError, match="draft"):
        add_question(cast.member, survey.consultation, Question.Kind.TEXT, "Encore ?")
    assert survey.consultation.questions.count() == 5


def test_a_condition_not_met_is_ignored_even_if_answered(survey, cast):
    no = survey.option(survey.visited, 1)
    response = services.response_submit(
        actor=None,
        consultation=survey.consultation,
        channel=Response.Channel.PORTAL,
        language="fr",
        answers={
            services.answer_key(survey.visited): [no],
            services.answer_key(survey.welcome): ["5"],
        },
    )
    assert list(response.answers.values_list("question", flat=True)) == [survey.visited.pk]


def test_a_required_conditional_question_is_required_when_shown(survey):
    yes = survey.option(survey.visited, 0)
    with pytest.raises(ValidationError) as refused:
        services.response_submit(
            actor=None,
            consultation=survey.consultation,
            channel=Response.Channel.PORTAL,
            language="fr",
            answers={services.answer_key(survey.visited): [yes]},
        )
    assert refused.value.message_dict == {
        services.answer_key(survey.welcome): ["This question needs an answer."]
    }
    assert not Response.objects.exists()


def test_wrong_answers_are_refused_and_nothing_is_written(survey):
    other_option = survey.option(survey.obstacles, 0)
    first = survey.option(survey.priorities, 0)
    with pytest.raises(ValidationError) as refused:
        services.response_submit(
            actor=None,
            consultation=survey.consultation,
            channel=Response.Channel.PORTAL,
            language="fr",
            answers={
                services.answer_key(survey.visited): [other_option],
                services.answer_key(survey.priorities): [first, first],
                services.answer_key(survey.comment): ["x" * (services.ANSWER_MAX + 1)],
            },
        )
    errors = refused.value.message_dict
    assert errors[services.answer_key(survey.visited)] == ["Choose from the options given."]
    assert errors[services.answer_key(survey.priorities)] == ["Give each option one place only."]
    assert "too long" in errors[services.answer_key(survey.comment)][0]
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_closed_consultation_takes_no_answer(survey, cast):
    services.consultation_close(actor=cast.admin, consultation=survey.consultation)
    with pytest.raises(services.NotOpen):
        services.response_submit(
            actor=None,
            consultation=survey.consultation,
            channel=Response.Channel.PORTAL,
            language="fr",
            answers={services.answer_key(survey.visited): [survey.option(survey.visited, 1)]},
        )
    assert not Response.objects.exists()


def test_staff_entry_records_who_entered_it_and_needs_an_editor(survey, cast):
    answers = {services.answer_key(survey.visited): [survey.option(survey.visited, 1)]}
    with pytest.raises(PermissionDenied):
        services.response_submit(
            actor=cast.readonly,
            consultation=survey.consultation,
            channel=Response.Channel.PHONE,
            language="ar",
            answers=answers,
        )
    response = services.response_submit(
        actor=cast.member,
        consultation=survey.consultation,
        channel=Response.Channel.PHONE,
        language="ar",
        answers=answers,
    )
    assert response.entered_by == cast.member
    assert response.channel == Response.Channel.PHONE
    assert Response.objects.count() == 1


def test_name_and_contact_are_dropped_for_an_anonymous_consultation(survey):
    response = services.response_submit(
        actor=None,
        consultation=survey.consultation,
        channel=Response.Channel.PORTAL,
        language="fr",
        answers={services.answer_key(survey.visited): [survey.option(survey.visited, 1)]},
        name="Awa",
        contact="+212600000000",
    )
    assert (response.respondent_name, response.respondent_contact) == ("", "")


def test_ranking_and_multiple_answers_are_stored_in_order(survey):
    ranked = [survey.option(survey.priorities, i) for i in (2, 0, 1)]
    response = services.response_submit(
        actor=None,
        consultation=survey.consultation,
        channel=Response.Channel.PORTAL,
        language="es",
        answers={
            services.answer_key(survey.visited): [survey.option(survey.visited, 1)],
            services.answer_key(survey.priorities): ranked,
            services.answer_key(survey.obstacles): [survey.option(survey.obstacles, 1)] * 2,
        },
    )
    ranking = response.answers.get(question=survey.priorities)
    assert [str(pk) for pk in ranking.ranking] == ranked
    obstacles = response.answers.get(question=survey.obstacles)
    assert [str(o.pk) for o in obstacles.options.all()] == [survey.option(survey.obstacles, 1)]
