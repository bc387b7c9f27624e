"""Keep the search index in step with the content: every change schedules a refresh of the
affected sources after the transaction commits (a rolled-back write leaves the index alone).
Indexing errors are logged by `search.indexing.refresh_quietly`, never raised."""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.signals import process_started
from discussions.models import Channel, Message, Question
from hub.models import PracticePage, Topic
from members.models import Organisation, Profile, User
from peer_learning.models import CoursePage, Session
from search import pending
from search.indexing import refresh_many_quietly, refresh_quietly


def schedule(*sources: str) -> None:
    for source in sources:
        transaction.on_commit(functools.partial(refresh_quietly, source))


def _page_prefix(page: Any) -> str:
    return "practice" if isinstance(page, PracticePage) else "course"


def page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Published, unpublished, moved or deleted: the refresh reads what is live now."""
    schedule(f"{_page_prefix(instance)}:{instance.pk}")


def page_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A move changes the address of a practice page or course (and may take it live)."""
    specific = instance.specific_deferred
    if isinstance(specific, (PracticePage, CoursePage)):
        schedule(f"{_page_prefix(specific)}:{instance.pk}")


def session_changed(sender: Any, instance: Session, **kwargs: Any) -> None:
    schedule(f"course:{instance.course_id}")


def message_changed(sender: Any, instance: Message, created: bool = False, **kwargs: Any) -> None:
    """Indexed by a task after the commit, off the thread that delivers it (`search.pending`).
    A reply marked as a question's solution is part of the question's entry: an edit,
    deletion or hiding refreshes the question too."""
    source = f"message:{instance.pk}"
    transaction.on_commit(lambda: pending.message_changed(source, new=created))
    if instance.reply_to_id and not created:
        solved = Question.objects.filter(solution_id=instance.pk).values_list("pk", flat=True)
        schedule(*(f"message:{pk}" for pk in solved))


def question_changed(sender: Any, instance: Question, **kwargs: Any) -> None:
    """Asked, solved, unsolved or filed under other topics: the question's entry changes."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    schedule(f"message:{instance.pk}")


def channel_changed(sender: Any, instance: Channel, **kwargs: Any) -> None:
    """Visibility and topics decide who finds a channel's messages: refreshed at once."""
    if kwargs.get("action", "post_add").startswith("pre_") or kwargs.get("created"):
        return
    message_ids = instance.messages.order_by("pk").values_list("pk", flat=True)
    _schedule_batch([f"message:{pk}" for pk in message_ids])


def profile_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, Profile) or kwargs.get("action", "post_").startswith("pre_"):
        return
    schedule(f"profile:{instance.pk}")


def user_changed(sender: Any, instance: User, **kwargs: Any) -> None:
    """Approval and deactivation decide whether a profile is found at all."""
    profile_id = Profile.objects.filter(user=instance).values_list("pk", flat=True).first()
    if profile_id is not None:
        schedule(f"profile:{profile_id}")


def organisation_changed(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    profile_ids = Profile.objects.filter(organisation=instance).values_list("pk", flat=True)
    schedule(*(f"profile:{pk}" for pk in profile_ids))


def _sources_filed_under(topic: Topic) -> list[str]:
    """Everything whose entries carry the topic's slug: live practice pages, live courses (with
    their sessions) and the messages of channels filed under it."""
    practice_ids = PracticePage.objects.live().filter(topics=topic).values_list("pk", flat=True)
    course_ids = CoursePage.objects.live().filter(topics=topic).values_list("pk", flat=True)
    message_ids = Message.objects.filter(
        Q(channel__topics=topic) | Q(question__topics=topic)
    ).values_list("pk", flat=True)
    return [
        *(f"practice:{pk}" for pk in practice_ids),
        *(f"course:{pk}" for pk in course_ids),
        *(f"message:{pk}" for pk in message_ids.distinct().order_by("pk")),
    ]


def _schedule_batch(sources: list[str]) -> None:
    if sources:
        transaction.on_commit(lambda: refresh_many_quietly(sources))


def topic_saving(sender: Any, instance: Topic, **kwargs: Any) -> None:
    """Remember the stored slug: only a new slug changes entries (they store slugs; names
    and descriptions are read from the topic when results are shown)."""
    # A note on the instance being saved, for topic_saved below.
    instance._search_stored_slug = (  # type: ignore[attr-defined]
        Topic.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if instance.pk
        else None
    )


def topic_saved(sender: Any, instance: Topic, created: bool, **kwargs: Any) -> None:
    stored_slug = getattr(instance, "_search_stored_slug", None)
    if created or stored_slug is None or stored_slug == instance.slug:
        return
    _schedule_batch(_sources_filed_under(instance))


def topic_deleting(sender: Any, instance: Topic, **kwargs: Any) -> None:
    """Collected before the delete takes the topic's links with it; refreshed on commit."""
    _schedule_batch(_sources_filed_under(instance))


def document_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A replaced file or new title changes the entries of every page that attaches it."""
    references = ReferenceIndex.get_references_to(instance).filter(
        content_type__app_label=PracticePage._meta.app_label,
        content_type__model=PracticePage._meta.model_name,
    )
    page_ids = {int(pk) for pk in references.values_list("object_id", flat=True)}
    schedule(*(f"practice:{pk}" for pk in sorted(page_ids)))


def connect() -> None:
    for page_model in (PracticePage, CoursePage):
        page_published.connect(
            page_changed, sender=page_model, dispatch_uid=f"search-pub-{page_model.__name__}"
        )
        page_unpublished.connect(
            page_changed, sender=page_model, dispatch_uid=f"search-unpub-{page_model.__name__}"
        )
        post_delete.connect(
            page_changed, sender=page_model, dispatch_uid=f"search-del-{page_model.__name__}"
        )
    post_page_move.connect(page_moved, dispatch_uid="search-page-move")
    for signal in (post_save, post_delete):
        signal.connect(session_changed, sender=Session, dispatch_uid=f"search-session-{signal}")
        signal.connect(message_changed, sender=Message, dispatch_uid=f"search-message-{signal}")
        signal.connect(profile_changed, sender=Profile, dispatch_uid=f"search-profile-{signal}")
    post_save.connect(channel_changed, sender=Channel, dispatch_uid="search-channel")
    post_save.connect(question_changed, sender=Question, dispatch_uid="search-question")
    m2m_changed.connect(
        question_changed, sender=Question.topics.through, dispatch_uid="search-question-topics"
    )
    m2m_changed.connect(
        channel_changed, sender=Channel.topics.through, dispatch_uid="search-channel-topics"
    )
    post_save.connect(user_changed, sender=User, dispatch_uid="search-user")
    post_save.connect(organisation_changed, sender=Organisation, dispatch_uid="search-organisation")
    for through in (Profile.expertise.through, Profile.interests.through):
        m2m_changed.connect(
            profile_changed, sender=through, dispatch_uid=f"search-tags-{through.__name__}"
        )
    pre_save.connect(topic_saving, sender=Topic, dispatch_uid="search-topic-saving")
    post_save.connect(topic_saved, sender=Topic, dispatch_uid="search-topic-saved")
    pre_delete.connect(topic_deleting, sender=Topic, dispatch_uid="search-topic-deleting")
    for signal in (post_save, post_delete):
        signal.connect(
            document_changed, sender=get_document_model(), dispatch_uid=f"search-document-{signal}"
        )
    # A crash leaves new messages noted but not indexed: a restarted process indexes them.
    process_started.connect(pending.drain_left_over, dispatch_uid="search-pending-drain")
