"""Demo channels with conversations among the demo members (see members/demo.py).

`seed_demo --scale N` adds N generated messages (hub/demo_corpus.py) in a few bulk channels,
one of them private, written straight to the tables for load tests.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.demo import DemoContext, DemoReport
from discussions.models import (
    Channel,
    ChannelVisibility,
    Membership,
    Message,
    Question,
    QuestionState,
    Reaction,
)
from discussions.rendering import render_markdown
from hub.demo_corpus import channel_message
from hub.models import Topic
from members.demo import PEOPLE, SCALE_DOMAIN, demo_email
from members.models import User

# (slug, name, description, visibility, topic names, member indexes into PEOPLE, conversation)
# A conversation line is (author index, text, index of the line it answers or None,
# reactions as (emoji, reactor indexes)).
Line = tuple[int, str, int | None, tuple[tuple[str, tuple[int, ...]], ...]]
CHANNELS: tuple[
    tuple[str, str, str, str, tuple[str, ...], tuple[int, ...], tuple[Line, ...]], ...
] = (
    (
        "e-akte-praxis",
        "E-Akte in der Praxis",
        "Erfahrungen mit Einführung, Scannen und Aussonderung der elektronischen Akte.",
        ChannelVisibility.OPEN,
        ("E-Akte",),
        (2, 0, 14, 24, 16),
        (
            (
                2,
                "Wir stellen im Frühjahr das Bürgeramt auf die **E-Akte** um. Wie habt ihr "
                "den Altbestand gescannt – alles oder nur laufende Vorgänge?",
                None,
                (("👀", (0, 14)),),
            ),
            (
                14,
                "Bei uns nur laufende Vorgänge plus alles, was in den letzten zwei Jahren "
                "angefasst wurde. Der Rest wird *bei Bedarf* gescannt.",
                0,
                (("👍", (2, 24)),),
            ),
            (
                24,
                "Genauso. Wichtig war uns eine Scananweisung nach TR-RESISCAN, sonst "
                "diskutiert man jeden Einzelfall.",
                0,
                (("💡", (2,)),),
            ),
            (2, "Danke! Habt ihr die Scananweisung irgendwo veröffentlicht?", 0, ()),
            (
                16,
                "Die Vorlage des BSI ist ein guter Start: https://www.bsi.bund.de",
                0,
                (("🙏", (2,)),),
            ),
            (
                0,
                "Kleiner Hinweis: Beim Aussondern an die Anbietungspflicht gegenüber dem "
                "Archiv denken.",
                None,
                (),
            ),
        ),
    ),
    (
        "ozg-umsetzung",
        "OZG und Onlinedienste",
        "Onlinedienste einführen, EfA-Leistungen nachnutzen, Nutzerfeedback auswerten.",
        ChannelVisibility.OPEN,
        ("OZG und Onlinedienste",),
        (1, 3, 19, 27, 30),
        (
            (
                27,
                "Hat jemand schon die EfA-Leistung für die **Kfz-Zulassung** angebunden? "
                "Wir hängen an der Anbindung an das Fachverfahren.",
                None,
                (("👀", (1, 19)),),
            ),
            (
                1,
                "Ja, in zwei Pilotkommunen. Der Knackpunkt war die Schnittstelle – meldet "
                "euch gern, ich teile unsere Checkliste.",
                0,
                (("🙏", (27,)), ("👍", (19,))),
            ),
            (
                19,
                "Wir auch. Tipp: früh mit dem Rechenzentrum über die Zertifikate sprechen.",
                0,
                (),
            ),
            (
                30,
                "Gibt es eigentlich Zahlen, wie viele Anträge wirklich online ankommen?",
                None,
                (),
            ),
            (
                3,
                "Wir zählen monatlich: Anteil online liegt bei rund 40 %, Tendenz steigend.",
                3,
                (("🎉", (30, 1)),),
            ),
        ),
    ),
    (
        "barrierefreiheit",
        "Barrierefreie Dokumente",
        "PDF, Word und Webseiten nach BITV 2.0 – Fragen, Werkzeuge, Prüfberichte.",
        ChannelVisibility.OPEN,
        ("Barrierefreiheit",),
        (18, 25, 10, 8),
        (
            (25, "Welche Werkzeuge nutzt ihr, um PDF auf Barrierefreiheit zu prüfen?", None, ()),
            (
                18,
                "PAC (PDF Accessibility Checker) – kostenlos und zuverlässig.",
                0,
                (("👍", (25, 10)),),
            ),
            (
                10,
                "Zusätzlich immer ein kurzer Test mit einem Screenreader, die Prüfwerkzeuge "
                "finden nicht alles.",
                0,
                (("💡", (25, 8)),),
            ),
        ),
    ),
    (
        "moderation-intern",
        "Moderationsteam",
        "Absprachen des Moderationsteams.",
        ChannelVisibility.PRIVATE,
        (),
        (8, 16),
        (
            (
                8,
                "Ich übernehme diese Woche die Sichtung gemeldeter Beiträge.",
                None,
                (("🙏", (16,)),),
            ),
            (16, "Danke, ich dann nächste Woche.", 0, ()),
        ),
    ),
)


def seed_discussions(context: DemoContext, report: DemoReport) -> None:
    people = {
        index: User.objects.filter(email=demo_email(first, last)).first()
        for index, (first, last, *_rest) in enumerate(PEOPLE)
    }
    for slug, name, description, visibility, topics, members, lines in context.progress(
        iter(CHANNELS), "Kanäle", len(CHANNELS)
    ):
        if Channel.objects.filter(slug=slug).exists():
            continue
        _seed_channel(slug, name, description, visibility, topics, members, lines, people)
        report.count("Kanäle")
        report.count("Nachrichten", len(lines))
    if context.scale:
        _seed_scale_messages(context, report, people)


@transaction.atomic
def _seed_channel(
    slug: str,
    name: str,
    description: str,
    visibility: str,
    topics: tuple[str, ...],
    members: tuple[int, ...],
    lines: tuple[Line, ...],
    people: dict[int, User | None],
) -> None:
    creator = people[members[0]]
    channel = Channel.objects.create(
        slug=slug, name=name, description=description, visibility=visibility, created_by=creator
    )
    channel.topics.set(Topic.objects.filter(name__in=topics))
    for index in members:
        if people[index] is not None:
            Membership.objects.get_or_create(channel=channel, user=people[index])
    created: list[Message] = []
    for author_index, text, answers, reactions in lines:
        message = Message.objects.create(
            channel=channel,
            author=people[author_index],
            reply_to=created[answers] if answers is not None else None,
            source=text,
            html=render_markdown(text),
        )
        created.append(message)
        for emoji, reactors in reactions:
            for reactor in reactors:
                if (reactor_user := people[reactor]) is not None:
                    Reaction.objects.create(message=message, user=reactor_user, emoji=emoji)
    _seed_questions(channel, slug, created)
    # Demo members have read everything but the last message, so the unread marker shows.
    if len(created) > 1:
        Membership.objects.filter(channel=channel).update(last_read_id=created[-2].pk)


# Conversations whose first line was asked as a question: channel slug -> (line index, title,
# index of the reply marked as its solution or None).
QUESTIONS: dict[str, tuple[tuple[int, str, int | None], ...]] = {
    "e-akte-praxis": (
        (0, "Altbestand für die E-Akte scannen: alles oder nur laufende Vorgänge?", 1),
    ),
}


def _seed_questions(channel: Channel, slug: str, created: list[Message]) -> None:
    for line, title, solution in QUESTIONS.get(slug, ()):
        root = created[line]
        answered = any(m.reply_to_id == root.pk and m.author_id != root.author_id for m in created)
        question = Question.objects.create(
            message=root,
            title=title,
            state=QuestionState.ANSWERED if answered else QuestionState.OPEN,
            answered_at=timezone.now() if answered else None,
        )
        if solution is not None:
            question.state = QuestionState.SOLVED
            question.solution, question.solved_by = created[solution], root.author
            question.solved_at = timezone.now()
            question.save()
        question.topics.set(channel.topics.all())


# (slug, name, visibility) of the channels that hold the generated messages.
SCALE_CHANNELS: tuple[tuple[str, str, str], ...] = (
    ("massen-verwaltungspraxis", "Verwaltungspraxis (Massendaten)", ChannelVisibility.OPEN),
    ("massen-digitalisierung", "Digitalisierung (Massendaten)", ChannelVisibility.OPEN),
    ("massen-personal", "Personal und Führung (Massendaten)", ChannelVisibility.OPEN),
    ("massen-soziales", "Soziales und Gesundheit (Massendaten)", ChannelVisibility.OPEN),
    ("massen-intern", "Interner Kreis (Massendaten)", ChannelVisibility.PRIVATE),
)
BULK_BATCH = 2000


def _seed_scale_messages(
    context: DemoContext, report: DemoReport, people: dict[int, User | None]
) -> None:
    """`scale` generated messages spread over the bulk channels (only the missing ones)."""
    channels = []
    for slug, name, visibility in SCALE_CHANNELS:
        channel, _created = Channel.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": "Generierte Nachrichten für Lasttests.",
                "visibility": visibility,
            },
        )
        channels.append(channel)
    private = channels[-1]
    for user in list(people.values())[:3]:
        if user is not None:
            Membership.objects.get_or_create(channel=private, user=user)
    missing = context.scale - Message.objects.filter(channel__in=channels).count()
    authors = list(
        User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("pk", flat=True)[:5000]
    ) or [user.pk for user in people.values() if user is not None]
    if missing <= 0 or not authors:
        return
    rendered: dict[str, str] = {}
    now = timezone.now()
    step = timedelta(days=365) / missing
    batches = [range(i, min(i + BULK_BATCH, missing)) for i in range(0, missing, BULK_BATCH)]
    for batch in context.progress(batches, "Nachrichten (Massendaten)", len(batches)):
        messages = []
        for number in batch:
            text = channel_message(context.rng, answer=number % 4 != 0)
            if text not in rendered:
                rendered[text] = render_markdown(text)
            messages.append(
                Message(
                    channel=channels[number % len(channels)],
                    author_id=context.rng.choice(authors),
                    source=text,
                    html=rendered[text],
                )
            )
        with transaction.atomic():
            created = Message.objects.bulk_create(messages)
            # auto_now_add stamps every row with the same second; spread them over a year.
            for number, message in zip(batch, created, strict=True):
                message.created_at = now - step * (missing - number)
            Message.objects.bulk_update(created, ["created_at"])
        report.count("Nachrichten (Massendaten)", len(batch))
