"""A discussion thread filed as a draft practice page for the editors' review."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from discussions.models import Message
from discussions.selectors import MODERATE_PERMISSION, question_of
from hub.knowledge.services import REVIEW_INTERVAL, free_slug
from hub.models import KnowledgeIndexPage, PracticePage, PracticePageAuthor
from members.models import User, Visibility
from members.roles import Role
from members.selectors import is_network_member

QUOTE_LENGTH = 2000


def _public_attribution(author: User | None) -> str:
    """An article may become public: name only those who show their name to everyone."""
    if author is None:
        return _("ehemaliges Mitglied")
    profile = getattr(author, "profile", None)
    if profile is None or profile.display_name_visibility != Visibility.PUBLIC:
        return _("Mitglied des Netzwerks")
    return profile.display_name


def _quote_blocks(message: Message) -> list[tuple[str, Any]]:
    """A message as quotes with attribution; long messages continue in further quotes."""
    source = _("%(name)s am %(date)s") % {
        "name": _public_attribution(message.author),
        "date": date_format(timezone.localtime(message.created_at), "j. F Y"),
    }
    text = message.source
    return [
        ("quote", {"text": text[start : start + QUOTE_LENGTH], "source": source})
        for start in range(0, len(text), QUOTE_LENGTH)
    ]


def may_turn_into_practice(user: User) -> bool:
    """Moderators and editors turn discussions into practice material."""
    return is_network_member(user) and (
        user.has_perm(MODERATE_PERMISSION) or user.groups.filter(name=Role.EDITOR).exists()
    )


@transaction.atomic
def practice_draft_from_thread(*, root: Message, user: User, thread_url: str) -> PracticePage:
    """File a discussion thread as a draft practice page in the editors' review workflow.

    Every visible message becomes a quote with attribution (deleted and hidden ones are left
    out); the draft links back to the thread and carries the channel's topics. A question's
    draft takes the question's title and topics, and its solution follows the question first.
    """
    if not may_turn_into_practice(user):
        raise PermissionDenied(
            _("Nur Moderation und Redaktion können Diskussionen als Beitrag übernehmen.")
        )
    messages = [
        message
        for message in Message.objects.filter(Q(pk=root.pk) | Q(reply_to=root))
        .select_related("author__profile", "channel")
        .order_by("id")
        if not message.is_deleted and not message.is_hidden
    ]
    if not messages:
        raise PermissionDenied(_("Dieser Thread enthält keine sichtbaren Nachrichten mehr."))
    channel = root.channel
    root = Message.objects.select_related("question").get(pk=root.pk)
    question = question_of(root)
    if question is not None:
        title = question.title
        topics = list(question.topics.all()) or list(channel.topics.all())
        # The question, then its solution, then the other replies in order.
        messages.sort(key=lambda m: (m.pk != root.pk, m.pk != question.solution_id, m.pk))
    else:
        first_line = root.source.strip().splitlines()[0] if root.source.strip() else channel.name
        title = (_("Aus dem Austausch: %(topic)s") % {"topic": first_line})[:200]
        topics = list(channel.topics.all())
    intro = format_html(
        '<p>{} <a href="{}">{}</a></p>',
        _("Dieser Entwurf entstand aus einer Diskussion im Kanal"),
        thread_url,
        channel.name,
    )
    index = KnowledgeIndexPage.objects.get()
    page = PracticePage(
        title=title,
        slug=free_slug(parent=index, title=title),
        summary=root.source.strip()[:300],
        body=[("paragraph", intro), *[block for m in messages for block in _quote_blocks(m)]],
        live=False,
        owner=user,
        submitted_by=user,
        review_date=timezone.localdate() + REVIEW_INTERVAL,
    )
    index.add_child(instance=page)
    page.topics.set(topics)
    authors = {m.author.profile.pk: m.author.profile for m in messages if m.author}
    page.authors.set([PracticePageAuthor(profile=profile) for profile in authors.values()])
    page.save()
    page.save_revision(user=user, log_action=True)
    page.get_workflow().start(page, user)
    return page
