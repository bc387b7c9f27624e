"""The demo catalogue: courses by the demo trainers, dates in the coming weeks, some
registrations, and a past session with attendance and feedback so the learning history and
the certificate have something to show.

Idempotent: a course that exists (by its address) is left alone, dates and registrations are
only made together with a new course.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.demo import DemoContext, DemoReport
from hub.models import Topic
from members.demo import PEOPLE, demo_email
from members.models import User
from peer_learning.forms import text_to_html
from peer_learning.models import (
    CatalogueIndexPage,
    CourseFormat,
    CourseLevel,
    CoursePage,
    Delivery,
    LearningWish,
    Registration,
    Session,
    WishFormat,
)
from peer_learning.services import (
    attendance_record,
    course_create,
    feedback_submit,
    registration_create,
    session_create,
)
from peer_learning.wish_services import wish_create, wish_vote_set

F = CourseFormat

# (trainer index in PEOPLE, title, format, minutes, level, topics, summary, description)
COURSES: tuple[tuple[int, str, CourseFormat, int, CourseLevel, tuple[str, ...], str, str], ...] = (
    (
        1,
        "OZG-Leistungen nachnutzen: Einer für Alle in der Praxis",
        F.SHORT_TALK,
        30,
        CourseLevel.BEGINNER,
        ("OZG und Onlinedienste",),
        "Wie wir drei EfA-Leistungen in sechs Monaten übernommen haben.",
        "Was der Anschluss an EfA-Dienste wirklich kostet, wer im Haus mitziehen muss und welche "
        "Stolpersteine wir heute umgehen würden.\n\nMit Checkliste zum Mitnehmen.",
    ),
    (
        1,
        "Ask me anything: Projektsteuerung im Bund-Länder-Verbund",
        F.ASK_ME_ANYTHING,
        60,
        CourseLevel.ADVANCED,
        ("Projektmanagement",),
        "Ihre Fragen zu Lenkungskreisen, Meilensteinen und föderalen Abstimmungen.",
        "Bringen Sie Ihre Fragen mit: Es gibt keine Folien, nur Erfahrung aus vier Jahren "
        "Projektsteuerung zwischen Bund und Ländern.",
    ),
    (
        3,
        "Registermodernisierung verstehen",
        F.WORKSHOP,
        90,
        CourseLevel.BEGINNER,
        ("Datenschutz", "OZG und Onlinedienste"),
        "Once-Only, Identifikationsnummer und Datenschutzcockpit – verständlich erklärt.",
        "Wir klären die Begriffe, ordnen die Zeitpläne ein und üben an einem Beispiel aus Ihrer "
        "Behörde, welche Register betroffen sind.",
    ),
    (
        5,
        "Scrum in der Verwaltung: ein ehrlicher Erfahrungsbericht",
        F.EXCHANGE,
        60,
        CourseLevel.BEGINNER,
        ("Projektmanagement", "Führung"),
        "Was von Scrum im ITZBund übrig blieb – und warum das gut so ist.",
        "Wir erzählen, wo Sprints geholfen haben und wo Haushaltsrecht und Mitbestimmung uns "
        "ausgebremst haben. Danach tauschen wir Erfahrungen aus.",
    ),
    (
        5,
        "Retrospektiven moderieren",
        F.WORKSHOP,
        90,
        CourseLevel.ADVANCED,
        ("Führung",),
        "Formate, die auch in hierarchischen Teams offene Gespräche ermöglichen.",
        "Fünf erprobte Formate zum Ausprobieren, online mit Whiteboard.",
    ),
    (
        13,
        "E-Akte einführen ohne Frust",
        F.SHORT_TALK,
        30,
        CourseLevel.BEGINNER,
        ("E-Akte",),
        "Die fünf Entscheidungen, die über Akzeptanz entscheiden.",
        "Aus der Einführung in 14 Referaten: Aktenplan, Scanstrategie, Schulung, Ansprechpersonen "
        "und der Tag X.",
    ),
    (
        19,
        "Smart-City-Förderung beantragen",
        F.WORKSHOP,
        90,
        CourseLevel.ADVANCED,
        ("Projektmanagement", "Bürgerbeteiligung"),
        "Vom Förderaufruf zum bewilligten Antrag – mit Beispielen aus Leipzig.",
        "Wir gehen einen erfolgreichen Antrag Abschnitt für Abschnitt durch.",
    ),
    (
        21,
        "Azubis gewinnen über Social Media",
        F.EXCHANGE,
        60,
        CourseLevel.BEGINNER,
        ("Personalgewinnung",),
        "Was bei der Landeshauptstadt München funktioniert hat.",
        "Kanäle, Aufwand, Freigaben und die Zahlen nach zwei Ausbildungsjahrgängen.",
    ),
    (
        31,
        "Barrierefreie PDF-Dokumente erstellen",
        F.WORKSHOP,
        60,
        CourseLevel.BEGINNER,
        ("Barrierefreiheit",),
        "Schritt für Schritt zu Dokumenten, die BITV 2.0 erfüllen.",
        "Wir prüfen gemeinsam ein Dokument mit PAC und beheben die häufigsten Fehler.",
    ),
    (
        31,
        "KI-Assistenten im Verwaltungsalltag",
        F.ASK_ME_ANYTHING,
        60,
        CourseLevel.BEGINNER,
        ("Künstliche Intelligenz", "Datenschutz"),
        "Was erlaubt ist, was hilft und was man lassen sollte.",
        "Fragen zu Sprachmodellen, Datenschutz und Dienstvereinbarungen – offen beantwortet.",
    ),
)
FEATURED = {"E-Akte einführen ohne Frust", "Barrierefreie PDF-Dokumente erstellen"}
LOCATIONS = (
    "Bundesverwaltungsamt, Barbarastraße 1, 50735 Köln, Raum 2.14",
    "Stadt Leipzig, Neues Rathaus, Martin-Luther-Ring 4–6, Raum 259",
)


def _people() -> list[User]:
    emails = [demo_email(first, last) for first, last, *_rest in PEOPLE]
    by_email = {user.email: user for user in User.objects.filter(email__in=emails)}
    return [by_email[email] for email in emails if email in by_email]


def seed_courses(context: DemoContext, report: DemoReport) -> None:
    catalogue = CatalogueIndexPage.objects.first()
    people = _people()
    if catalogue is None or len(people) < len(PEOPLE):
        return
    existing = set(CoursePage.objects.values_list("title", flat=True))
    topics = {topic.name: topic for topic in Topic.objects.all()}
    rng = context.rng
    for index, spec in enumerate(COURSES):
        trainer_index, title, course_format, minutes, level, topic_names, summary, text = spec
        if title in existing:
            continue
        with transaction.atomic():
            course = course_create(
                user=people[trainer_index],
                data={
                    "title": title,
                    "summary": summary,
                    "description": text_to_html(text),
                    "format": course_format,
                    "duration_minutes": minutes,
                    "level": level,
                    "topics": [topics[name] for name in topic_names if name in topics],
                },
            )
            course.featured = title in FEATURED
            course.save_revision(user=people[trainer_index]).publish()
            report.count("Impulse")
            learners = [person for number, person in enumerate(people) if number != trainer_index]
            for week in range(1, 4 if index % 3 else 3):
                _seed_session(course, people[trainer_index], learners, week, minutes, rng, report)
            if index % 2 == 0:
                _seed_past_session(course, people[trainer_index], learners, minutes, report)


def _start(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session_data(
    starts_at: dt.datetime, minutes: int, number: int, capacity: int
) -> dict[str, Any]:
    delivery = (Delivery.ONLINE, Delivery.ONLINE, Delivery.HYBRID, Delivery.ON_SITE)[number % 4]
    return {
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(minutes=minutes),
        "delivery": delivery,
        "location": LOCATIONS[number % 2] if delivery != Delivery.ONLINE else "",
        "meeting_url": (
            f"https://konferenz.kollegium.example/impuls-{number}"
            if delivery != Delivery.ON_SITE
            else ""
        ),
        "capacity": capacity,
    }


def _seed_session(
    course: CoursePage,
    trainer: User,
    learners: list[User],
    week: int,
    minutes: int,
    rng: random.Random,
    report: DemoReport,
) -> None:
    starts_at = _start(week * 7 + rng.randint(-3, 3), rng.choice((9, 10, 13, 14)))
    capacity = rng.choice((3, 8, 12, 20))
    session = session_create(
        course=course,
        user=trainer,
        data=_session_data(starts_at, minutes, course.pk + week, capacity),
    )
    report.count("Termine")
    for person in rng.sample(learners, rng.randint(1, min(capacity + 2, 6))):
        registration_create(session_id=session.pk, user=person)
        report.count("Anmeldungen")


def _seed_past_session(
    course: CoursePage, trainer: User, learners: list[User], minutes: int, report: DemoReport
) -> None:
    """Sessions cannot be planned in the past, so this one is planned and then moved back."""
    session = session_create(
        course=course,
        user=trainer,
        data=_session_data(_start(1, 10), minutes, course.pk, 10),
    )
    attendees = learners[:4]
    for person in attendees:
        registration_create(session_id=session.pk, user=person)
    starts_at = _start(-14, 10)
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes)
    )
    attendance_record(
        session_id=session.pk,
        user=trainer,
        attended_ids=set(Registration.objects.filter(session=session).values_list("pk", flat=True)),
    )
    comments = ("Sehr praxisnah, danke!", "", "Gute Beispiele, gern mehr Zeit für Fragen.", "")
    for person, rating, comment in zip(attendees, (5, 4, 5, 4), comments, strict=True):
        feedback_submit(session_id=session.pk, user=person, rating=rating, comment=comment)
    report.count("Termine")


# (title, text, topic names, format, author index into PEOPLE, how many others say "+1")
WISHES: tuple[tuple[str, str, tuple[str, ...], str, int, int], ...] = (
    (
        "Bürgerbeteiligung online moderieren",
        "Wir planen unsere erste digitale Beteiligung zum Radverkehr. Wie hält man eine "
        "Online-Versammlung mit 80 Leuten fair und lebendig?",
        ("Bürgerbeteiligung",),
        WishFormat.ONLINE,
        4,
        5,
    ),
    (
        "Aktenplan für die E-Akte aufbauen",
        "Unser Aktenplan stammt aus den 90ern. Wer hat ihn vor der E-Akte-Einführung "
        "aufgeräumt, und wie lange hat das gedauert?",
        ("E-Akte",),
        WishFormat.ANY,
        8,
        3,
    ),
    (
        "Barrierefreie PDF-Formulare erstellen",
        "Wir müssen unsere Antragsformulare barrierefrei machen und wissen nicht, wo wir "
        "anfangen sollen.",
        ("Barrierefreiheit",),
        WishFormat.ON_SITE,
        2,
        1,
    ),
)


def seed_wishes(context: DemoContext, report: DemoReport) -> None:
    """A few learning wishes with "+1"s, so the board is not empty. Seeded once."""
    if LearningWish.objects.exists():
        return
    people = _people()
    if len(people) < 10:
        return
    for title, text, topic_names, wish_format, author_index, votes in WISHES:
        with transaction.atomic():
            author = people[author_index]
            wish = wish_create(
                author=author,
                title=title,
                text=text,
                topics=Topic.objects.filter(name__in=topic_names),
                format=wish_format,
            )
            # The colleagues after the author: each wish gets other supporters.
            voters = (people[author_index + 1 :] + people[:author_index])[:votes]
            for voter in voters:
                wish_vote_set(member=voter, wish=wish, voting=True)
        report.count("Lernwünsche")
