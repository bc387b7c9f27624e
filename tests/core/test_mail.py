"""The one mail pipeline: templates with the site's name and address, attachments, and sending
by a background task after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from core.links import absolute_url
from core.mail import Attachment, Mail, mail_render, mail_render_each, mails_send_on_commit


def test_a_rendered_mail_knows_the_site_and_carries_the_prefix(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://kollegium.example/"

    rendered = mail_render(
        "members/email/account_approved",
        to="erika@amt.example",
        context={"profile_url": absolute_url("members:profile_edit")},
    )

    assert rendered.to == ["erika@amt.example"]
    assert rendered.subject == "[Kollegium] Ihr Zugang ist freigeschaltet"
    assert "Ihr Konto bei Kollegium freigeschaltet" in rendered.body
    assert "https://kollegium.example/mitglieder/" in rendered.body
    # Without an HTML template the mail is plain text.
    assert rendered.html == ""


def test_each_recipient_gets_a_mail_of_their_own() -> None:
    mails = mail_render_each(
        "members/email/account_declined",
        recipients=["b@amt.example", "a@amt.example", "b@amt.example"],
        context={"reason": "", "delete_url": "/"},
    )

    assert [rendered.to for rendered in mails] == [["a@amt.example"], ["b@amt.example"]]


def test_attachments_and_html_survive_the_trip_through_the_task(
    db: None, django_capture_on_commit_callbacks
) -> None:
    rendered = Mail(
        to=["erika@amt.example"],
        subject="[Kollegium] Termin",
        body="Text",
        html="<p>Text</p>",
        attachments=[Attachment("termin.ics", "BEGIN:VCALENDAR", "text/calendar")],
    )

    with django_capture_on_commit_callbacks(execute=True):
        mails_send_on_commit([rendered])

    (sent,) = mail.outbox
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.to == ["erika@amt.example"] and sent.subject == "[Kollegium] Termin"
    assert sent.alternatives[0][0] == "<p>Text</p>"
    assert sent.attachments[0][:2] == ("termin.ics", "BEGIN:VCALENDAR")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_goes_out_only_after_commit() -> None:
    rendered = Mail(to=["erika@amt.example"], subject="[Kollegium] Test", body="Text")

    with transaction.atomic():
        mails_send_on_commit([rendered])
        assert mail.outbox == []
    assert len(mail.outbox) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        mails_send_on_commit([rendered])
        raise RuntimeError
    assert len(mail.outbox) == 1


def test_a_mail_rendered_elsewhere_is_taken_over_with_its_html_part() -> None:
    message = EmailMultiAlternatives("[Kollegium] Hallo", "Text", to=["erika@amt.example"])
    message.attach_alternative("<p>Text</p>", "text/html")

    assert Mail.from_message(message) == Mail(
        to=["erika@amt.example"], subject="[Kollegium] Hallo", body="Text", html="<p>Text</p>"
    )
