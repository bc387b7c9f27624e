"""The demo network's knowledge base: German practice examples by demo members.

Hand-written articles (published, one in review, one overdue for review) make `make run` show
a living site; `seed_demo --scale N` adds N short generated articles for benchmarks, written
straight to the tables (no revisions, no search index), which is fine for load tests only.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from hub.demo import DemoContext, DemoReport
from hub.knowledge.services import Contribution, practice_submission_create
from hub.models import (
    HomePage,
    KnowledgeIndexPage,
    PracticePage,
    PracticePageAuthor,
    Topic,
    topic_slug,
)
from members.models import Profile, User

DEMO_DOMAIN = "demo.kollegium.example"

# (title, summary, author e-mail local part, topics, situation, approach, result, lessons, age
# in days, review overdue)
ARTICLES: tuple[tuple[str, str, str, tuple[str, ...], str, str, str, str, int, bool], ...] = (
    (
        "E-Akte im Bürgeramt: in sechs Monaten papierlos",
        "Wie das Bürgeramt Leipzig-Mitte Posteingang, Scannen und Aktenablage umgestellt hat "
        "– mit einem Pilotteam und wöchentlichen Rückblicken.",
        "lea.zimmermann",
        ("E-Akte", "Wissensmanagement"),
        "Jeden Tag kamen rund 400 Briefe an, die Akten lagen in drei Gebäuden verteilt.",
        "Ein Pilotteam aus fünf Kolleginnen hat das ersetzende Scannen nach TR-RESISCAN "
        "erprobt; nach jedem Sprint haben wir Ablagestruktur und Aktenplan angepasst.",
        "Nach sechs Monaten arbeiten alle Teams digital; Auskünfte dauern Minuten statt Tage.",
        "Personalrat und Datenschutz von Anfang an einbinden, nicht erst zur Abnahme.",
        12,
        False,
    ),
    (
        "Nachhaltige Beschaffung von Dienstfahrrädern über einen Rahmenvertrag",
        "Eine Kreisverwaltung hat 60 Dienstfahrräder samt Wartung ausgeschrieben und dabei "
        "Nachhaltigkeitskriterien rechtssicher gewichtet.",
        "birgit.lange",
        ("Vergabe",),
        "Die alten Dienstwagen für Kurzstrecken waren teuer und selten ausgelastet.",
        "Offenes Verfahren nach UVgO mit Zuschlagskriterien Preis (60 %), Wartungskonzept "
        "(25 %) und Umweltaspekte (15 %); Markterkundung vorab mit drei Händlern.",
        "Vier Angebote, Zuschlag an einen regionalen Händler, 30 % weniger Dienstwagenfahrten.",
        "Wartung und Ersatzteile gleich mit ausschreiben – sonst stehen die Räder.",
        30,
        False,
    ),
    (
        "Barrierefreie PDF-Formulare: unsere Checkliste",
        "Welche Prüfschritte ein Landesamt vor jeder Veröffentlichung eines Formulars "
        "durchläuft, damit es mit Screenreader und Tastatur nutzbar ist.",
        "franziska.meyer",
        ("Barrierefreiheit", "OZG und Onlinedienste"),
        "Bei einer Prüfung nach BITV 2.0 fielen 80 % unserer Formulare durch.",
        "Wir haben eine Checkliste mit zwölf Punkten erstellt (Tags, Lesereihenfolge, "
        "Feldbeschriftungen, Kontrast) und prüfen jedes Formular mit PAC und NVDA.",
        "Neue Formulare bestehen die Prüfung inzwischen beim ersten Anlauf.",
        "Formulare gleich im Quellprogramm richtig aufbauen; nachträgliches Reparieren kostet "
        "dreimal so viel Zeit.",
        60,
        False,
    ),
    (
        "Verarbeitungsverzeichnis in drei Wochen statt drei Monaten",
        "Wie eine Stadtverwaltung das DSGVO-Verzeichnis mit Fachämtern in kurzen Workshops "
        "aufgebaut hat, statt Fragebögen zu verschicken.",
        "elif.kaya",
        ("Datenschutz",),
        "Fragebögen an 40 Sachgebiete kamen kaum ausgefüllt zurück.",
        "Je Fachamt ein 90-Minuten-Workshop mit vorbereiteter Vorlage; die Datenschutz-"
        "koordination füllt live aus, das Fachamt korrigiert.",
        "Das Verzeichnis ist vollständig und wird jährlich im selben Format aktualisiert.",
        "Mit den Ämtern beginnen, die die meisten Verfahren haben.",
        90,
        False,
    ),
    (
        "Onboarding-Paten für neue Kolleginnen und Kollegen",
        "Ein Patenprogramm verkürzt die Einarbeitung in einer Bundesbehörde spürbar – so "
        "haben wir es aufgesetzt.",
        "henrik.peters",
        ("Personalgewinnung", "Wissensmanagement", "Führung"),
        "Neue Beschäftigte fühlten sich in den ersten Wochen allein gelassen.",
        "Jede neue Person bekommt eine Patin aus einem anderen Referat, dazu einen "
        "Einarbeitungsplan und drei feste Gesprächstermine.",
        "Die Zufriedenheit nach 100 Tagen stieg deutlich, Frühkündigungen gingen zurück.",
        "Paten brauchen Zeit im Arbeitsplan, sonst bleibt es beim guten Willen.",
        150,
        False,
    ),
    (
        "KI-gestützte Zuordnung von Bürgeranfragen",
        "Ein Pilot, in dem ein Sprachmodell E-Mails an die richtige Stelle vorschlägt – und die "
        "Entscheidung beim Menschen bleibt.",
        "sophie.krause",
        ("Künstliche Intelligenz", "Datenschutz"),
        "Täglich landen Hunderte Anfragen im zentralen Postfach und werden von Hand verteilt.",
        "Ein lokal betriebenes Modell schlägt Zuständigkeiten vor; Beschäftigte bestätigen "
        "oder korrigieren. Datenschutz-Folgenabschätzung vorab.",
        "70 % der Vorschläge passen; die Verteilung geht schneller, Fehler werden sichtbar.",
        "Trainingsdaten aus dem eigenen Haus sind wichtiger als das größte Modell.",
        20,
        False,
    ),
    (
        "Online-Terminvergabe in der Kfz-Zulassung",
        "Was eine Zulassungsstelle beim Wechsel auf Online-Termine gelernt hat – und warum "
        "es trotzdem eine offene Sprechstunde gibt.",
        "tobias.maier",
        ("OZG und Onlinedienste",),
        "Lange Warteschlangen am Morgen, leere Schalter am Nachmittag.",
        "Termine online in 15-Minuten-Takten, ein Drittel der Zeit bleibt für Spontane.",
        "Wartezeiten sanken von 90 auf 15 Minuten.",
        "Die Terminbuchung barrierefrei halten und telefonisch anbieten.",
        400,
        True,
    ),
)

IN_REVIEW = (
    "Bürgerbeteiligung zum Radverkehrsplan online und vor Ort",
    "Wie wir 1.200 Hinweise gesammelt und ausgewertet haben.",
    "claudia.fischer",
    ("Bürgerbeteiligung",),
)


def _stream(situation: str, approach: str, result: str, lessons: str) -> list[tuple[str, Any]]:
    return [
        ("callout", {"kind": "ausgangslage", "text": f"<p>{situation}</p>"}),
        ("callout", {"kind": "vorgehen", "text": f"<p>{approach}</p>"}),
        ("callout", {"kind": "ergebnis", "text": f"<p>{result}</p>"}),
        ("callout", {"kind": "lessons", "text": f"<p>{lessons}</p>"}),
    ]


def _profile(local_part: str) -> Profile | None:
    return (
        Profile.objects.filter(user__email=f"{local_part}@{DEMO_DOMAIN}")
        .select_related("user", "organisation")
        .first()
    )


def seed_knowledge(context: DemoContext, report: DemoReport) -> None:
    index = KnowledgeIndexPage.objects.first()
    if index is None:
        return
    topics = {topic.name: topic for topic in Topic.objects.all()}
    now = timezone.now()
    created = []
    for entry in context.progress(iter(ARTICLES), "Praxisbeispiele", len(ARTICLES)):
        title, summary, author, names, situation, approach, result, lessons, age, stale = entry
        slug = topic_slug(title)[:80]
        profile = _profile(author)
        if profile is None or index.get_children().filter(slug=slug).exists():
            continue
        organisation = profile.organisation
        published_at = now - datetime.timedelta(days=age)
        page = PracticePage(
            title=title,
            slug=slug,
            summary=summary,
            body=_stream(situation, approach, result, lessons),
            owner=profile.user,
            submitted_by=profile.user,
            organisation=organisation,
            administration_level=organisation.level if organisation else "",
            state=organisation.state if organisation else "",
            review_date=(now - datetime.timedelta(days=10)).date()
            if stale
            else (published_at + datetime.timedelta(days=730)).date(),
            live=False,
        )
        with transaction.atomic():
            index.add_child(instance=page)
            page.topics.set([topics[name] for name in names if name in topics])
            page.authors.set([PracticePageAuthor(profile=profile)])
            page.save()
            page.save_revision(user=profile.user).publish()
            PracticePage.objects.filter(pk=page.pk).update(
                first_published_at=published_at, last_published_at=published_at
            )
        created.append(page)
        report.count("Praxisbeispiele")
    _seed_submission_in_review(index, topics, report)
    _feature_on_home(created)
    if context.scale:
        _seed_scale_articles(context, report, index, list(topics.values()))


def _seed_submission_in_review(
    index: KnowledgeIndexPage, topics: dict[str, Topic], report: DemoReport
) -> None:
    title, summary, author, names = IN_REVIEW
    profile = _profile(author)
    if profile is None or PracticePage.objects.filter(title=title).exists():
        return
    practice_submission_create(
        author=profile.user,
        contribution=Contribution(
            title=title,
            summary=summary,
            body_html=(
                "<p>Wir haben die Beteiligung zwei Monate lang online und an sechs Infoständen "
                "angeboten. Die Hinweise haben wir nach Stadtteil und Thema geclustert.</p>"
            ),
            topics=[topics[name] for name in names if name in topics],
            attachments=[],
        ),
    )
    report.count("Einreichungen in Prüfung")


def _feature_on_home(created: list[PracticePage]) -> None:
    home = HomePage.objects.first()
    if home is None or home.featured_items.exists() or not created:
        return
    for page in created[:2]:
        home.featured_items.create(page=page)
    home.save_revision().publish()


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _tree_step(number: int) -> str:
    digits = ""
    for _position in range(Page.steplen):
        number, remainder = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[remainder] + digits
    return digits


BULK_BATCH = 1000


def _seed_scale_articles(
    context: DemoContext, report: DemoReport, index: KnowledgeIndexPage, topics: list[Topic]
) -> None:
    """`scale` generated articles (only those a previous run has not created)."""
    prefix = "massenbeitrag-"
    existing = index.get_children().filter(slug__startswith=prefix).count()
    missing = context.scale - existing
    if missing <= 0 or not topics:
        return
    index.refresh_from_db()
    last = index.get_children().order_by("-path").values_list("path", flat=True).first()
    position = (int(last[-Page.steplen :], 36) if last else 0) + 1
    content_type = ContentType.objects.get_for_model(PracticePage)
    authors = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("pk", flat=True)
    )
    body = PracticePage._meta.get_field("body").to_python(
        json.dumps(
            [
                {
                    "type": "paragraph",
                    "value": "<p>Generierter Beitrag für Lasttests.</p>",
                    "id": str(uuid.uuid4()),
                }
            ]
        )
    )
    now = timezone.now()
    numbers = list(range(existing + 1, context.scale + 1))
    batches = [numbers[i : i + BULK_BATCH] for i in range(0, len(numbers), BULK_BATCH)]
    for batch in context.progress(batches, "Praxisbeispiele (Massendaten)", len(batches)):
        with transaction.atomic():
            pages = []
            for number in batch:
                published = now - datetime.timedelta(minutes=number)
                pages.append(
                    Page(
                        title=f"Praxisbeispiel Nummer {number}",
                        draft_title=f"Praxisbeispiel Nummer {number}",
                        slug=f"{prefix}{number}",
                        content_type=content_type,
                        path=index.path + _tree_step(position),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{prefix}{number}/",
                        locale_id=index.locale_id,
                        translation_key=uuid.uuid4(),
                        live=True,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
                position += 1
            pages = Page.objects.bulk_create(pages)
            articles = [
                PracticePage(
                    page_ptr_id=page.pk,
                    summary="Ein generierter Beitrag, damit Listen und Feeds Last haben.",
                    body=body,
                    administration_level="kommune",
                    review_date=(now + datetime.timedelta(days=365)).date(),
                    submitted_by_id=context.rng.choice(authors) if authors else None,
                )
                for page in pages
            ]
            # Django cannot bulk-create rows of a multi-table child; insert the child's own
            # columns for the parent rows created above.
            PracticePage.objects._insert(articles, fields=PracticePage._meta.local_concrete_fields)
            PracticePage.topics.through.objects.bulk_create(
                [
                    PracticePage.topics.through(practicepage_id=page.pk, topic_id=topic.pk)
                    for page in pages
                    for topic in context.rng.sample(topics, 2)
                ]
            )
        report.count("Praxisbeispiele (Massendaten)", len(batch))
    Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
