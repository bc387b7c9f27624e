"""Demo routing: an open question in the OZG channel, offered to the members who know (the
demo member Miriam Schulte among them, for her tag "Onlinezugangsgesetz"), so the notifications
show a request with its reason. Seeded once: when the question exists, nothing is done."""

from __future__ import annotations

from django.db import transaction

from core.demo import DemoContext, DemoReport
from discussions.models import Channel, Question
from discussions.services.questions import question_ask
from experts.services import question_route
from members.demo import demo_email
from members.models import User

CHANNEL = "ozg-umsetzung"
ASKER = ("Katrin", "Wagner")
TITLE = "Welche Leistungen nach dem Onlinezugangsgesetz haben Sie zuerst online gebracht?"
TEXT = (
    "Wir stehen mit der **OZG-Umsetzung** noch am Anfang und müssen priorisieren: Haben Sie mit "
    "den meistgenutzten Leistungen angefangen oder mit den einfachsten? Was würden Sie heute "
    "anders machen?"
)


def seed_experts(context: DemoContext, report: DemoReport) -> None:
    channel = Channel.objects.filter(slug=CHANNEL).first()
    asker = User.objects.filter(email=demo_email(*ASKER)).first()
    if channel is None or asker is None or Question.objects.filter(title=TITLE).exists():
        return
    with transaction.atomic():
        question = question_ask(author=asker, channel=channel, title=TITLE, source=TEXT)
        asked = question_route(question=question)
    report.count("Fragen an Fachleute weitergeleitet", len(asked))
