"""The demo network's knowledge base: German practice examples by demo members.

Hand-written articles (published, one in review, one overdue for review) make `make run` show
a living site and give search its judged material (tests/search/judgements.toml);
`seed_demo --scale N` adds N generated articles (hub/demo_corpus.py) for benchmarks, written
straight to the tables (no revisions, no signals), which is fine for load tests only.
"""

from __future__ import annotations

import datetime
import functools
import json
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from core.demo import DemoContext, DemoReport
from hub.demo_corpus import GeneratedArticle, practice_article
from hub.knowledge.services import Contribution, practice_submission_create
from hub.models import (
    HomePage,
    KnowledgeIndexPage,
    PracticePage,
    PracticePageAuthor,
    Topic,
)
from members.models import FederalState, Profile, User

DEMO_DOMAIN = "demo.kollegium.example"
LIBRARY_PATH = Path(__file__).with_name("demo_library.toml")


@dataclass(frozen=True)
class DemoArticle:
    """One practice example of demo_library.toml (see the field list there)."""

    slug: str
    title: str
    summary: str
    author: str
    topics: tuple[str, ...]
    age: int
    situation: str
    approach: str
    result: str
    lessons: str
    legal_basis: str = ""
    stale: bool = False


@functools.cache
def demo_articles() -> tuple[DemoArticle, ...]:
    """The hand-written practice examples, in the order they are published."""
    with LIBRARY_PATH.open("rb") as library:
        entries = tomllib.load(library)["article"]
    return tuple(DemoArticle(**{**entry, "topics": tuple(entry["topics"])}) for entry in entries)


IN_REVIEW = (
    "Bürgerbeteiligung zum Radverkehrsplan online und vor Ort",
    "Wie wir 1.200 Hinweise gesammelt und ausgewertet haben.",
    "claudia.fischer",
    ("Bürgerbeteiligung",),
)


def _stream(article: DemoArticle) -> list[tuple[str, Any]]:
    parts = [
        ("ausgangslage", article.situation),
        ("vorgehen", article.approach),
        ("ergebnis", article.result),
        ("lessons", article.lessons),
        ("rechtsgrundlage", article.legal_basis),
    ]
    return [
        ("callout", {"kind": kind, "text": f"<p>{escape(text)}</p>"})
        for kind, text in parts
        if text
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
    articles = demo_articles()
    for article in context.progress(iter(articles), "Praxisbeispiele", len(articles)):
        profile = _profile(article.author)
        if profile is None or index.get_children().filter(slug=article.slug).exists():
            continue
        organisation = profile.organisation
        published_at = now - datetime.timedelta(days=article.age)
        page = PracticePage(
            title=article.title,
            slug=article.slug,
            summary=article.summary,
            body=_stream(article),
            owner=profile.user,
            submitted_by=profile.user,
            organisation=organisation,
            administration_level=organisation.level if organisation else "",
            state=organisation.state if organisation else "",
            review_date=(now - datetime.timedelta(days=10)).date()
            if article.stale
            else (published_at + datetime.timedelta(days=730)).date(),
            live=False,
        )
        with transaction.atomic():
            index.add_child(instance=page)
            page.topics.set([topics[name] for name in article.topics if name in topics])
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
SCALE_LEVELS = ("bund", "land", "kommune", "kommune", "sonstige")
CALLOUT_KINDS = ("ausgangslage", "vorgehen", "ergebnis", "lessons")


def _generated_stream(generated: GeneratedArticle) -> list[dict[str, Any]]:
    return [
        {
            "type": "callout",
            "value": {"kind": kind, "text": f"<p>{escape(text)}</p>"},
            "id": str(uuid.uuid4()),
        }
        for kind, text in zip(CALLOUT_KINDS, generated.paragraphs, strict=True)
    ]


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
    body_field = PracticePage._meta.get_field("body")
    topics_by_name = {topic.name: topic for topic in topics}
    states = [state for state, _label in FederalState.choices]
    now = timezone.now()
    numbers = list(range(existing + 1, context.scale + 1))
    batches = [numbers[i : i + BULK_BATCH] for i in range(0, len(numbers), BULK_BATCH)]
    for batch in context.progress(batches, "Praxisbeispiele (Massendaten)", len(batches)):
        with transaction.atomic():
            pages, articles = [], []
            for number in batch:
                published = now - datetime.timedelta(minutes=number)
                generated = practice_article(context.rng)
                pages.append(
                    Page(
                        title=generated.title,
                        draft_title=generated.title,
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
                articles.append(generated)
                position += 1
            pages = Page.objects.bulk_create(pages)
            levels = [context.rng.choice(SCALE_LEVELS) for _page in pages]
            practice_pages = [
                PracticePage(
                    page_ptr_id=page.pk,
                    summary=generated.summary,
                    body=body_field.to_python(json.dumps(_generated_stream(generated))),
                    administration_level=level,
                    state="" if level == "bund" else context.rng.choice(states),
                    review_date=(now + datetime.timedelta(days=365)).date(),
                    submitted_by_id=context.rng.choice(authors) if authors else None,
                )
                for page, generated, level in zip(pages, articles, levels, strict=True)
            ]
            # Django cannot bulk-create rows of a multi-table child; insert the child's own
            # columns for the parent rows created above.
            PracticePage.objects._insert(
                practice_pages, fields=PracticePage._meta.local_concrete_fields
            )
            PracticePage.topics.through.objects.bulk_create(
                [
                    PracticePage.topics.through(practicepage_id=page.pk, topic_id=topic.pk)
                    for page, generated in zip(pages, articles, strict=True)
                    for topic in {
                        topics_by_name.get(generated.subject.topic) or context.rng.choice(topics),
                        context.rng.choice(topics),
                    }
                ]
            )
        report.count("Praxisbeispiele (Massendaten)", len(batch))
    Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
