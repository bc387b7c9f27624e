"""Followed content and open questions in the digest mail, as often as the member chose."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from discussions.models import DigestKind, DigestSubscription
from discussions.personal_data import export_messages
from discussions.services.digest import digest_preferences_set
from discussions.services.questions import question_ask
from hub.models import PracticePage
from network.services import follow_set
from tests.factories import asked_hours_ago, practice_page_create
from tests.peer_learning.factories import make_course


def send_digest(capture_on_commit) -> None:
    with capture_on_commit(execute=True):
        call_command("send_notification_digest", verbosity=0)


def test_followed_content_and_open_questions_are_mailed_once(
    member, colleague, topic, open_channel, mailoutbox, django_capture_on_commit_callbacks
):
    follow_set(member=member, target=topic, following=True)
    practice_page_create(title="E-Akte im Bürgeramt", topics=(topic,))
    practice_page_create(title="Etwas ganz anderes")
    make_course(title="E-Akte in 30 Minuten", topics=[topic])
    question = question_ask(
        author=colleague,
        channel=open_channel,
        title="Wer scannt schon alles?",
        source="?",
        topics=[topic],
    )
    asked_hours_ago(question, hours=30)

    send_digest(django_capture_on_commit_callbacks)
    send_digest(django_capture_on_commit_callbacks)

    mails = [mail for mail in mailoutbox if mail.to == [member.email]]
    assert len(mails) == 1
    body = mails[0].body
    assert mails[0].subject == "[Kollegium] Ihre Zusammenfassung: Neues für Sie"
    assert "Neues in dem, was Sie verfolgen" in body
    assert "Praxisbeispiel: E-Akte im Bürgeramt" in body
    assert "Impuls: E-Akte in 30 Minuten" in body
    assert "Etwas ganz anderes" not in body
    assert "Offene Fragen, bei denen Sie helfen können" in body
    assert "Offene Frage: Wer scannt schon alles?" in body
    assert f"/austausch/fragen/{question.pk}/" in body
    assert "http://" in body or "https://" in body


def test_weekly_followed_content_waits_and_off_sends_nothing(
    member, topic, mailoutbox, django_capture_on_commit_callbacks
):
    follow_set(member=member, target=topic, following=True)
    first = practice_page_create(title="Erstes zum Thema", topics=(topic,))
    send_digest(django_capture_on_commit_callbacks)
    practice_page_create(title="Zweites zum Thema", topics=(topic,))
    send_digest(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[member.email]]

    a_week_ago = timezone.now() - dt.timedelta(days=7)
    PracticePage.objects.filter(pk=first.pk).update(
        first_published_at=a_week_ago - dt.timedelta(hours=1)
    )
    DigestSubscription.objects.update(followed_sent_at=a_week_ago)
    send_digest(django_capture_on_commit_callbacks)
    assert "Zweites zum Thema" in mailoutbox[-1].body
    assert "Erstes zum Thema" not in mailoutbox[-1].body

    digest_preferences_set(
        user=member,
        frequencies=dict.fromkeys(DigestKind, "off"),
    )
    practice_page_create(title="Drittes zum Thema", topics=(topic,))
    DigestSubscription.objects.update(followed_sent_at=None)
    send_digest(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2


def test_digest_choices_are_in_the_data_export(member_client, member):
    digest_preferences_set(
        user=member,
        frequencies={
            DigestKind.NOTIFICATIONS: "weekly",
            DigestKind.FOLLOWED: "daily",
            DigestKind.QUESTIONS: "off",
        },
    )
    assert export_messages(member)["digest"] == {
        "notifications": "weekly",
        "followed": "daily",
        "questions": "off",
    }
