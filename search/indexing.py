"""What goes into the search index, and keeping the index in step with the content.

Every searchable thing belongs to a *source* ("practice:42", "course:7", "message:9",
"profile:3"). Refreshing a source recomputes all its entries from the database and replaces the
stored ones, so the same code serves publishing, unpublishing, deleting and rebuilding. A
practice page owns the entries of its attached documents, a course those of its sessions.

The stored entries (`SearchEntry`) are always written: they are the database backend's index.
Then the backend settings chose is told which entries changed (`search.backends`); what
Elasticsearch cannot take waits in `search.outbox`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.documents.models import AbstractDocument

from discussions.models import Channel, Message, Question
from discussions.selectors import is_open_to_members, shown_messages
from hub.models import PracticePage
from members.models import Profile
from members.selectors import member_name, member_profiles, profile_view_for, visibility_levels_for
from peer_learning.models import CoursePage, Session, SessionStatus
from search.abbreviations import abbreviation_pairs
from search.analysis import index_tokens, lists_changed, seed_stopwords, seed_word_parts
from search.backends import BackendUnavailable, get_backend
from search.backends.base import Progress
from search.compounds import learn_word_parts
from search.extraction import document_text
from search.models import (
    Audience,
    EntryTopic,
    Kind,
    LearnedAbbreviation,
    LearnedWordPart,
    SearchEntry,
    Term,
    WordPart,
)
from search.outbox import outbox_put
from search.vectors import drop_orphaned_vectors, schedule_vectors
from search.vocabulary import VOCABULARY_WORD

logger = logging.getLogger(__name__)

# Audiences whose words may be offered to anyone as suggestions.
_SHARED_AUDIENCES = frozenset({Audience.PUBLIC, Audience.OUTSIDERS})


@dataclass(frozen=True)
class Item:
    """One search entry before it is stored."""

    entry_id: str
    key: str
    kind: str
    audience: str
    title: str
    text: str
    url: str
    topics: tuple[str, ...] = ()
    administration_level: str = ""
    state: str = ""
    date: datetime | None = None
    source: str = field(default="", compare=False)


def plain_text(html: str) -> str:
    return unescape(strip_tags(html)).strip()


# --- What each content type contributes ---------------------------------------------------


def _live_practice_pages() -> QuerySet[PracticePage]:
    return PracticePage.objects.live().public().prefetch_related("topics")


def practice_items(page: PracticePage) -> list[Item]:
    source = f"practice:{page.pk}"
    topics = tuple(sorted(topic.slug for topic in page.topics.all()))
    common = {
        "audience": Audience.PUBLIC,
        "topics": topics,
        "administration_level": page.administration_level,
        "state": page.state,
        "date": page.last_published_at or page.first_published_at,
        "source": source,
    }
    body = page.body.stream_block.get_searchable_content(page.body)
    items = [
        Item(
            entry_id=source,
            key=source,
            kind=Kind.PRACTICE,
            title=page.title,
            text="\n".join([page.summary, *(plain_text(part) for part in body)]),
            url=page.url or "",
            **common,
        )
    ]
    seen: set[int] = set()
    for block in page.body:
        if block.block_type != "document" or block.value["document"] is None:
            continue
        document = block.value["document"]
        if document.pk in seen:
            continue
        seen.add(document.pk)
        key = f"document:{page.pk}-{document.pk}"
        items.append(
            Item(
                entry_id=key,
                key=key,
                kind=Kind.DOCUMENT,
                title=document.title,
                text="\n".join(
                    [block.value.get("description") or "", _stored_document_text(document)]
                ),
                url=document.url,
                **common,
            )
        )
    return items


def _stored_document_text(document: AbstractDocument) -> str:
    try:
        with document.open_file() as file:
            return document_text(document.file.name, file)
    except Exception:
        logger.warning("Could not open document %s for indexing", document.pk, exc_info=True)
        return ""


def _live_courses() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().public().prefetch_related("topics")


def course_items(course: CoursePage) -> list[Item]:
    source = f"course:{course.pk}"
    topics = tuple(sorted(topic.slug for topic in course.topics.all()))
    items = [
        Item(
            entry_id=source,
            key=source,
            kind=Kind.COURSE,
            audience=Audience.PUBLIC,
            title=course.title,
            text="\n".join([course.summary, plain_text(course.description), course.prerequisites]),
            url=course.url or "",
            topics=topics,
            date=course.last_published_at or course.first_published_at,
            source=source,
        )
    ]
    sessions = course.sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at")
    for session in sessions:
        key = f"session:{session.pk}"
        when = date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")
        items.append(
            Item(
                entry_id=key,
                key=key,
                kind=Kind.SESSION,
                audience=Audience.PUBLIC,
                title=_("%(course)s am %(date)s") % {"course": course.title, "date": when},
                text="\n".join([session.get_delivery_display(), session.location, course.summary]),
                url=reverse("peer_learning:session", kwargs={"pk": session.pk}),
                topics=topics,
                date=session.starts_at,
                source=source,
            )
        )
    return items


def _indexable_messages() -> QuerySet[Message]:
    return (
        shown_messages()
        .select_related("channel", "author__profile", "question__solution")
        .prefetch_related("question__topics")
    )


def _channel_audience(channel: Channel) -> str:
    return Audience.MEMBERS if is_open_to_members(channel) else Audience.channel(channel.pk)


def _question_of(message: Message) -> Question | None:
    try:
        return message.question
    except Question.DoesNotExist:
        return None


def question_item(question: Question, channel_topics: tuple[str, ...]) -> Item:
    """A question is found by its title, its text and, once solved, its solution's text, and
    leads to the question page. Its source is its message's, so every change of the message
    (edit, deletion, hiding) refreshes it like any message."""
    message = question.message
    solution = question.solution
    parts = [plain_text(message.html)]
    if solution is not None and not solution.is_removed:
        parts += [_("Lösung:"), plain_text(solution.html)]
    topics = tuple(sorted(topic.slug for topic in question.topics.all())) or channel_topics
    return Item(
        entry_id=f"question:{question.pk}",
        key=f"question:{question.pk}",
        kind=Kind.QUESTION,
        audience=_channel_audience(message.channel),
        title=question.title,
        text="\n".join(parts),
        url=reverse("discussions:question", args=[question.pk]),
        topics=topics,
        date=message.created_at,
        source=f"message:{message.pk}",
    )


def message_items(message: Message, channel_topics: tuple[str, ...]) -> list[Item]:
    question = _question_of(message)
    if question is not None:
        return [question_item(question, channel_topics)]
    channel = message.channel
    audience = _channel_audience(channel)
    key = f"message:{message.pk}"
    return [
        Item(
            entry_id=key,
            key=key,
            kind=Kind.MESSAGE,
            audience=audience,
            title=_("%(author)s in #%(channel)s")
            % {"author": member_name(message.author), "channel": channel.name},
            text=plain_text(message.html),
            url=reverse("discussions:permalink", kwargs={"pk": message.pk}),
            topics=channel_topics,
            date=message.created_at,
            source=key,
        )
    ]


def _indexable_profiles() -> QuerySet[Profile]:
    return (
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        member_profiles()  # type: ignore[misc]
        .select_related("organisation")
        .prefetch_related("expertise", "interests")
    )


def _profile_variant(profile: Profile, *, member: bool) -> dict | None:
    """What every member (`member`) or every visitor finds of the profile: the fields the
    profile page shows them. None when the name itself is hidden from them (then the
    directory hides the profile)."""
    fields = profile_view_for(profile=profile, member=member).fields
    if fields["display_name"] is None:
        return None
    organisation = fields["organisation"]
    parts = [
        organisation.name if organisation else "",
        fields["position"] or "",
        fields["bio"] or "",
        *(", ".join(tag.name for tag in fields[name] or ()) for name in ("expertise", "interests")),
    ]
    return {
        "title": fields["display_name"],
        "text": "\n".join(part for part in parts if part),
        "administration_level": organisation.level if organisation else "",
        "state": organisation.state if organisation else "",
    }


def profile_items(profile: Profile) -> list[Item]:
    key = f"profile:{profile.pk}"
    public = _profile_variant(profile, member=False)
    members = _profile_variant(profile, member=True)
    common: dict[str, Any] = {
        "key": key,
        "kind": Kind.PROFILE,
        "url": reverse("members:profile", kwargs={"pk": profile.pk}),
        "source": key,
    }
    if members is None:
        return []
    if public == members:
        return [Item(entry_id=key, audience=Audience.PUBLIC, **common, **members)]
    items = [Item(entry_id=f"{key}:members", audience=Audience.MEMBERS, **common, **members)]
    if public is not None:
        items.append(
            Item(entry_id=f"{key}:public", audience=Audience.OUTSIDERS, **common, **public)
        )
    return items


# --- Sources: loading one thing by its source name, or all of a type ----------------------


def _one(queryset: QuerySet, pk: str, build: Callable[..., list[Item]]) -> list[Item]:
    instance = queryset.filter(pk=int(pk)).first()
    return build(instance) if instance is not None else []


def _topics_by_channel(channel_ids: Iterable[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Topic slugs per channel (all channels, or these); a channel without topics is absent."""
    links = Channel.topics.through.objects.all()
    if channel_ids is not None:
        links = links.filter(channel_id__in=channel_ids)
    slugs: dict[int, list[str]] = {}
    for channel_id, slug in links.values_list("channel_id", "topic__slug"):
        slugs.setdefault(channel_id, []).append(slug)
    return {channel_id: tuple(sorted(names)) for channel_id, names in slugs.items()}


