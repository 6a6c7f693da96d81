"""Background jobs of the core app. Jobs only call services or Django's own APIs."""

from django.core.mail import send_mail
from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=60)
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one e-mail outside the request, retried when the mail server is unavailable.

    Callers pass text already rendered in the recipient's language; no personal data beyond the
    address goes into the job's arguments.
    """
    return send_mail(subject, body, None, recipients)
