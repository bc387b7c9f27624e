"""The one way the site writes and sends mail.

A mail is rendered from templates named like allauth's: `<prefix>_subject.txt`,
`<prefix>_message.txt` and, where an HTML part exists, `<prefix>_message.html`. Every template
sees the site's name and address (`site_name`, `base_url`), is rendered in the site's language,
and every subject carries the site's prefix. A rendered `Mail` is plain data, so a background
task (django-tasks) can carry it: `mails_send_on_commit` sends once the transaction that caused
the mails has committed, and never when it rolls back. Tasks that render their mails
themselves, from rows they re-read, send them with `mails_send`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from core.links import site_base_url
from core.tasks import enqueue_on_commit


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


@dataclass(frozen=True)
class Mail:
    """A rendered mail: a plain-text body, optionally an HTML alternative and attachments."""

    to: list[str]
    subject: str
    body: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mail:
        return cls(
            to=list(data["to"]),
            subject=data["subject"],
            body=data["body"],
            html=data["html"],
            attachments=[Attachment(**attachment) for attachment in data["attachments"]],
        )

    @classmethod
    def from_message(cls, message: EmailMessage) -> Mail:
        """Take over a mail another library rendered (allauth) with a text body."""
        alternatives = getattr(message, "alternatives", [])
        html = next((content for content, mimetype in alternatives if mimetype == "text/html"), "")
        return cls(
            to=list(message.to), subject=str(message.subject), body=str(message.body), html=html
        )

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=self.to,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        for attachment in self.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        return message


def mail_render(
    template_prefix: str,
    *,
    to: str,
    context: dict[str, Any],
    subject: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> Mail:
    """Render the mail `template_prefix` for one recipient.

    `subject`, if given, replaces the subject template (for subjects composed in code).
    """
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "base_url": site_base_url(), **context}
    with translation.override(settings.LANGUAGE_CODE):
        if subject is None:
            rendered = render_to_string(f"{template_prefix}_subject.txt", context)
            # A subject is one header line, whatever the template's line breaks.
            subject = " ".join(rendered.split())
        body = render_to_string(f"{template_prefix}_message.txt", context)
        # Most mails are plain text; those with an HTML template get it as an alternative.
        html = ""
        with contextlib.suppress(TemplateDoesNotExist):
            html = render_to_string(f"{template_prefix}_message.html", context)
    return Mail(
        to=[to],
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        html=html,
        attachments=list(attachments),
    )


def mail_render_each(
    template_prefix: str, *, recipients: Iterable[str], context: dict[str, Any]
) -> list[Mail]:
    """The same mail to each distinct recipient on its own, so nobody sees the others'
    addresses."""
    return [
        mail_render(template_prefix, to=address, context=context)
        for address in sorted(set(recipients))
    ]


def mails_send(mails: Iterable[Mail]) -> int:
    """Send now, over one connection; returns how many went out. For code running in a task."""
    messages = [mail.message() for mail in mails]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


@task()
def mails_deliver(mails: list[dict[str, Any]]) -> int:
    """The SMTP round trips of rendered mails, away from the request."""
    return mails_send(Mail.from_json(data) for data in mails)


def mails_send_on_commit(mails: Iterable[Mail]) -> None:
    """Send the mails by a background task once the current transaction commits."""
    payload = [asdict(mail) for mail in mails]
    if payload:
        enqueue_on_commit(mails_deliver, payload)
