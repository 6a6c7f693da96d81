"""Trainings: pages per role, participants hidden from outsiders, scores and gain, attendance,
the certificate PDF, bad input that writes nothing."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from madina.core.models import AuditEvent
from madina.outreach import training_selectors as selectors
from madina.outreach import training_services as services
from madina.outreach.models import Attendance, Participant, Training
from madina.outreach.tests.fixtures_trainings import (  # noqa: F401 (the fixtures)
    FIRST_DAY,
    places_fixture,
    training_fixture,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"outreach:{name}", args=args)[3:]


def _training_post(organisation=None, **changes):
    data = {
        "title": "Plaidoyer et mobilisation pour les droits des migrants",
        "topic": Training.Topic.ADVOCACY,
        "starts_on": "2025-05-05",
        "ends_on": "2025-05-06",
        "commune": "",
        "venue": "Salle de la commune",
        "trainers": "Meryem Lahlou",
        "pre_test_on": "2025-05-05",
        "post_test_on": "2025-05-06",
        "max_score": "20",
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    data.update(changes)
    return data


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("who", ["admin", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_reads_the_list_and_the_detail(cast, training, who, language):
    client = cast.client_for(who)
    listing = client.get(_url("training_list", language=language))
    assert listing.status_code == 200
    assert training.title in listing.content.decode()
    detail = client.get(_url("training_detail", training.pk, language=language))
    assert detail.status_code == 200
    assert training.title in detail.content.decode()


def test_anonymous_is_sent_to_sign_in(client, training):
    assert client.get(_url("training_list")).status_code == 302
    assert client.get(_url("training_detail", training.pk)).status_code == 302


@pytest.mark.parametrize(
    ("who", "sees_names"),
    [("admin", True), ("readonly", True), ("coordinator", True), ("outsider", False)],
)
def test_participant_names_only_for_those_allowed(cast, training, who, sees_names):
    page = cast.client_for(who).get(_url("training_detail", training.pk)).content.decode()
    assert ("Amina Belkadi" in page) is sees_names
    assert ("Youssef Tahiri" in page) is sees_names
    assert ("certificate.pdf" in page) is sees_names
    # Everyone gets the summary.
    assert 'id="training-summary"' in page


def test_the_summary_counts_sex_scores_gain_and_attendance(cast, training):
    participants = selectors.training_participants(training)
    summary = selectors.training_summary(training, participants)
    assert (summary.women, summary.men, summary.scored) == (1, 1, 2)
    assert summary.pre_average == Decimal("9.0")
    assert summary.post_average == Decimal("15.0")
    assert summary.gain_average == Decimal("6.0")
    assert summary.gain_percent == Decimal("30")
    assert summary.days == 3
    # 4 days present out of 2 participants × 3 days.
    assert summary.attendance_rate == Decimal("67")
    page = cast.client_for("outsider").get(_url("training_detail", training.pk, language="en"))
    text = " ".join(page.content.decode().split())
    assert "2 (1 women, 1 men)" in text
    assert "6.0 points (30 % of the highest score)" in text
    assert "67 %" in text


def test_the_list_totals_and_filters(cast, training, places):
    other = Training.objects.create(
        organisation=cast.other_organisation,
        title="Cadre juridique de la migration",
        topic=Training.Topic.LEGAL,
        starts_on=datetime.date(2024, 11, 4),
        ends_on=datetime.date(2024, 11, 4),
        commune=places.beni_ansar,
        max_score=100,
    )
    Participant.objects.create(
        training=other, full_name="Salma Ouali", sex="female", pre_score=50, post_score=70
    )
    Participant.objects.create(training=other, full_name="Sans test", sex="female")
    everything = selectors.training_list(user=cast.outsider)
    totals = selectors.trainings_totals(everything)
    assert totals == {
        "trainings": 2,
        "women": 3,
        "men": 1,
        "participants": 4,
        # (40 % + 20 % + 20 %) / 3: each gain as a share of its own training's highest score.
        "gain_percent": pytest.approx(80 / 3),
    }
    row = everything.get(pk=training.pk)
    assert (row.women, row.men) == (1, 1)
    assert row.gain_average == pytest.approx(6.0)
    assert row.gain_percent == pytest.approx(30.0)

    client = cast.client_for("outsider")

    def titles(**filters):
        page = client.get(_url("training_list"), filters).content.decode()
        return {t.title for t in (training, other) if t.title in page}

    assert titles(topic="legal") == {other.title}
    assert titles(organisation=cast.organisation.pk) == {training.title}
    assert titles(commune=places.beni_ansar.pk) == {other.title}
    assert titles(since="2025-01-01") == {training.title}
    assert titles(until="2024-12-31") == {other.title}
    # A training that overlaps the period counts.
    assert titles(since="2025-03-11", until="2025-03-11") == {training.title}


def test_the_list_costs_the_same_for_more_trainings(cast, training):
    client = cast.client_for("admin")
    with CaptureQueriesContext(connection) as few:
        client.get(_url("training_list"))
    for index in range(5):
        copy = Training.objects.create(
            organisation=cast.organisation,
            title=f"Formation {index}",
            topic=Training.Topic.TRAINING,
            starts_on=FIRST_DAY,
            ends_on=FIRST_DAY,
        )
        Participant.objects.create(
            training=copy, full_name="X", sex="male", pre_score=1, post_score=2
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_url("training_list"))
    assert len(many) == len(few)


def test_unknown_ids_are_404(cast, training):
    client = cast.client_for("admin")
    assert client.get(_url("training_detail", 999999)).status_code == 404
    assert client.get(_url("training_update", 999999)).status_code == 404
    assert client.get(_url("participant_update", training.pk, 999999)).status_code == 404
    assert client.get(_url("attendance", 999999)).status_code == 404
    assert client.get(_url("certificate", training.pk, 999999)).status_code == 404
    other = Training.objects.create(
        organisation=cast.organisation,
        title="Autre",
        topic="other",
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY,
    )
    participant = training.participants.first()
    # A participant of another training is not found through this one.
    assert client.get(_url("participant_update", other.pk, participant.pk)).status_code == 404


# -- writing: permissions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("readonly", 403), ("outsider", 403)],
)
def test_write_pages_per_role(cast, training, who, status):
    client = cast.client_for(who)
    participant = training.participants.first()
    assert client.get(_url("training_update", training.pk)).status_code == status
    assert client.get(_url("participant_add", training.pk)).status_code == status
    assert client.get(_url("attendance", training.pk)).status_code == status
    if who != "outsider":
        url = _url("participant_update", training.pk, participant.pk)
        assert client.get(url).status_code == status


def test_the_outsider_cannot_post_either(cast, training):
    client = cast.client_for("outsider")
    response = client.post(_url("training_update", training.pk), _training_post(title="Pris"))
    assert response.status_code == 403
    response = client.post(
        _url("participant_add", training.pk), {"full_name": "Intrus", "sex": "male"}
    )
    assert response.status_code == 403
    training.refresh_from_db()
    assert training.title != "Pris"
    assert not Participant.objects.filter(full_name="Intrus").exists()


def test_read_only_members_cannot_create(cast):
    assert cast.client_for("readonly").get(_url("training_create")).status_code == 403


def test_the_outsider_records_for_their_own_organisation_only(cast):
    client = cast.client_for("outsider")
    response = client.post(_url("training_create"), _training_post(cast.organisation))
    assert response.status_code == 200
    assert not Training.objects.exists()
    assert (
        cast.client_for("outsider")
        .post(_url("training_create"), _training_post(cast.other_organisation))
        .status_code
        == 302
    )


def test_the_service_refuses_who_may_not_write(cast, training):
    with pytest.raises(PermissionDenied):
        services.training_update(actor=cast.readonly, training=training, data={"title": "X"})
    with pytest.raises(PermissionDenied):
        services.participant_add(
            actor=cast.outsider, training=training, data={"full_name": "X", "sex": "male"}
        )
    with pytest.raises(PermissionDenied):
        services.attendance_save(actor=cast.readonly, training=training, present={})
    assert Attendance.objects.count() == 4


# -- writing: what works -----------------------------------------------------------------------


def test_create_and_update_through_the_pages(cast, places):
    client = cast.client_for("member")
    response = client.post(
        _url("training_create"), _training_post(cast.organisation, commune=places.nador.pk)
    )
    training = Training.objects.get()
    assert response.status_code == 302 and response.url.endswith(training.get_absolute_url()[3:])
    assert training.organisation == cast.organisation and training.commune == places.nador
    assert AuditEvent.objects.filter(object_type="outreach.training", action="create").exists()
    response = client.post(
        _url("training_update", training.pk), _training_post(ends_on="2025-05-08", max_score="100")
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.ends_on == datetime.date(2025, 5, 8) and training.max_score == 100


def test_add_and_update_a_participant(cast, training):
    client = cast.client_for("admin")
    response = client.post(
        _url("participant_add", training.pk),
        {
            "full_name": "  Fatima Zahra Idrissi ",
            "sex": "female",
            "organisation": cast.other_organisation.pk,
            "function": "éducatrice",
            "pre_score": "7.5",
            "post_score": "15",
        },
    )
    assert response.status_code == 302
    participant = training.participants.get(full_name="Fatima Zahra Idrissi")
    assert participant.gain == Decimal("7.5")
    response = client.post(
        _url("participant_update", training.pk, participant.pk),
        {
            "full_name": "Fatima Zahra Idrissi",
            "sex": "female",
            "pre_score": "7.5",
            "post_score": "20",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.post_score == 20 and participant.organisation is None


def test_save_and_add_another_comes_back_to_the_form(cast, training):
    response = cast.client_for("admin").post(
        _url("participant_add", training.pk),
        {"full_name": "Omar", "sex": "male", "add_another": "1"},
    )
    assert response.status_code == 302
    assert response.url.endswith(reverse("outreach:participant_add", args=[training.pk])[3:])


def test_the_attendance_grid_saves_present_days_only(cast, training):
    amina, youssef = training.participants.order_by("full_name")
    client = cast.client_for("member")
    page = client.get(_url("attendance", training.pk)).content.decode()
    assert page.count('type="checkbox"') == 6
    assert page.count("checked") == 4
    response = client.post(
        _url("attendance", training.pk),
        {
            f"present_{amina.pk}": ["2025-03-10"],
            f"present_{youssef.pk}": ["2025-03-11", "2025-03-12"],
        },
    )
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("participant_id", "day")) == sorted(
        [
            (amina.pk, FIRST_DAY),
            (youssef.pk, FIRST_DAY + DAY),
            (youssef.pk, FIRST_DAY + 2 * DAY),
        ]
    )
    assert AuditEvent.objects.filter(object_type="outreach.training", action="update").exists()


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2025-05-04"}, "ends_on", None),
        ({"ends_on": "2025-07-10"}, "ends_on", "60"),
        ({"post_test_on": "2025-05-04", "pre_test_on": "2025-05-05"}, "post_test_on", None),
        ({"pre_test_on": "2025-03-01"}, "pre_test_on", "30"),
        ({"post_test_on": "2025-06-30"}, "post_test_on", "30"),
        ({"max_score": "0"}, "max_score", None),
        ({"title": ""}, "title", None),
    ],
)
def test_bad_training_input_writes_nothing(cast, changes, field, message):
    response = cast.client_for("admin").post(
        _url("training_create"), _training_post(cast.organisation, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message and message.isdigit():
        assert message in errors[field][0]
    assert not Training.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bad_dates_are_explained_in_the_readers_language(cast):
    response = cast.client_for("admin").post(
        _url("training_create", language="en"),
        _training_post(cast.organisation, pre_test_on="2025-05-06", post_test_on="2025-05-05"),
    )
    assert "The post-test cannot be taken before the pre-test." in response.content.decode()
    response = cast.client_for("admin").post(
        _url("training_create", language="en"),
        _training_post(cast.organisation, ends_on="2025-05-01"),
    )
    assert "The last day cannot come before the first day." in response.content.decode()


def test_the_service_refuses_bad_dates(cast):
    with pytest.raises(ValidationError) as error:
        services.training_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data={
                "title": "X",
                "topic": "training",
                "starts_on": datetime.date(2025, 5, 5),
                "ends_on": datetime.date(2025, 5, 4),
                "pre_test_on": datetime.date(2025, 5, 5),
                "post_test_on": datetime.date(2025, 5, 4),
            },
        )
    assert set(error.value.message_dict) == {"ends_on", "post_test_on"}
    assert not Training.objects.exists()


def test_shortening_a_training_keeps_attendance_coherent(cast, training):
    with pytest.raises(ValidationError) as error:
        services.training_update(
            actor=cast.admin, training=training, data={"ends_on": FIRST_DAY + DAY}
        )
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.training_update(actor=cast.admin, training=training, data={"max_score": 10})
    assert "max_score" in error.value.message_dict
    training.refresh_from_db()
    assert training.ends_on == FIRST_DAY + 2 * DAY and training.max_score == 20


@pytest.mark.parametrize("scores", [{"pre_score": "21"}, {"post_score": "-1"}])
def test_a_score_outside_0_to_max_writes_nothing(cast, training, scores):
    response = cast.client_for("admin").post(
        _url("participant_add", training.pk, language="en"),
        {"full_name": "Hors barème", "sex": "female", **scores},
    )
    assert response.status_code == 200
    field = next(iter(scores))
    assert "A score lies between 0 and 20" in response.context["form"].errors[field][0]
    assert not Participant.objects.filter(full_name="Hors barème").exists()
    with pytest.raises(ValidationError):
        services.participant_add(
            actor=cast.admin,
            training=training,
            data={"full_name": "Hors barème", "sex": "female", field: Decimal(scores[field])},
        )
    assert not Participant.objects.filter(full_name="Hors barème").exists()


def test_an_attendance_day_outside_the_training_is_refused(cast, training):
    amina = training.participants.get(full_name="Amina Belkadi")
    response = cast.client_for("admin").post(
        _url("attendance", training.pk), {f"present_{amina.pk}": ["2025-03-10", "2025-03-13"]}
    )
    assert response.status_code == 200
    assert Attendance.objects.count() == 4
    # The page answered in the user's language; the service is asked in English.
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attendance_save(
            actor=cast.admin, training=training, present={amina.pk: [FIRST_DAY - DAY]}
        )
    assert "is not a day of the training" in " ".join(error.value.messages)
    assert Attendance.objects.count() == 4
    assert not AuditEvent.objects.exists()


def test_attendance_for_another_trainings_participant_is_refused(cast, training):
    other = Training.objects.create(
        organisation=cast.organisation,
        title="B",
        topic="other",
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY,
    )
    stranger = Participant.objects.create(training=other, full_name="Z", sex="male")
    with pytest.raises(ValidationError):
        services.attendance_save(
            actor=cast.admin, training=training, present={stranger.pk: [FIRST_DAY]}
        )
    assert Attendance.objects.count() == 4


def test_markup_is_shown_as_text(cast, training):
    services.participant_add(
        actor=cast.admin,
        training=training,
        data={"full_name": "<script>alert(1)</script>", "sex": "male", "function": "<b>x</b>"},
    )
    page = cast.client_for("admin").get(_url("training_detail", training.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


# -- the certificate ---------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_certificate_is_a_one_page_pdf(cast, training, language):
    amina = training.participants.get(full_name="Amina Belkadi")
    response = cast.client_for("readonly").get(
        _url("certificate", training.pk, amina.pk, language=language)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Amina" not in disposition
    assert "no-store" in response["Cache-Control"]
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    text = " ".join(_pdf_text(response.content).split())
    assert "Amina Belkadi" in text
    assert training.title in text
    assert cast.organisation.name in text, text
    if language == "en":
        assert "Certificate of participation" in text


def test_the_arabic_certificate_is_right_to_left(cast, training):
    training.title = "مواكبة النساء والأطفال ضحايا العنف"
    training.save()
    amina = training.participants.get(full_name="Amina Belkadi")
    amina.full_name = "أمينة بلقاضي"
    amina.save()
    response = cast.client_for("coordinator").get(
        _url("certificate", training.pk, amina.pk, language="ar")
    )
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    page = document[0]
    textpage = page.get_textpage()
    text = unicodedata.normalize("NFKC", textpage.get_text_range())
    # Shaped and in logical order: the words read back as typed, not reversed.
    assert "أمينة بلقاضي" in text and "أمينة بلقاضي"[::-1] not in text
    assert "مواكبة النساء والأطفال ضحايا العنف" in text
    # The name is centred: its first letter lies on the right half of the page in Arabic.
    start, _count = textpage.search("أمينة").get_next()
    left, _bottom, right, _top = textpage.get_charbox(start)
    assert right > page.get_width() / 2


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("admin", 200), ("member", 200)])
def test_the_certificate_is_for_those_who_see_participants(cast, training, who, status):
    amina = training.participants.get(full_name="Amina Belkadi")
    response = cast.client_for(who).get(_url("certificate", training.pk, amina.pk))
    assert response.status_code == status
