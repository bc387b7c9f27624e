"""Reads for discussion channels. Who may read and take part is decided here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.permission_policies.pages import PagePermissionPolicy

from core.queries import counted
from discussions.models import (
    Channel,
    ChannelVisibility,
    DigestFrequency,
    DigestKind,
    DigestSubscription,
    Flag,
    Invitation,
    Membership,
    Message,
    ModerationAction,
    Mute,
    Notification,
    Question,
    QuestionHelper,
    QuestionState,
    Reaction,
    ReactionEmoji,
)
from hub.knowledge.selectors import readable_practice_page
from hub.models import PracticePage, Topic
from members.avatars import NEUTRAL, Avatar
from members.models import Approval, User, Visibility
from members.selectors import (
    Viewer,
    is_network_member,
    member_avatar,
    member_name,
    network_members,
)

HISTORY_PAGE_SIZE = 50
MODERATE_PERMISSION = "discussions.moderate_channel"


def is_moderator(viewer: Viewer) -> bool:
    return is_network_member(viewer) and viewer.has_perm(MODERATE_PERMISSION)


def is_muted(*, user: User, channel: Channel) -> bool:
    return Mute.objects.filter(
        Q(until__isnull=True) | Q(until__gt=timezone.now()), channel=channel, user=user
    ).exists()


def channel_mutes(*, channel: Channel) -> list[Mute]:
    return list(
        Mute.objects.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()), channel=channel)
        .select_related("user__profile")
        .order_by("created_at")
    )


def open_flags() -> QuerySet[Flag]:
    """The moderation queue: open reports, oldest first, with what a moderator needs."""
    return Flag.objects.filter(resolved_at__isnull=True).select_related(
        "message__channel", "message__author__profile", "reporter__profile"
    )


def may_read_flag_report(viewer: Viewer) -> bool:
    """The report of flagged messages is for moderators and for editors (who publish pages)."""
    return is_moderator(viewer) or (
        is_network_member(viewer) and PagePermissionPolicy().user_has_permission(viewer, "publish")
    )


def flagged_messages(*, viewer: Viewer) -> QuerySet[Message]:
    """Messages with open reports, the longest waiting first, each with `report_count`,
    `first_reported_at` and its `open_flags`.

    Moderators see every one, as in their queue; an editor who does not moderate sees those of
    the channels they may read (open channels and private ones they belong to).
    """
    if not may_read_flag_report(viewer):
        return Message.objects.none()
    open_flags = Flag.objects.filter(resolved_at__isnull=True)
    messages = Message.objects.filter(Exists(open_flags.filter(message=OuterRef("pk"))))
    if not is_moderator(viewer):
        messages = messages.filter(channel__in=readable_channels(viewer=viewer))
    return (
        messages.annotate(
            report_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)),
            first_reported_at=Min("flags__created_at", filter=Q(flags__resolved_at__isnull=True)),
        )
        .select_related("channel")
        .prefetch_related(
            Prefetch("flags", queryset=open_flags.order_by("created_at"), to_attr="open_flags")
        )
        .order_by("first_reported_at", "pk")
    )


def moderation_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related(
        "actor__profile", "member__profile", "channel", "message"
    )


def membership_for(*, viewer: Viewer, channel: Channel) -> Membership | None:
    if not viewer.is_authenticated:
        return None
    return Membership.objects.filter(channel=channel, user=viewer).first()


def has_invitation(*, viewer: Viewer, channel: Channel) -> bool:
    return (
        viewer.is_authenticated and Invitation.objects.filter(channel=channel, user=viewer).exists()
    )


def is_open_to_members(channel: Channel) -> bool:
    """Every approved member reads an open channel; a private one only its own members."""
    return channel.visibility == ChannelVisibility.OPEN


def can_read(*, viewer: Viewer, channel: Channel) -> bool:
    """Approved members read open channels; private ones only their members."""
    if not is_network_member(viewer):
        return False
    if is_open_to_members(channel):
        return True
    return Membership.objects.filter(channel=channel, user=viewer).exists()


def shown_messages() -> QuerySet[Message]:
    """Messages whose text readers see: neither deleted nor hidden (`Message.is_removed`)."""
    return Message.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def readable_channels(*, viewer: Viewer) -> QuerySet[Channel]:
    """Every channel `can_read` lets the viewer read, in one query."""
    if not is_network_member(viewer):
        return Channel.objects.none()
    return Channel.objects.filter(
        Q(visibility=ChannelVisibility.OPEN) | Q(memberships__user=viewer)
    ).distinct()


def channel_readers(*, channel: Channel) -> QuerySet[User]:
    """The members `can_read` lets read the channel, as one query: every approved member for
    an open channel, its members for a private one."""
    readers = network_members()
    if is_open_to_members(channel):
        return readers
    return readers.filter(channel_memberships__channel=channel)


def can_post(*, viewer: Viewer, channel: Channel) -> bool:
    """Members of a channel that is not archived write, reply and react there."""
    return (
        is_network_member(viewer)
        and not channel.is_archived
        and Membership.objects.filter(channel=channel, user=viewer).exists()
    )


def can_manage(*, viewer: Viewer, channel: Channel) -> bool:
    """Who archives a channel: whoever created it, and moderators."""
    return is_network_member(viewer) and (
        channel.created_by_id == viewer.pk or viewer.has_perm(MODERATE_PERMISSION)
    )


def readable_channel(*, viewer: Viewer, slug: str) -> Channel | None:
    channel = Channel.objects.filter(slug=slug).prefetch_related("topics").first()
    if channel is None or not can_read(viewer=viewer, channel=channel):
        return None
    return channel


def readable_channel_by_id(*, viewer: Viewer, channel_id: int) -> Channel | None:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None or not can_read(viewer=viewer, channel=channel):
        return None
    return channel


@dataclass(frozen=True)
class ChannelListEntry:
    channel: Channel
    is_member: bool
    is_invited: bool
    unread: int


def _unread_messages(viewer: User) -> Coalesce:
    """For a membership: messages after the last one read, neither deleted nor the viewer's.
    A subquery on the channel's history index reads only the unread messages, where a join
    would read every message of every channel the member belongs to."""
    unread = Message.objects.filter(
        channel_id=OuterRef("channel_id"),
        id__gt=OuterRef("last_read_id"),
        deleted_at__isnull=True,
    ).exclude(author=viewer)
    return counted(unread, by="channel_id")


def member_channels(*, viewer: Viewer, limit: int) -> list[ChannelListEntry]:
    """The channels the member belongs to that are not archived, those with the most unread
    messages first (then by name), in one query whatever the number of channels."""
    if not is_network_member(viewer):
        return []
    memberships = (
        Membership.objects.filter(user=viewer, channel__is_archived=False)
        .annotate(unread=_unread_messages(viewer))
        .select_related("channel")
        .order_by("-unread", "channel__name")[:limit]
    )
    return [
        ChannelListEntry(
            channel=membership.channel, is_member=True, is_invited=False, unread=membership.unread
        )
        for membership in memberships
    ]


def channel_index(*, viewer: Viewer) -> list[ChannelListEntry]:
    """The channels a member sees: open ones, private ones they belong to or are invited to,
    with unread counts for those they joined. Nothing for anyone else."""
    if not is_network_member(viewer):
        return []
    unread = dict(
        Membership.objects.filter(user=viewer)
        .annotate(unread=_unread_messages(viewer))
        .values_list("channel_id", "unread")
    )
    invited = set(Invitation.objects.filter(user=viewer).values_list("channel_id", flat=True))
    channels = (
        Channel.objects.filter(
            Q(visibility=ChannelVisibility.OPEN) | Q(pk__in=unread.keys()) | Q(pk__in=invited)
        )
        .prefetch_related("topics")
        .order_by("is_archived", "name")
    )
    return [
        ChannelListEntry(
            channel=channel,
            is_member=channel.pk in unread,
            is_invited=channel.pk in invited,
            unread=unread.get(channel.pk, 0),
        )
        for channel in channels
    ]


def _with_display(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related(
        "author__profile", "reply_to__author__profile", "question", "reply_to__question"
    ).prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.only("message_id", "user_id", "emoji"))
    )


def question_of(message: Message) -> Question | None:
    """The question a thread's first message asks, if it is one; uses the selected relation."""
    try:
        return message.question
    except Question.DoesNotExist:
        return None