def _messages_items(pks: list[int]) -> list[Item]:
    """The entries of these messages, loaded together with their channels' topics."""
    messages = list(_indexable_messages().filter(pk__in=pks))
    topics = _topics_by_channel({message.channel_id for message in messages})
    return [
        item
        for message in messages
        for item in message_items(message, topics.get(message.channel_id, ()))
    ]


def _all_messages() -> Iterator[tuple[str, list[Item]]]:
    topics_by_channel = _topics_by_channel()
    for message in _indexable_messages().iterator(chunk_size=2000):
        yield (
            f"message:{message.pk}",
            message_items(message, topics_by_channel.get(message.channel_id, ())),
        )


def _all_of(
    prefix: str, queryset: Callable[[], QuerySet], build: Callable[..., list[Item]]
) -> Callable[[], Iterator[tuple[str, list[Item]]]]:
    def generate() -> Iterator[tuple[str, list[Item]]]:
        for instance in queryset().iterator(chunk_size=500):
            yield f"{prefix}:{instance.pk}", build(instance)

    return generate


_LOADERS: dict[str, Callable[[str], list[Item]]] = {
    "practice": lambda pk: _one(_live_practice_pages(), pk, practice_items),
    "course": lambda pk: _one(_live_courses(), pk, course_items),
    "message": lambda pk: _messages_items([int(pk)]),
    "profile": lambda pk: _one(_indexable_profiles(), pk, profile_items),
}

