"""Background tasks (django-tasks) for account mails."""

from __future__ import annotations

from django.core.mail import send_mass_mail
from django_tasks import task


@task()
def send_account_mails(messages: list[tuple[str, str, list[str]]]) -> int:
    """Send rendered (subject, body, recipients) mails; the SMTP round trips leave the request."""
    return send_mass_mail(
        [(subject, body, None, recipients) for subject, body, recipients in messages],
        fail_silently=False,
    )
