"""Mails about a member's account, rendered now and sent by a background task once the
transaction that caused them has committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hub.tasks import enqueue_on_commit
from members.tasks import send_account_mails


def absolute_url(view_name: str, *args: Any) -> str:
    """A link for mails, which have no request to build it from."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(view_name, args=args)


def mail_on_commit(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """Render `members/email/<template>_{subject,message}.txt` in German and send it to each
    recipient separately (nobody sees the others' addresses) after commit."""
    addresses = sorted(set(recipients))
    if not addresses:
        return
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject: str = render_to_string(f"members/email/{template}_subject.txt", context)
        body = render_to_string(f"members/email/{template}_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    enqueue_on_commit(send_account_mails, [(subject, body, [address]) for address in addresses])