_COUNTERS: dict[str, Callable[[], QuerySet]] = {
    Kind.PRACTICE: _live_practice_pages,
    Kind.COURSE: _live_courses,
    Kind.SESSION: lambda: Session.objects.filter(course__in=_live_courses()).exclude(
        status=SessionStatus.CANCELLED
    ),
    Kind.MESSAGE: lambda: _indexable_messages().filter(question__isnull=True),
    Kind.QUESTION: lambda: _indexable_messages().filter(question__isnull=False),
    # A name no other member may see keeps the profile out of search altogether.
    Kind.PROFILE: lambda: _indexable_profiles().filter(
        display_name_visibility__in=visibility_levels_for(member=True)
    ),
}

_GENERATORS: list[tuple[str, Callable[[], Iterator[tuple[str, list[Item]]]]]] = [
    ("practice", _all_of("practice", _live_practice_pages, practice_items)),
    ("course", _all_of("course", _live_courses, course_items)),
    ("message", _all_messages),
    ("profile", _all_of("profile", _indexable_profiles, profile_items)),
]


def source_items(source: str) -> list[Item]:
    """The entries a source should have now; [] when it is gone, unpublished or hidden."""
    prefix, _sep, pk = source.partition(":")
    return _LOADERS[prefix](pk)


def many_sources_items(sources: list[str]) -> list[Item]:
    """Like `source_items` for each source, with the messages among them loaded together (the
    background batches of new messages)."""
    message_pks = [
        int(source.partition(":")[2]) for source in sources if source.startswith("message:")
    ]
    items = [
        item
        for source in sources
        if not source.startswith("message:")
        for item in source_items(source)
    ]
    if message_pks:
        items += _messages_items(message_pks)
    return items


def database_counts() -> dict[str, int]:
    """How many searchable things of each kind the content holds (documents not counted:
    they live inside page bodies)."""
    return {kind: queryset().count() for kind, queryset in _COUNTERS.items()}


# --- Writing the database index -----------------------------------------------------------


def _words(title: str, text: str) -> set[str]:
    return {word.lower() for word in VOCABULARY_WORD.findall(f"{title}\n{text}")}


def _entry(item: Item) -> SearchEntry:
    return SearchEntry(
        entry_id=item.entry_id,
        key=item.key,
        source=item.source or item.key,
        kind=item.kind,
        audience=item.audience,
        title=item.title[:300],
        text=item.text,
        url=item.url,
        topics=list(item.topics),
        administration_level=item.administration_level,
        state=item.state,
        date=item.date,
        title_tokens=" ".join(index_tokens(item.title)),
        tokens=" ".join(index_tokens(item.text)),
    )


