"""The public pages: anonymous submission, the code, the status check, limits and escaping."""

import pytest

from madina.feedback.models import Feedback, FeedbackEvent
from madina.feedback.tests.conftest import public_post

pytestmark = pytest.mark.django_db
GIVE = "/en/portal/feedback/"
STATUS = "/en/portal/feedback/status/"


def test_give_page_is_public(client):
    response = client.get(GIVE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<fieldset" in page and "<legend>" in page
    assert "I want to make a complaint" in page


def test_submission_stores_no_address_or_account(client, cast):
    client.force_login(cast.member)  # even a signed-in person is anonymous on the portal
    response = client.post(GIVE, public_post(), REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.entered_by is None and feedback.channel == "portal"
    assert FeedbackEvent.objects.get().actor is None
    stored = " ".join(str(value) for row in Feedback.objects.values_list() for value in row)
    assert "198.51.100.23" not in stored
    field_names = {field.name for field in Feedback._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user", "remote_addr", "user_agent"}


def test_confirmation_shows_the_code_and_it_is_in_no_address(client):
    response = client.post(GIVE, public_post())
    feedback = Feedback.objects.get()
    page = response.content.decode()
    assert response.status_code == 200  # rendered from the POST: no redirect carrying the code
    assert "Location" not in response
    assert f'class="code" id="reference-code">{feedback.reference_display}<' in page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    import re

    for href in re.findall(r'(?:href|action|src)="([^"]*)"', page):
        assert feedback.reference not in href.replace("-", "")


def test_status_with_valid_code_shows_only_status_and_answer(client, cast):
    from madina.feedback import services

    client.post(GIVE, public_post(message="Mon secret personnel", answer_by="status_page"))
    feedback = Feedback.objects.get()
    services.feedback_answer(
        actor=cast.coordinator,
        feedback=feedback,
        response="Le centre ouvre samedi.",
        channel="status_page",
    )
    response = client.post(STATUS, {"code": feedback.reference_display.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "answered" in page and "Le centre ouvre samedi." in page
    assert "Mon secret personnel" not in page
    assert "health" not in page.lower().split("<main")[1]  # not even the subject


def test_status_with_forged_code_says_so_and_reveals_nothing(client):
    client.post(GIVE, public_post())
    response = client.post(STATUS, {"code": "ZZZZZ-ZZZZZ"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no message with this code" in page
    assert "Status:" not in page and "Received on" not in page


def test_status_in_arabic_says_no_code_in_arabic(client):
    response = client.post("/ar/portal/feedback/status/", {"code": "AAAAA-AAAAA"})
    page = response.content.decode()
    assert "There is no message with this code" not in page
    assert "لا توجد رسالة بهذا الرمز" in page


def test_status_check_is_a_post_and_the_get_page_takes_no_code(client):
    client.post(GIVE, public_post())
    feedback = Feedback.objects.get()
    response = client.get(STATUS, {"code": feedback.reference})
    assert response.status_code == 200
    assert "Where your message stands" not in response.content.decode()


def test_rate_limit_refuses_with_429_and_stores_nothing(client, settings):
    settings.MADINA_PUBLIC_RATE_LIMITS = {**settings.MADINA_PUBLIC_RATE_LIMITS, "feedback": (2, 60)}
    for _ in range(2):
        assert client.post(GIVE, public_post(), REMOTE_ADDR="203.0.113.5").status_code == 200
    response = client.post(GIVE, public_post(), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "Nothing was saved" in response.content.decode()
    assert Feedback.objects.count() == 2
    other = client.post(GIVE, public_post(), REMOTE_ADDR="203.0.113.77")
    assert other.status_code == 200
    assert Feedback.objects.count() == 3


def test_rate_limit_of_status_checks(client, settings):
    settings.MADINA_PUBLIC_RATE_LIMITS = {**settings.MADINA_PUBLIC_RATE_LIMITS, "status": (3, 60)}
    for _ in range(3):
        assert (
            client.post(STATUS, {"code": "AAAAA-AAAAA"}, REMOTE_ADDR="203.0.113.9").status_code
            == 200
        )
    assert (
        client.post(STATUS, {"code": "AAAAA-AAAAA"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    )
    assert (
        client.post(STATUS, {"code": "AAAAA-AAAAA"}, REMOTE_ADDR="203.0.113.10").status_code == 200
    )


def test_too_long_message_is_refused_with_a_message_and_nothing_stored(client):
    response = client.post(GIVE, public_post(message="x" * 4001))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The message is too long: at most 4000 characters, it has 4001." in page
    assert not Feedback.objects.exists()
    response = client.post("/fr/portal/feedback/", public_post(message="x" * 4001))
    assert "trop long" in response.content.decode()


def test_markup_is_stored_as_text_and_shown_escaped(client, cast):
    from madina.feedback import services

    markup = '<script>alert("x")</script><b>gras</b>'
    client.post(GIVE, public_post(message=markup))
    feedback = Feedback.objects.get()
    assert feedback.message == markup
    services.feedback_answer(
        actor=cast.coordinator,
        feedback=feedback,
        response="<img src=x onerror=alert(1)>",
        channel="status_page",
    )
    staff_page = cast.client_for("coordinator").get(f"/en/feedback/{feedback.pk}/").content.decode()
    assert "<script>alert" not in staff_page and "&lt;script&gt;" in staff_page
    status_page = client.post(STATUS, {"code": feedback.reference}).content.decode()
    assert "<img src=x" not in status_page and "&lt;img src=x" in status_page


def test_sensitive_checkbox_is_offered_and_kept(client):
    page = client.get(GIVE).content.decode()
    assert 'name="is_sensitive"' in page
    response = client.post(GIVE, public_post(is_sensitive="on"))
    assert response.status_code == 200
    assert Feedback.objects.get().is_sensitive


def test_public_pages_in_spanish(client):
    page = client.get("/es/portal/feedback/").content.decode()
    assert "Give your opinion" not in page
    assert 'lang="es"' in page