def _is_solution(message: Message) -> bool:
    """Whether the reply is its question's marked solution; uses the selected relations."""
    if message.reply_to is None or message.is_removed:
        return False
    question = question_of(message.reply_to)
    return question is not None and question.solution_id == message.pk


def may_mark_solution(*, viewer: Viewer, question: Question) -> bool:
    """The asker and the moderation mark a reply as the solution (if they may read the channel:
    the caller checks that)."""
    return is_network_member(viewer) and (
        question.message.author_id == viewer.pk or is_moderator(viewer)
    )


@dataclass(frozen=True)
class HistoryPage:
    messages: list[Message]
    older_cursor: int | None
    newer_cursor: int | None


def channel_history(
    *,
    channel: Channel,
    before: int | None = None,
    after: int | None = None,
    limit: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of messages, oldest first. Without a cursor the newest; `before` an id for older
    ones, `after` an id for the page following a point (jump to first unread, permalinks)."""
    messages = Message.objects.filter(channel=channel)
    if after is not None:
        page = list(_with_display(messages.filter(id__gt=after).order_by("id"))[: limit + 1])
        has_newer = len(page) > limit
        page = page[:limit]
        has_older = messages.filter(id__lte=after).exists()
    else:
        messages_before = messages.filter(id__lt=before) if before is not None else messages
        page = list(_with_display(messages_before.order_by("-id"))[: limit + 1])
        has_older = len(page) > limit
        page = page[:limit][::-1]
        has_newer = before is not None and messages.filter(id__gte=before).exists()
    return HistoryPage(
        messages=page,
        older_cursor=page[0].pk if page and has_older else None,
        newer_cursor=page[-1].pk if page and has_newer else None,
    )


def first_unread_id(*, channel: Channel, membership: Membership | None) -> int | None:
    if membership is None:
        return None
    return (
        Message.objects.filter(channel=channel, id__gt=membership.last_read_id)
        .exclude(author_id=membership.user_id)
        .filter(deleted_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def readable_message(*, viewer: Viewer, message_id: int) -> Message | None:
    message = Message.objects.filter(pk=message_id).select_related("channel").first()
    if message is None or not can_read(viewer=viewer, channel=message.channel):
        return None
    return message


def channel_message(*, channel: Channel, message_id: int) -> Message | None:
    return Message.objects.filter(channel=channel, pk=message_id).first()


def reaction_counts(*, message: Message) -> dict[str, int]:
    counts = dict(
        Reaction.objects.filter(message=message)
        .values_list("emoji")
        .annotate(count=Count("id"))
        .values_list("emoji", "count")
    )
    return {emoji: counts[emoji] for emoji in ReactionEmoji.values if emoji in counts}


def reactions_summary(*, message: Message, viewer: Viewer) -> list[dict[str, Any]]:
    """Per emoji of the fixed set: how many reacted and whether the viewer did. Uses the
    prefetched reactions."""
    reactions = list(message.reactions.all())
    return [
        {
            "emoji": emoji,
            "label": label,
            "count": sum(1 for reaction in reactions if reaction.emoji == emoji),
            "mine": any(
                reaction.emoji == emoji and reaction.user_id == viewer.pk for reaction in reactions
            ),
        }
        for emoji, label in ReactionEmoji.choices
    ]


def message_revisions(*, message: Message) -> QuerySet[Any]:
    return message.revisions.all()


@dataclass(frozen=True)
class MessageEntry:
    """A message as one viewer sees it on the channel page."""

    message: Message
    author_name: str
    author_avatar: Avatar
    reply_to_name: str | None
    reactions: list[dict[str, Any]]
    is_own: bool
    can_delete: bool
    is_first_unread: bool
    reply_count: int
    # The question the message asks (a thread's first message), whether it is its question's
    # solution (a reply), and whether the viewer may mark it as the solution.
    question: Question | None = None
    is_solution: bool = False
    can_mark_solution: bool = False
    answers_question: bool = False


def message_entries(
    *, messages: list[Message], viewer: Viewer, may_post: bool, first_unread: int | None
) -> list[MessageEntry]:
    moderator = is_moderator(viewer)
    replies = _reply_counts(messages)
    entries = []
    for message in messages:
        is_own = message.author_id == viewer.pk and not message.is_removed
        asked = question_of(message.reply_to) if message.reply_to else None
        entries.append(
            MessageEntry(
                message=message,
                author_name=member_name(message.author),
                author_avatar=NEUTRAL
                if message.is_removed
                else member_avatar(message.author, viewer=viewer),
                reply_to_name=member_name(message.reply_to.author) if message.reply_to else None,
                reactions=reactions_summary(message=message, viewer=viewer),
                is_own=is_own and may_post,
                can_delete=not message.is_removed and ((is_own and may_post) or moderator),
                is_first_unread=message.pk == first_unread,
                reply_count=replies.get(message.pk, 0),
                question=None if message.is_removed else question_of(message),
                is_solution=_is_solution(message),
                can_mark_solution=asked is not None
                and message.reply_to is not None
                and not message.is_removed
                and not message.reply_to.is_removed
                and is_network_member(viewer)
                and (message.reply_to.author_id == viewer.pk or moderator),
                answers_question=asked is not None,
            )
        )
    return entries


def messages_for_display(message_ids: list[int]) -> list[Message]:
    return list(_with_display(Message.objects.filter(pk__in=message_ids).order_by("id")))


def live_entry(message: Message) -> MessageEntry:
    """A message as the live events carry it to every open tab: seen by no one in particular
    (own-message actions and pressed reactions are the page's to switch on)."""
    message = _with_display(Message.objects.filter(pk=message.pk)).get()
    return MessageEntry(
        message=message,
        author_name=member_name(None if message.is_removed else message.author),
        author_avatar=NEUTRAL if message.is_removed else member_avatar(message.author),
        reply_to_name=member_name(message.reply_to.author) if message.reply_to else None,
        reactions=reactions_summary(message=message, viewer=AnonymousUser()),
        is_own=False,
        can_delete=False,
        is_first_unread=False,
        reply_count=_reply_counts([message]).get(message.pk, 0),
        question=None if message.is_removed else question_of(message),
        is_solution=_is_solution(message),
        answers_question=message.reply_to is not None and question_of(message.reply_to) is not None,
    )


def reply_count(*, root_id: int) -> int:
    return Message.objects.filter(reply_to_id=root_id).count()


def thread_messages(*, root: Message) -> list[Message]:
    return list(
        _with_display(Message.objects.filter(Q(pk=root.pk) | Q(reply_to=root)).order_by("id"))[:500]
    )


def _reply_counts(messages: list[Message]) -> dict[int, int]:
    counts = (
        Message.objects.filter(reply_to__in=[m.pk for m in messages])
        .values_list("reply_to")
        .annotate(count=Count("id"))
        .values_list("reply_to", "count")
    )
    return {root_id: count for root_id, count in counts if root_id is not None}


def mentionable_members(*, channel: Channel | int) -> list[tuple[int, str]]:
    """Members of the channel by the name others see, longest first so "@Anna Albers" wins
    over "@Anna"."""
    names = Membership.objects.filter(
        channel=channel,
        user__profile__display_name_visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS],
    ).values_list("user_id", "user__profile__display_name")
    return sorted(((user_id, name) for user_id, name in names if name), key=lambda n: -len(n[1]))


def _notifications(user_id: int) -> QuerySet[Notification]:
    """A member's notifications, leaving out removed messages and channels they can no longer
    read."""
    # An Exists rather than a join: the count in every page's header then needs no DISTINCT.
    is_channel_member = Exists(
        Membership.objects.filter(channel_id=OuterRef("message__channel_id"), user_id=user_id)
    )
    return Notification.objects.filter(
        Q(message__channel__visibility=ChannelVisibility.OPEN) | is_channel_member,
        recipient_id=user_id,
        message__deleted_at__isnull=True,
        message__hidden_at__isnull=True,
    )


def mention_suggestions(*, channel: Channel, query: str, limit: int = 8) -> list[str]:
    """Names of channel members containing the typed text, for the mention autocomplete."""
    query = query.strip().casefold()
    names = sorted(name for _user_id, name in mentionable_members(channel=channel))
    return [name for name in names if query in name.casefold()][:limit]


def unread_notification_count(*, user_id: int) -> int:
    return _notifications(user_id).filter(read_at__isnull=True).count()


def unread_notifications(*, viewer: User, limit: int) -> list[Notification]:
    """The newest unread mentions and replies, with what their text needs; one query."""
    return list(
        _notifications(viewer.pk)
        .filter(read_at__isnull=True)
        .select_related("message__channel", "message__author__profile")[:limit]
    )


def notifications_for(*, viewer: User) -> QuerySet[Notification]:
    """The viewer's notifications, newest first."""
    return _notifications(viewer.pk).select_related("message__channel", "message__author__profile")


def unread_notifications_since(*, user: Any, since: Any) -> list[Notification]:
    notifications = _notifications(user.pk).filter(read_at__isnull=True)
    if since is not None:
        notifications = notifications.filter(created_at__gt=since)
    return list(notifications.select_related("message__channel", "message__author__profile"))


def digest_recipients() -> QuerySet[Any]:
    """Approved, active members who have not turned every kind of the digest off."""
    off = DigestFrequency.OFF
    return (
        User.objects.filter(is_active=True, approval=Approval.APPROVED)
        .exclude(
            discussion_digest__notifications=off,
            discussion_digest__followed=off,
            discussion_digest__questions=off,
        )
        .order_by("pk")
    )


def digest_frequencies(*, user: Any) -> dict[DigestKind, str]:
    """How often the member gets each kind of digest content; the defaults without a row."""
    subscription = DigestSubscription.objects.filter(user=user).first() or DigestSubscription()
    return {kind: subscription.frequency(kind) for kind in DigestKind}


# Questions ("Frage & Antwort"): a thread's first message with a title, topics and a state.

QUESTION_ORDER_NEWEST = "neueste"
QUESTION_ORDER_UNANSWERED = "unbeantwortet"


@dataclass(frozen=True)
class QuestionFilters:
    """What the question list is narrowed to: a state (empty for all), a topic and an order."""

    state: str = ""
    topic: Topic | None = None
    order: str = QUESTION_ORDER_NEWEST


def _shown_questions() -> QuerySet[Question]:
    """Questions whose message readers see: a deleted or hidden question is gone from lists."""
    return Question.objects.filter(
        message__deleted_at__isnull=True, message__hidden_at__isnull=True
    )


def readable_questions(viewer: Viewer) -> QuerySet[Question]:
    """The questions in channels the viewer may read (`readable_channels`: the open ones and
    those they belong to), with an EXISTS per row instead of the channels' DISTINCT list, a
    plainer plan for the short lists of the start page."""
    if not is_network_member(viewer):
        return Question.objects.none()
    belongs = Membership.objects.filter(channel_id=OuterRef("message__channel_id"), user=viewer)
    return _shown_questions().filter(
        Q(message__channel__visibility=ChannelVisibility.OPEN) | Q(Exists(belongs))
    )


def _reply_count() -> Coalesce:
    """The replies still shown, per question row."""
    replies = Message.objects.filter(
        reply_to=OuterRef("message_id"), deleted_at__isnull=True, hidden_at__isnull=True
    )
    return counted(replies, by="reply_to")


def question_rows(questions: QuerySet[Question]) -> QuerySet[Question]:
    """`questions` with what a list row shows (`question_cards`): the asker, the channel, the
    topics and `reply_count` (replies still shown)."""
    return (
        questions.annotate(reply_count=_reply_count())
        .select_related("message__author__profile", "message__channel")
        .prefetch_related("topics")
    )


def question_list(*, viewer: Viewer, filters: QuestionFilters) -> QuerySet[Question]:
    """The questions a member may read, with what a list row shows (`question_rows`).
    "unbeantwortet" puts open questions first, then answered ones, then solved ones, each
    newest first."""
    questions = readable_questions(viewer)
    if filters.state:
        questions = questions.filter(state=filters.state)
    if filters.topic is not None:
        questions = questions.filter(topics=filters.topic)
    ordering: list[Any] = ["-message_id"]
    if filters.order == QUESTION_ORDER_UNANSWERED:
        rank = Case(
            When(state=QuestionState.OPEN, then=Value(0)),
            When(state=QuestionState.ANSWERED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        ordering = [rank, "-message_id"]
    return question_rows(questions).order_by(*ordering)


@dataclass(frozen=True)
class QuestionCard:
    """One row of the question list, as the viewer sees it."""

    question: Question
    asker_name: str
    asker_avatar: Avatar
    reply_count: int


def question_cards(*, questions: Any, viewer: Viewer) -> list[QuestionCard]:
    """Rows for a page of `question_list`."""
    return [
        QuestionCard(
            question=question,
            asker_name=member_name(question.message.author),
            asker_avatar=member_avatar(question.message.author, viewer=viewer),
            reply_count=question.reply_count,
        )
        for question in questions
    ]


def member_open_questions(*, viewer: Viewer, limit: int) -> list[QuestionCard]:
    """The member's own questions that are not solved yet, newest first, with their replies
    counted; two queries (the questions, their topics)."""
    if not is_network_member(viewer):
        return []
    questions = question_rows(
        readable_questions(viewer)
        .filter(message__author=viewer)
        .exclude(state=QuestionState.SOLVED)
    ).order_by("-message_id")[:limit]
    return question_cards(questions=questions, viewer=viewer)


def article_questions(*, viewer: Viewer, article: PracticePage, limit: int) -> list[QuestionCard]:
    """ "Fragen zu diesem Beitrag": the questions asked about the article that the viewer may
    read, open ones first, then answered and solved ones, each newest first."""
    if not viewer.is_authenticated:
        return []
    questions = question_list(
        viewer=viewer, filters=QuestionFilters(order=QUESTION_ORDER_UNANSWERED)
    ).filter(article=article)
    return question_cards(questions=questions[:limit], viewer=viewer)


def readable_question(*, viewer: Viewer, pk: int) -> Question | None:
    """A question the viewer may read, with its message, channel, solution and topics."""
    question = (
        _shown_questions()
        .filter(pk=pk)
        .select_related("message__channel", "solved_by__profile")
        .prefetch_related("topics")
        .first()
    )
    if question is None or not can_read(viewer=viewer, channel=question.message.channel):
        return None
    return question


@dataclass(frozen=True)
class QuestionPage:
    """A question as one viewer sees it: the question, the solution (right under it) and every
    reply in order, and what the viewer may do."""

    question: Question
    entry: MessageEntry
    solution: MessageEntry | None
    replies: list[MessageEntry]
    may_post: bool
    may_mark_solution: bool
    is_helper: bool
    helper_count: int
    solved_by_name: str
    # The article asked about ("Frage an die Autor:innen"), while it is live and public.
    article: PracticePage | None


def question_page(*, viewer: Viewer, question: Question) -> QuestionPage:
    channel = question.message.channel
    may_post = can_post(viewer=viewer, channel=channel) and not (
        is_network_member(viewer) and is_muted(user=viewer, channel=channel)
    )
    root, *replies = message_entries(
        messages=thread_messages(root=question.message),
        viewer=viewer,
        may_post=may_post,
        first_unread=None,
    )
    helpers = QuestionHelper.objects.filter(question=question)
    return QuestionPage(
        question=question,
        entry=root,
        solution=next((entry for entry in replies if entry.is_solution), None),
        replies=replies,
        may_post=may_post,
        may_mark_solution=may_mark_solution(viewer=viewer, question=question),
        is_helper=viewer.is_authenticated and helpers.filter(user=viewer).exists(),
        helper_count=helpers.count(),
        solved_by_name=member_name(question.solved_by) if question.solved_by_id else "",
        article=readable_practice_page(pk=question.article_id) if question.article_id else None,
    )


def question_channel_choices(*, viewer: Viewer) -> list[Channel]:
    """The channels a member may ask in from the "Frage stellen" page: those they write in, and
    open ones they may join by asking; never archived ones or ones where they are muted."""
    if not is_network_member(viewer):
        return []
    muted = Mute.objects.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()), user=viewer)
    return list(
        Channel.objects.filter(
            Q(visibility=ChannelVisibility.OPEN) | Q(memberships__user=viewer),
            is_archived=False,
        )
        .exclude(pk__in=muted.values("channel_id"))
        .distinct()
        .prefetch_related("topics")
        .order_by("name")
    )


def suggested_channel(*, channels: list[Channel], topic_ids: set[int]) -> Channel | None:
    """The channel sharing the most of the question's topics (with topics prefetched); none
    when no channel shares one."""
    best, best_overlap = None, 0
    for channel in channels:
        overlap = len(topic_ids & {topic.pk for topic in channel.topics.all()})
        if overlap > best_overlap:
            best, best_overlap = channel, overlap
    return best


def question_helper_ids(*, question_id: int, channel: Channel) -> list[int]:
    """Who offered help on the question and may still read its channel."""
    helpers = QuestionHelper.objects.filter(question_id=question_id)
    if not is_open_to_members(channel):
        helpers = helpers.filter(
            Exists(Membership.objects.filter(channel=channel, user_id=OuterRef("user_id")))
        )
    return list(helpers.values_list("user_id", flat=True))


def questions_for_search() -> QuerySet[Question]:
    """Every question readers may see, for the search index, with what a document needs.

    Per question: `title`, the text (`message.source`; `message.html` is its rendering),
    `topics`, `state` (QuestionState), `message.created_at`, the solution's text
    (`solution.source`, when `solution` is set and `solution.is_removed` is false) and the
    address (`reverse("discussions:question", args=[question.pk])`). Who may read a question
    is its channel's rule: index `message.channel_id` and filter hits by
    `readable_channels(viewer=...)` at query time, never by a copy of the rule. Questions
    change through the services in `discussions/services/questions.py` and
    `question_state.py`; a deleted or hidden question message leaves this queryset.
    """
    return (
        _shown_questions().select_related("message__channel", "solution").prefetch_related("topics")
    )