def _vocabulary_delta(entries: Iterable[SearchEntry], sign: int, delta: Counter) -> None:
    for entry in entries:
        if entry.audience in _SHARED_AUDIENCES:
            for word in _words(entry.title, entry.text):
                delta[word] += sign


def _apply_vocabulary(delta: Counter) -> None:
    changes = {word: change for word, change in delta.items() if change}
    if not changes:
        return
    Term.objects.bulk_create(
        [Term.of(word) for word, change in changes.items() if change > 0],
        ignore_conflicts=True,
        batch_size=500,
    )
    by_change: dict[int, list[str]] = {}
    for word, change in changes.items():
        by_change.setdefault(change, []).append(word)
    for change, words in by_change.items():
        for start in range(0, len(words), 500):
            Term.objects.filter(word__in=words[start : start + 500]).update(
                document_frequency=F("document_frequency") + change
            )
    Term.objects.filter(document_frequency__lte=0).delete()


def _abbreviations(entries: Iterable[SearchEntry]) -> set[tuple[str, str, str]]:
    """(source, abbreviation, long form) that the entries define. Only texts everyone may read
    teach pairs: every searcher's query is expanded with them, and editors see them."""
    return {
        (entry.source, short, long)
        for entry in entries
        if entry.audience in _SHARED_AUDIENCES
        for short, long in abbreviation_pairs(f"{entry.title}\n{entry.text}")
    }


def _replace_abbreviations(sources: list[str], learned: set[tuple[str, str, str]]) -> None:
    """Store the pairs the sources define now; the query expansion learns of a change after
    the commit."""
    rows = LearnedAbbreviation.objects.filter(source__in=sources)
    old = set(rows.values_list("source", "abbreviation", "long_form"))
    if old == learned:
        return
    rows.delete()
    LearnedAbbreviation.objects.bulk_create(
        [
            LearnedAbbreviation(source=source, abbreviation=short, long_form=long)
            for source, short, long in sorted(learned)
        ],
        batch_size=500,
    )
    transaction.on_commit(lists_changed)


@dataclass(frozen=True)
class _Stored:
    """The entry ids a store wrote, and those it removed for good."""

    written: list[str]
    removed: list[str]


def _store(sources: list[str], items: list[Item]) -> _Stored:
    """Replace the entries of `sources` with `items`."""
    # Analysing the text is most of the work: done before the transaction takes the write lock,
    # which on SQLite makes every other writer of the process wait.
    new = [_entry(item) for item in items]
    delta: Counter = Counter()
    _vocabulary_delta(new, +1, delta)
    abbreviations = _abbreviations(new)
    with transaction.atomic():
        old = list(SearchEntry.objects.filter(source__in=sources))
        _vocabulary_delta(old, -1, delta)
        SearchEntry.objects.filter(source__in=sources).delete()
        SearchEntry.objects.bulk_create(new, batch_size=500)
        EntryTopic.objects.bulk_create(
            [EntryTopic(entry=entry, slug=slug) for entry in new for slug in entry.topics],
            batch_size=1000,
        )
        _apply_vocabulary(delta)
        _replace_abbreviations(sources, abbreviations)
    written = {entry.entry_id for entry in new}
    removed = {entry.entry_id for entry in old} - written
    # Embedding takes far longer than storing: the entries are found by their words at once,
    # by their meaning once the task ran (it also drops the vectors of removed entries).
    schedule_vectors(sorted(written | removed))
    return _Stored(
        written=sorted(written),
        removed=sorted(removed),
    )


def _push(stored: _Stored) -> None:
    """Tell the backend what changed; what it cannot take now waits in the outbox."""
    backend = get_backend()
    try:
        backend.index(stored.written)
        backend.delete(stored.removed)
    except BackendUnavailable as error:
        entry_ids = stored.written + stored.removed
        logger.warning("Search backend unavailable, %d changes to the outbox", len(entry_ids))
        outbox_put(entry_ids, str(error))


def refresh(source: str) -> None:
    """Bring the entries of one source up to date in every index."""
    _push(_store([source], source_items(source)))


def refresh_quietly(source: str) -> None:
    """For signal receivers: indexing is derived data and must never break a write."""
    try:
        refresh(source)
    except Exception:
        logger.exception("Could not index %s", source)


