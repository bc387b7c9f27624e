"""Who knows about a question or a wish, who may still be asked, and the open questions a
member could answer."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.page_cache import cached_until_published
from core.queries import Ago
from discussions.models import Question, QuestionState
from discussions.selectors import channel_readers, question_rows, readable_questions
from experts.matching import TextTokens, phrase_matches, phrase_words, title_matches
from experts.models import REASON_MAX_LENGTH, HelpRequest, RoutingPreference
from hub.knowledge.selectors import published_practice_pages
from hub.models import PracticePage, PracticePageAuthor, Topic
from members.models import ExpertiseTag, User
from members.selectors import Viewer, is_network_member, network_members
from network.models import Follow
from peer_learning.models import LearningWish
from peer_learning.selectors import readable_courses
from peer_learning.wish_selectors import wish_board
from search.analysis import lists_version

# At most this many members are asked about one question or wish.
MAX_ASKED = 5
# No member is asked more often than this within `LIMIT_WINDOW`.
WEEKLY_LIMIT = 3
LIMIT_WINDOW = timedelta(days=7)
# A question counts as open for "Offene Fragen" once it waited this long without an answer.
OPEN_AFTER = timedelta(hours=24)

# What each kind of evidence weighs: a tag the member chose says most, a course or article on
# the subject less, a shared topic alone least (it does not reach MIN_SCORE on its own).
TAG_SCORE = 3
TITLE_SCORE = 2
TOPIC_SCORE = 1
MIN_SCORE = 2


@dataclass(frozen=True)
class Evidence:
    score: int
    reason: str


@dataclass(frozen=True)
class Match:
    """A member who knows about the subject: the summed score and the strongest reason."""

    member_id: int
    score: int
    reason: str


def _tag_evidence(text: TextTokens) -> Iterable[tuple[int, Evidence]]:
    words_by_tag: dict[str, list] = {}
    rows = ExpertiseTag.objects.values_list("tag__name", "content_object__user_id")
    for name, user_id in rows:
        if name not in words_by_tag:
            words_by_tag[name] = phrase_words(name)
        if phrase_matches(words_by_tag[name], text):
            yield user_id, Evidence(TAG_SCORE, _("weil Sie bei „%(tag)s“ helfen") % {"tag": name})


def _titled_evidence(
    rows: Iterable[tuple[int, str, int | None]],
    topics_by_item: dict[int, set[int]],
    *,
    text: TextTokens,
    topic_ids: set[int],
    reason: str,
) -> Iterable[tuple[int, Evidence]]:
    """(item, title, member) rows whose title speaks of the text or that share its topics."""
    for item_id, title, user_id in rows:
        if user_id is None:
            continue
        score = TITLE_SCORE if title_matches(phrase_words(title), text) else 0
        if topics_by_item.get(item_id, set()) & topic_ids:
            score += TOPIC_SCORE
        if score:
            yield user_id, Evidence(score, reason % {"title": title})


def _topics_by_item(through: QuerySet, item_field: str) -> dict[int, set[int]]:
    topics: dict[int, set[int]] = defaultdict(set)
    for item_id, topic_id in through.values_list(item_field, "topic_id"):
        topics[item_id].add(topic_id)
    return topics


def _course_evidence(text: TextTokens, topic_ids: set[int]) -> Iterable[tuple[int, Evidence]]:
    courses = readable_courses()
    through = courses.model.topics.through.objects.filter(coursepage__in=courses.values("pk"))
    return _titled_evidence(
        courses.values_list("pk", "title", "trainers"),
        _topics_by_item(through, "coursepage_id"),
        text=text,
        topic_ids=topic_ids,
        reason=_("weil Sie den Impuls „%(title)s“ geben"),
    )


def _article_evidence(text: TextTokens, topic_ids: set[int]) -> Iterable[tuple[int, Evidence]]:
    pages = published_practice_pages().filter(authors__profile__isnull=False)
    through = pages.model.topics.through.objects.filter(practicepage__in=pages.values("pk"))
    return _titled_evidence(
        pages.values_list("pk", "title", "authors__profile__user_id"),
        _topics_by_item(through, "practicepage_id"),
        text=text,
        topic_ids=topic_ids,
        reason=_("weil Sie „%(title)s“ geschrieben haben"),
    )


def askable_members(*, readers: QuerySet[User], exclude: Iterable[int] = ()) -> QuerySet[User]:
    """Of the readers, who may still be asked: not switched off, not the excluded (the asker,
    those asked already), and asked fewer than `WEEKLY_LIMIT` times in the last seven days,
    counted in the same query."""
    since = timezone.now() - LIMIT_WINDOW
    return (
        readers.exclude(pk__in=list(exclude))
        .exclude(routing_preference__enabled=False)
        .annotate(recent=Count("help_requests", filter=Q(help_requests__created_at__gte=since)))
        .filter(recent__lt=WEEKLY_LIMIT)
    )


def experts_for(
    *,
    text: TextTokens,
    topic_ids: set[int],
    readers: QuerySet[User],
    exclude: Iterable[int] = (),
    limit: int = MAX_ASKED,
) -> list[Match]:
    """Up to `limit` askable members whose tags, taught courses or written articles match the
    text (analysed with the search's German chain) or its topics, best first."""
    with translation.override(settings.LANGUAGE_CODE):
        found: dict[int, list[Evidence]] = defaultdict(list)
        for source in (
            _tag_evidence(text),
            _course_evidence(text, topic_ids),
            _article_evidence(text, topic_ids),
        ):
            for user_id, evidence in source:
                found[user_id].append(evidence)
    scored = {
        user_id: (sum(e.score for e in evidence), max(evidence, key=lambda e: e.score).reason)
        for user_id, evidence in found.items()
    }
    candidates = [user_id for user_id, (score, _reason) in scored.items() if score >= MIN_SCORE]
    askable = set(
        askable_members(readers=readers, exclude=exclude)
        .filter(pk__in=candidates)
        .values_list("pk", flat=True)
    )
    ranked = sorted(askable, key=lambda user_id: (-scored[user_id][0], user_id))
    return [Match(user_id, *scored[user_id]) for user_id in ranked[:limit]]


def question_tokens(question: Question) -> TextTokens:
    """What a question speaks of: its title, text and topics."""
    names = question.topics.values_list("name", flat=True)
    return TextTokens.of(question.title, question.message.source, *names)


def experts_for_question(question: Question, *, exclude: Iterable[int] = ()) -> list[Match]:
    """Who is offered the question: readers of its channel other than the asker (and the
    `exclude`d, such as the article's authors, who are asked as such)."""
    channel = question.message.channel
    asker = [question.message.author_id] if question.message.author_id else []
    return experts_for(
        text=question_tokens(question),
        topic_ids=set(question.topics.values_list("pk", flat=True)),
        readers=channel_readers(channel=channel),
        exclude=[*asker, *exclude],
    )


def article_authors_to_ask(question: Question) -> list[Match]:
    """ "Frage an die Autor:innen": the credited authors of the article the question is about,
    if they may read its channel and did not switch routing off; never the asker.

    Unlike the members found by matching, authors are asked beyond the weekly limit: the asker
    chose them, and a question about their own article is not one of the unasked-for offers
    the limit keeps few. Their request is stored like any other, so it still counts toward
    the limit for the questions matching finds afterwards.
    """
    article = question.article
    if article is None:
        return []
    members = (
        _askable_authors(
            article,
            among=channel_readers(channel=question.message.channel),
            asker_id=question.message.author_id,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("weil Sie den Beitrag „%(title)s“ geschrieben haben") % {"title": article.title}
    reason = Truncator(reason).chars(REASON_MAX_LENGTH)
    return [Match(member_id, TAG_SCORE, reason) for member_id in members]


def article_has_askable_author(*, article: PracticePage, viewer: User) -> bool:
    """Whether "Frage an die Autor:innen" would reach anyone: a credited author other than the
    viewer is still a member of the network and did not switch routing off (whether they read
    the channel depends on the one the asker picks, `article_authors_to_ask`). One query,
    however many authors."""
    return _askable_authors(article, among=network_members(), asker_id=viewer.pk).exists()


def _askable_authors(
    article: PracticePage, *, among: QuerySet[User], asker_id: int | None
) -> QuerySet[User]:
    """The article's credited authors among `among` who did not switch routing off, without
    the asker."""
    authors = PracticePageAuthor.objects.filter(page_id=article.pk, profile__isnull=False)
    members = among.filter(pk__in=authors.values("profile__user_id")).exclude(
        routing_preference__enabled=False
    )
    return members.exclude(pk=asker_id) if asker_id is not None else members


def _topics_named_by(tags: tuple[str, ...]) -> list[int]:
    """The topics whose name holds one of the tags, by the German chain."""
    words = [phrase_words(name) for name in tags]
    return [
        pk
        for pk, name in Topic.objects.values_list("pk", "name")
        if any(phrase_matches(tag, TextTokens.of(name)) for tag in words)
    ]


@dataclass(frozen=True)
class HelpableTopics:
    """The topics a member can help with: those named like one of their "Ich kann helfen bei"
    tags (a few, by primary key) and the ones they follow (a subquery: a member may follow
    hundreds, and a list of hundreds of ids costs more to send and plan than the lookup)."""

    tagged: tuple[int, ...]
    member_id: int | None

    def condition(self, field: str) -> Q:
        """Rows whose topic `field` (a primary key or a foreign key to a topic) is one of them."""
        if self.member_id is None:
            return Q(pk__in=[])
        followed = Follow.objects.filter(member_id=self.member_id, topic__isnull=False)
        return Q(**{f"{field}__in": self.tagged}) | Q(
            **{f"{field}__in": followed.values("topic_id")}
        )


def helpable_topic_set(*, member: Viewer) -> HelpableTopics:
    """The topics the member can help with (`helpable_topics`), to filter lists by; a page
    showing several such lists reads them once (`experts.sections`).

    Matching reads every topic name, so which topics a set of tags names is kept, shared by
    members with the same tags: until a topic changes (a new cache generation, as for cached
    pages) or editors change the chain's word lists (`lists_version`).
    """
    if not is_network_member(member):
        return HelpableTopics(tagged=(), member_id=None)
    tags = tuple(
        sorted(
            ExpertiseTag.objects.filter(content_object__user=member).values_list(
                "tag__name", flat=True
            )
        )
    )
    if not tags:
        return HelpableTopics(tagged=(), member_id=member.pk)
    digest = hashlib.sha256("\n".join(tags).encode()).hexdigest()
    tagged = cached_until_published(
        f"experts:tagged-topics:{lists_version()}:{digest}", lambda: _topics_named_by(tags)
    )
    return HelpableTopics(tagged=tuple(tagged), member_id=member.pk)


def helpable_topics(*, member: Viewer) -> QuerySet[Topic]:
    """Topics the member can help with: the ones they follow and those named like one of
    their "Ich kann helfen bei" tags (by the German chain, so a tag "E-Akte" finds the topic
    "E-Akte und Digitalisierung")."""
    return Topic.objects.filter(helpable_topic_set(member=member).condition("pk"))


def _waiting_for_help(
    *, member: Viewer, now: datetime | None, topics: HelpableTopics | None
) -> QuerySet[Question]:
    """Open questions still without an answer 24 hours after they were asked, in a topic the
    member can help with, readable by the member, not their own; the longest waiting first."""
    if not is_network_member(member):
        return Question.objects.none()
    if topics is None:
        topics = helpable_topic_set(member=member)
    asked_before = now - OPEN_AFTER if now else Ago(OPEN_AFTER)
    in_topics = Question.topics.through.objects.filter(topics.condition("topic_id"))
    return (
        readable_questions(member)
        .filter(
            state=QuestionState.OPEN,
            message__created_at__lte=asked_before,
            # A subquery, not a join: the list's rows must not multiply by topics.
            pk__in=in_topics.values("question_id"),
        )
        .exclude(message__author=member)
        .order_by("message_id")
    )


def open_questions_for(
    *, member: Viewer, now: datetime | None = None, topics: HelpableTopics | None = None
) -> QuerySet[Question]:
    """Questions the member could answer, for the digest: still without an answer 24 hours
    after they were asked, in a topic the member can help with (`helpable_topic_set`, unless
    given as `topics`), readable by the member, not their own; the longest waiting first.
    Rows come as `discussions.selectors.question_rows` gives them, so `question_cards`
    renders them. The start page reads only their keys (`open_question_keys_for`)."""
    return question_rows(_waiting_for_help(member=member, now=now, topics=topics))


def open_question_keys_for(
    *, member: Viewer, limit: int, topics: HelpableTopics | None = None
) -> list[int]:
    """The first `limit` of `open_questions_for`, keys only: the start page takes their rows
    from those kept for everybody (`experts.sections`), so a member's list computed afresh
    costs one plain query."""
    keys = _waiting_for_help(member=member, now=None, topics=topics).values_list("pk", flat=True)
    return list(keys[:limit])


def routing_enabled(*, member: Viewer) -> bool:
    """ "Fragen an mich weiterleiten" is on unless the member switched it off."""
    return not RoutingPreference.objects.filter(member_id=member.pk, enabled=False).exists()


def wish_tokens(wish: LearningWish) -> TextTokens:
    """What a wish speaks of: its title, text and topics."""
    names = wish.topics.values_list("name", flat=True)
    return TextTokens.of(wish.title, wish.text, *names)


def experts_for_wish(wish: LearningWish) -> list[Match]:
    """Who is told about a learning wish: any member of the network but its author."""
    return experts_for(
        text=wish_tokens(wish),
        topic_ids=set(wish.topics.values_list("pk", flat=True)),
        readers=network_members(),
        exclude=[wish.author_id],
    )


def wish_request_reasons_for(*, member: Viewer, wish_ids: Iterable[int]) -> dict[int, str]:
    """Why the member was asked about these learning wishes: wish id -> reason."""
    return dict(
        HelpRequest.objects.filter(member_id=member.pk, wish_id__in=list(wish_ids)).values_list(
            "wish_id", "reason"
        )
    )


@dataclass(frozen=True)
class WishMatch:
    """An open learning wish the member could help with, and why it was offered to them
    (empty when it only shares a topic)."""

    wish: LearningWish
    reason: str


@dataclass(frozen=True)
class WishKey:
    """One of the wishes `wish_keys_for` lists, without its row: what differs per member."""

    pk: int
    voted: bool
    reason: str


def wish_keys_for(
    *, member: Viewer, limit: int, topics: HelpableTopics | None = None
) -> list[WishKey]:
    """Open learning wishes (no course offered yet, not the member's own) that were routed to
    the member or are in a topic they can help with (`helpable_topic_set`, unless given as
    `topics`), most wanted first as on the board (`wish_board`): whether the member said "+1"
    and why they were asked. Keys only, in one query whatever the member follows or was
    asked: the start page takes the rows (`wish_rows`) from those kept for everybody."""
    if not is_network_member(member):
        return []
    if topics is None:
        topics = helpable_topic_set(member=member)
    routed = HelpRequest.objects.filter(member_id=member.pk, wish__isnull=False)
    topical = LearningWish.topics.through.objects.filter(topics.condition("topic_id"))
    reason = routed.filter(wish_id=OuterRef("pk")).values("reason")[:1]
    rows = (
        wish_board(viewer=member)
        .filter(course__isnull=True)
        .exclude(author_id=member.pk)
        .filter(Q(pk__in=routed.values("wish_id")) | Q(pk__in=topical.values("learningwish_id")))
        .annotate(routed_reason=Subquery(reason))
        .prefetch_related(None)
        .values_list("pk", "voted", "routed_reason")[:limit]
    )
    return [WishKey(pk=pk, voted=voted, reason=reason or "") for pk, voted, reason in rows]


def wish_rows(*, keys: Iterable[int], viewer: Viewer) -> dict[int, LearningWish]:
    """The wishes under `keys` by key, as the board shows them (`wish_board`: `interest`,
    and `voted` for `viewer`), with their author; no course answers them."""
    wishes = (
        wish_board(viewer=viewer)
        .filter(pk__in=list(keys))
        .select_related(None)
        .select_related("author__profile")
    )
    return {wish.pk: wish for wish in wishes}


def wish_requests_for(*, member: Viewer, limit: int) -> QuerySet[HelpRequest]:
    """The learning wishes the member was asked about, newest first, with the wish and its
    author: the notifications page lists them beside the routed questions."""
    if not is_network_member(member):
        return HelpRequest.objects.none()
    return (
        HelpRequest.objects.filter(member_id=member.pk, wish__isnull=False)
        .select_related("wish__author__profile")
        .order_by("-created_at", "-pk")[:limit]
    )
