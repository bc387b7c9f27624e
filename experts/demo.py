"""Demo questions and routing: questions asked over the past weeks in the demo channels, open
ones (some waiting longer than a day, so "Offene Fragen" has something), answered ones and
solved ones with their solution, and one asked to the authors of a demo article. Each is
offered to the members who know (the demo member Miriam Schulte among them, for her tags and
the topics she follows), so the notifications show requests with their reasons; a learning
wish with "+1"s is routed to her as well.

Seeded once per question and wish: one whose title exists is left alone. The timestamps are
set afterwards, as the services stamp everything "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.demo import DemoContext, DemoReport
from discussions.models import Channel, Message, Notification, Question
from discussions.services.channels import channel_join
from discussions.services.messages import message_post
from discussions.services.questions import question_ask, question_solution_set
from experts.models import HelpRequest
from experts.services import question_route, wish_route
from hub.models import PracticePage, Topic
from members.demo import demo_email
from members.models import User
from peer_learning.models import LearningWish, WishFormat
from peer_learning.wish_services import wish_create, wish_vote_set

Person = tuple[str, str]


@dataclass(frozen=True)
class DemoQuestion:
    channel: str
    asker: Person
    title: str
    text: str
    topics: tuple[str, ...]
    hours_ago: int
    # (who, text, hours after the question)
    replies: tuple[tuple[Person, str, int], ...] = ()
    # Index into `replies` of the solution, marked by the asker.
    solution: int | None = None
    # Slug of the demo article asked about ("Frage an die Autor:innen").
    article: str = ""


DAY = 24
QUESTIONS: tuple[DemoQuestion, ...] = (
    DemoQuestion(
        channel="ozg-umsetzung",
        asker=("Katrin", "Wagner"),
        title="Welche Leistungen nach dem Onlinezugangsgesetz haben Sie zuerst online gebracht?",
        text=(
            "Wir stehen mit der **OZG-Umsetzung** noch am Anfang und müssen priorisieren: Haben "
            "Sie mit den meistgenutzten Leistungen angefangen oder mit den einfachsten? Was "
            "würden Sie heute anders machen?"
        ),
        topics=("OZG und Onlinedienste",),
        hours_ago=4 * DAY,
    ),
    DemoQuestion(
        channel="e-akte-praxis",
        asker=("Aylin", "Demir"),
        title="Wie haben Sie die Kolleginnen und Kollegen im Bürgeramt auf die E-Akte vorbereitet?",
        text=(
            "In Ihrem Beitrag schreiben Sie, dass das Bürgeramt nach sechs Monaten papierlos "
            "war. Wie haben Sie die Schulungen organisiert – alle auf einmal oder mit "
            "Multiplikatorinnen? Und wie lange lief der Parallelbetrieb mit Papier?"
        ),
        topics=("E-Akte", "Bürgerservice"),
        hours_ago=9 * DAY,
        replies=(
            (
                ("Lea", "Zimmermann"),
                "Wir hatten pro Team eine **Patin**, die zwei Tage vorher geschult wurde. Der "
                "Parallelbetrieb lief vier Wochen; länger hätte niemand durchgehalten.",
                20,
            ),
        ),
        article="e-akte-im-buergeramt-in-sechs-monaten-papierlos",
    ),
    DemoQuestion(
        channel="e-akte-praxis",
        asker=("Daniel", "Vogel"),
        title="Ersetzendes Scannen: Vernichten Sie die Papieroriginale sofort?",
        text=(
            "Unser Archiv möchte, dass wir die Originale noch ein Jahr aufbewahren. Die "
            "Scananweisung nach TR-RESISCAN erlaubt das sofortige Vernichten. Wie machen Sie "
            "das, und wer hat bei Ihnen die Freigabe erteilt?"
        ),
        topics=("E-Akte",),
        hours_ago=3 * DAY,
    ),
    DemoQuestion(
        channel="ozg-umsetzung",
        asker=("Kai", "Schröder"),
        title="Wie binden Sie die BundID an Ihr Fachverfahren in der Kfz-Zulassung an?",
        text=(
            "Der Onlinedienst läuft, aber die Anträge kommen bei uns noch als PDF an und werden "
            "abgetippt. Gibt es eine Schnittstelle, die bei Ihnen funktioniert?"
        ),
        topics=("OZG und Onlinedienste",),
        hours_ago=2 * DAY,
    ),
    DemoQuestion(
        channel="ozg-umsetzung",
        asker=("Nadine", "Schmitz"),
        title="Bezahlen im Onlinedienst: Welche ePayment-Lösung nutzen Sie?",
        text=(
            "Unsere Kämmerei fragt, wie die Gebühren aus den Onlinediensten in die "
            "Finanzsoftware kommen. Nutzen Sie ePayBL oder einen eigenen Zahlungsdienstleister?"
        ),
        topics=("OZG und Onlinedienste",),
        hours_ago=16 * DAY,
        replies=(
            (
                ("Oliver", "Roth"),
                "Wir nutzen einen eigenen Dienstleister, das war aber eine eigene Vergabe.",
                5,
            ),
            (
                ("Thomas", "Becker"),
                "Wir sind über **ePayBL** angebunden; der Abgleich mit der Finanzsoftware läuft "
                "nachts über eine Datei. Die Einrichtung hat mit dem Rechenzentrum zwei Wochen "
                "gedauert.",
                26,
            ),
        ),
        solution=1,
    ),
    DemoQuestion(
        channel="e-akte-praxis",
        asker=("Birgit", "Lange"),
        title="DMS für die E-Akte: selbst ausschreiben oder einen Rahmenvertrag nutzen?",
        text=(
            "Wir müssen ein Dokumentenmanagementsystem beschaffen. Lohnt sich eine eigene "
            "Vergabe, oder haben Sie über einen Rahmenvertrag des Landes abgerufen?"
        ),
        topics=("E-Akte", "Vergabe"),
        hours_ago=12 * DAY,
        replies=(
            (
                ("Michael", "Schmidt"),
                "Wir haben aus dem Rahmenvertrag des Landes abgerufen: drei Monate statt eines "
                "Jahres, und die Vergabestelle war froh. Wichtig ist, den Leistungsumfang "
                "vorher genau zu prüfen.",
                8,
            ),
        ),
        solution=0,
    ),
    DemoQuestion(
        channel="barrierefreiheit",
        asker=("Verena", "Braun"),
        title="Leichte Sprache in Bescheiden: Wer prüft bei Ihnen die Texte?",
        text=(
            "Wir möchten die häufigsten Bescheide im Bürgeramt verständlicher machen. Arbeiten "
            "Sie mit einem Prüfteam aus Betroffenen oder mit einem Übersetzungsbüro?"
        ),
        topics=("Barrierefreiheit", "Bürgerservice"),
        hours_ago=5 * DAY,
        replies=(
            (
                ("Lea", "Zimmermann"),
                "Wir lassen neue Texte von einer Prüfgruppe der Lebenshilfe lesen – das dauert "
                "etwa zwei Wochen pro Bescheid.",
                30,
            ),
        ),
    ),
    DemoQuestion(
        channel="ozg-umsetzung",
        asker=("Mehmet", "Yıldız"),
        title="Wie messen Sie, wie viele Anträge online statt am Schalter kommen?",
        text=(
            "Für den Bericht an den Rat brauchen wir eine Quote der Onlineanträge. Zählen Sie "
            "im Fachverfahren oder im Onlinedienst?"
        ),
        topics=("OZG und Onlinedienste",),
        hours_ago=18,
    ),
)


def _member(person: Person) -> User | None:
    return User.objects.filter(email=demo_email(*person)).first()


def _backdate(question: Question, asked_at: datetime, replies: list[tuple[Message, int]]) -> None:
    """Move the question, its replies, its state stamps and its requests to when they happened."""
    Message.objects.filter(pk=question.pk).update(created_at=asked_at)
    for reply, hours in replies:
        Message.objects.filter(pk=reply.pk).update(created_at=asked_at + timedelta(hours=hours))
    question.refresh_from_db()
    stamps: dict[str, datetime] = {}
    if question.answered_at and replies:
        stamps["answered_at"] = asked_at + timedelta(hours=replies[0][1])
    if question.solved_at and replies:
        stamps["solved_at"] = asked_at + timedelta(hours=replies[-1][1] + 2)
    if stamps:
        Question.objects.filter(pk=question.pk).update(**stamps)
    HelpRequest.objects.filter(question=question).update(created_at=asked_at)
    Notification.objects.filter(message_id=question.pk).update(created_at=asked_at)


def _seed_question(demo: DemoQuestion, now: datetime) -> int | None:
    """The question with its replies; how many members it was offered to (None if skipped)."""
    channel = Channel.objects.filter(slug=demo.channel).first()
    asker = _member(demo.asker)
    if channel is None or asker is None or Question.objects.filter(title=demo.title).exists():
        return None
    article = (
        PracticePage.objects.live().filter(slug=demo.article).first() if demo.article else None
    )
    with transaction.atomic():
        question = question_ask(
            author=asker,
            channel=channel,
            title=demo.title,
            source=demo.text,
            topics=Topic.objects.filter(name__in=demo.topics),
            article=article,
        )
        asked = question_route(question=question)
        replies = []
        for person, text, hours in demo.replies:
            author = _member(person)
            if author is None:
                continue
            channel_join(user=author, channel=channel)
            reply = message_post(
                author=author, channel=channel, source=text, reply_to_id=question.pk
            )
            replies.append((reply, hours))
        if demo.solution is not None and demo.solution < len(replies):
            question_solution_set(actor=asker, question=question, reply=replies[demo.solution][0])
        _backdate(question, now - timedelta(hours=demo.hours_ago), replies)
    return len(asked)


# A wish in Miriam Schulte's field ("Verwaltungsdigitalisierung"), so it is routed to her.
WISH_AUTHOR: Person = ("Robert", "Schneider")
WISH_TITLE = "Eine Strategie zur Verwaltungsdigitalisierung für die Kreisverwaltung schreiben"
WISH_TEXT = (
    "Unser Landrat möchte bis zum Sommer eine Strategie zur Verwaltungsdigitalisierung sehen. "
    "Wie sind Sie vorgegangen, wen haben Sie beteiligt, und wie konkret muss so ein Papier sein?"
)
WISH_VOTERS: tuple[Person, ...] = (("Petra", "Koch"), ("Dirk", "Klein"), ("Sophie", "Krause"))
WISH_DAYS_AGO = 6


def _seed_wish(now: datetime) -> int | None:
    """The routed wish with its "+1"s; how many members it was offered to (None if skipped)."""
    author = _member(WISH_AUTHOR)
    if author is None or LearningWish.objects.filter(title=WISH_TITLE).exists():
        return None
    with transaction.atomic():
        wish = wish_create(
            author=author,
            title=WISH_TITLE,
            text=WISH_TEXT,
            topics=Topic.objects.filter(name="OZG und Onlinedienste"),
            format=WishFormat.ONLINE,
        )
        for voter in filter(None, map(_member, WISH_VOTERS)):
            wish_vote_set(member=voter, wish=wish, voting=True)
        asked = wish_route(wish=wish)
        wished_at = now - timedelta(days=WISH_DAYS_AGO)
        LearningWish.objects.filter(pk=wish.pk).update(created_at=wished_at)
        HelpRequest.objects.filter(wish=wish).update(created_at=wished_at)
    return len(asked)


def seed_experts(context: DemoContext, report: DemoReport) -> None:
    now = timezone.now()
    for demo in QUESTIONS:
        asked = _seed_question(demo, now)
        if asked is not None:
            report.count("Fragen")
            report.count("Fragen an Fachleute weitergeleitet", asked)
    told = _seed_wish(now)
    if told is not None:
        report.count("Lernwünsche an Fachleute weitergeleitet", told)