def refresh_many_quietly(sources: list[str], *, batch_size: int = 500) -> None:
    """Bring many sources up to date in batches (one store and one bulk request per batch).
    Like `refresh_quietly` it never raises: a batch that fails is retried source by source, so
    one broken source only loses its own update."""
    for start in range(0, len(sources), batch_size):
        batch = sources[start : start + batch_size]
        try:
            _push(_store(batch, many_sources_items(batch)))
        except Exception:
            for source in batch:
                refresh_quietly(source)


def index_items(items: Iterable[Item]) -> None:
    """Store ready-made items (seeders, benchmarks), replacing their sources' entries."""
    items = list(items)
    sources = sorted({item.source or item.key for item in items})
    _push(_store(sources, items))


def _batches(progress: Progress | None) -> Iterator[list[tuple[str, list[Item]]]]:
    batch: list[tuple[str, list[Item]]] = []
    for _name, generate in _GENERATORS:
        for pair in generate():
            batch.append(pair)
            if len(batch) >= 500:
                yield batch
                batch = []
            if progress:
                progress(1)
    if batch:
        yield batch


def total_sources() -> int:
    return sum(
        queryset().count()
        for kind, queryset in _COUNTERS.items()
        if kind != Kind.SESSION  # sessions come with their course
    )


def rebuild(
    progress: Progress | None = None,
    elasticsearch_progress: Progress | None = None,
) -> int:
    """Recreate the database index from the content, then Elasticsearch's (a new index behind
    the alias). `progress` is called with the number of sources done, `elasticsearch_progress`
    with documents sent. Returns the number of entries stored."""
    with transaction.atomic():
        EntryTopic.objects.all().delete()
        # Without dependent rows left, one DELETE statement instead of loading every entry.
        SearchEntry.objects.all()._raw_delete(SearchEntry.objects.db)
        Term.objects.all().delete()
        LearnedAbbreviation.objects.all().delete()
        stored = 0
        for batch in _batches(progress):
            items = [item for _source, source_items_ in batch for item in source_items_]
            _store([source for source, _items in batch], items)
            stored += len(items)
        learn_word_parts_from_index()
    drop_orphaned_vectors()
    _refresh_table_statistics()
    started = timezone.now()
    get_backend().rebuild(progress=elasticsearch_progress)
    # Written while the backend was rebuilt: sent again, now to the index behind the alias.
    changed = SearchEntry.objects.filter(indexed_at__gte=started)
    _push(_Stored(written=list(changed.values_list("entry_id", flat=True)), removed=[]))
    return stored


def learn_word_parts_from_index() -> bool:
    """Learn the word parts of the vocabulary's compounds (`search.compounds`), store them for
    the analysis chain of every backend, and analyse the stored entries again when they
    changed; True then. The vocabulary is that of texts everyone may read, as for suggestions.
    Elasticsearch receives the new list with its next rebuild."""
    vocabulary = dict(Term.objects.values_list("word", "document_frequency"))
    curated = [*seed_word_parts(), *WordPart.objects.values_list("text", flat=True)]
    learned = learn_word_parts(vocabulary, curated, seed_stopwords())
    with transaction.atomic():
        if set(learned) == set(LearnedWordPart.objects.values_list("text", flat=True)):
            return False
        LearnedWordPart.objects.all().delete()
        LearnedWordPart.objects.bulk_create([LearnedWordPart(text=text) for text in learned])
        lists_changed()
        transaction.on_commit(lists_changed)
        _reanalyse_entries()
    return True


def _reanalyse_entries() -> None:
    """Analyse the stored entries again after the word parts changed: their text is stored,
    so the content need not be loaded again."""
    entries = SearchEntry.objects.order_by("pk").only("pk", "title", "text")
    for start in range(0, entries.count(), 1000):
        batch = list(entries[start : start + 1000])
        for entry in batch:
            entry.title_tokens = " ".join(index_tokens(entry.title))
            entry.tokens = " ".join(index_tokens(entry.text))
        SearchEntry.objects.bulk_update(batch, ["title_tokens", "tokens"], batch_size=500)


def _refresh_table_statistics() -> None:
    """PostgreSQL, after a rebuild replaced every row: VACUUM marks the new rows visible to
    all, which the first searches would otherwise do row by row while answering, and ANALYZE
    gives the planner the new row counts (at 100,000 items, all-kinds p95 right after a
    rebuild 165 → 83 ms). VACUUM cannot run inside a transaction: a rebuild called within one
    analyses only."""
    if connection.vendor != "postgresql":
        return
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (SearchEntry, EntryTopic, Term):
            cursor.execute(f"{statement} {connection.ops.quote_name(model._meta.db_table)}")
