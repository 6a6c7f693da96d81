from django.core import mail

from madina.core.tasks import send_email


def test_jobs_run_immediately_in_tests_and_send_mail():
    result = send_email(subject="Réunion", body="Ordre du jour", recipients=["a@example.org"])
    assert result() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Réunion"
