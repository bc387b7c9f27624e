"""Writes for practice material: members submit and revise, the workflow takes it from there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision, WorkflowState

from core.page_cache import page_cache_retire_on_commit
from hub.knowledge.uploads import Attachment
from hub.models import (
    RESERVED_SLUGS,
    HelpfulMark,
    KnowledgeIndexPage,
    PracticePage,
    PracticePageAuthor,
    Reuse,
    Topic,
    topic_slug,
)
from members.models import Profile, User
from members.selectors import is_network_member

SUBMISSIONS_COLLECTION = "Einreichungen (unveröffentlicht)"
REVIEW_INTERVAL = timedelta(days=2 * 365)


@dataclass(frozen=True)
class Contribution:
    """What a member writes in the site form, already validated and sanitised."""

    title: str
    summary: str
    body_html: str
    topics: list[Topic]
    attachments: list[Attachment]


class SubmissionNotRevisable(Exception):
    """The submission cannot be changed in the site right now; the message says why."""


def _submissions_collection() -> Collection:
    """Attachments stay here, visible to editors only, until their article is published."""
    collection = Collection.objects.filter(name=SUBMISSIONS_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=SUBMISSIONS_COLLECTION)
    return collection


def _store_attachments(*, attachments: list[Attachment], author: User) -> list[tuple[str, Any]]:
    collection = _submissions_collection()
    blocks: list[tuple[str, Any]] = []
    for attachment in attachments:
        if attachment.kind == "image":
            image = get_image_model()(
                title=attachment.title, collection=collection, uploaded_by_user=author
            )
            image.file.save(attachment.content.name, attachment.content, save=False)
            image.save()
            blocks.append(("image", {"image": image, "alt_text": attachment.title, "caption": ""}))
        else:
            document = get_document_model()(
                title=attachment.title, collection=collection, uploaded_by_user=author
            )
            document.file.save(attachment.content.name, attachment.content, save=False)
            document._set_document_file_metadata()
            document.save()
            blocks.append(("document", {"document": document, "description": ""}))
    return blocks


def free_slug(*, parent: Page, title: str) -> str:
    base = topic_slug(title)[:80] or "beitrag"
    taken = set(parent.get_children().values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _authored_stream(*, body_html: str, extra: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("paragraph", body_html), *extra]


@transaction.atomic
def practice_submission_create(*, author: User, contribution: Contribution) -> PracticePage:
    """File a member's practice example as a draft under the knowledge index and start the
    editors' review workflow. Nothing is public until an editor publishes it."""
    if not is_network_member(author):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Beiträge einreichen."))
    index = KnowledgeIndexPage.objects.get()
    organisation = author.profile.organisation
    page = PracticePage(
        title=contribution.title,
        slug=free_slug(parent=index, title=contribution.title),
        summary=contribution.summary,
        body=_authored_stream(
            body_html=contribution.body_html,
            extra=_store_attachments(attachments=contribution.attachments, author=author),
        ),
        live=False,
        owner=author,
        submitted_by=author,
        organisation=organisation,
        administration_level=organisation.level if organisation else "",
        state=organisation.state if organisation else "",
        review_date=timezone.localdate() + REVIEW_INTERVAL,
    )
    index.add_child(instance=page)
    page.topics.set(contribution.topics)
    page.authors.set([PracticePageAuthor(profile=author.profile)])
    page.save()
    page.save_revision(user=author, log_action=True)
    page.get_workflow().start(page, author)
    return page


def revisable_state(page: PracticePage) -> WorkflowState | None:
    """The workflow state a site revision continues, or raise why it cannot be revised now."""
    if page.locked:
        raise SubmissionNotRevisable(
            _("Die Redaktion bearbeitet diesen Beitrag gerade. Bitte versuchen Sie es später.")
        )
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise SubmissionNotRevisable(
            _(
                "Der Beitrag wird gerade von der Redaktion geprüft. Sie können ihn ändern, "
                "sobald die Redaktion Änderungen erbittet oder ihn veröffentlicht hat."
            )
        )
    return state


@transaction.atomic
def practice_submission_revise(
    *, page: PracticePage, author: User, contribution: Contribution
) -> PracticePage:
    """Save the author's changes as a new revision and send it (back) to the editors.

    Blocks the editors added (headings, call-outs, contact persons) stay; the author's text
    replaces the first text block, new attachments are appended. A published article stays
    as it is until the editors publish the revision.
    """
    page = PracticePage.objects.select_for_update().get(pk=page.pk)
    if page.submitted_by_id != author.pk or not is_network_member(author):
        raise PermissionDenied(_("Sie können nur Ihre eigenen Beiträge ändern."))
    state = revisable_state(page)
    draft = page.get_latest_revision_as_object()
    new_blocks = _store_attachments(attachments=contribution.attachments, author=author)
    stream = [(block.block_type, block.value) for block in draft.body]
    text_positions = [i for i, (kind, _value) in enumerate(stream) if kind == "paragraph"]
    if text_positions:
        stream[text_positions[0]] = ("paragraph", contribution.body_html)
    else:
        stream.insert(0, ("paragraph", contribution.body_html))
    draft.title = contribution.title
    draft.summary = contribution.summary
    draft.body = [*stream, *new_blocks]
    draft.topics = contribution.topics
    if not page.live:
        draft.draft_title = contribution.title
        draft.save()
    draft.save_revision(user=author, log_action=True)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=author)
    else:
        draft.get_workflow().start(draft, author)
    return draft


def practice_attachments_release(*, page: PracticePage) -> None:
    """Publishing makes an article's attachments public: they leave the editors-only
    collection. (Wagtail signal receiver: editors publish in the admin, not through us.)"""
    root = Collection.get_first_root_node()
    closed = Collection.objects.filter(name=SUBMISSIONS_COLLECTION)
    images = [
        b.value["image"].pk for b in page.body if b.block_type == "image" and b.value["image"]
    ]
    documents = [
        b.value["document"].pk
        for b in page.body
        if b.block_type == "document" and b.value["document"]
    ]
    get_image_model().objects.filter(pk__in=images, collection__in=closed).update(collection=root)
    get_document_model().objects.filter(pk__in=documents, collection__in=closed).update(
        collection=root
    )


def practice_authorship_anonymise(*, user: User) -> None:
    """Before an account goes: articles stay, the member's name leaves them.

    Author rows lose their profile (shown as "ehemaliges Mitglied"), also in stored
    revisions, so restoring an old revision cannot bring the person back.
    """
    profile_id = getattr(getattr(user, "profile", None), "pk", None)
    pages = PracticePage.objects.filter(submitted_by=user)
    if profile_id is not None:
        pages = pages | PracticePage.objects.filter(authors__profile_id=profile_id)
    page_ids = list(pages.values_list("pk", flat=True).distinct())
    if profile_id is not None:
        PracticePageAuthor.objects.filter(profile_id=profile_id).update(profile=None)
    PracticePage.objects.filter(submitted_by=user).update(submitted_by=None)
    # Articles name their authors; these UPDATEs send no signal.
    page_cache_retire_on_commit()
    for revision in Revision.page_revisions.filter(object_id__in=[str(pk) for pk in page_ids]):
        content = revision.content
        changed = content.get("submitted_by") == user.pk
        if changed:
            content["submitted_by"] = None
        for author in content.get("authors", []):
            if profile_id is not None and author.get("profile") == profile_id:
                author["profile"] = None
                changed = True
        if changed:
            revision.save(update_fields=["content"])


class ReuseNeedsOrganisation(Exception):
    """ "Nutzen wir auch" names the member's administration; the profile names none."""


def _require_feedback_giver(member: User) -> None:
    if not is_network_member(member):
        raise PermissionDenied(_("Rückmeldungen geben Mitglieder, deren Konto freigeschaltet ist."))


@transaction.atomic
def practice_helpful_set(*, member: User, page: PracticePage, helpful: bool) -> bool:
    """Mark or unmark an article as helpful; setting the state it has changes nothing."""
    _require_feedback_giver(member)
    if helpful:
        _mark, changed = HelpfulMark.objects.get_or_create(page=page, member=member)
    else:
        changed = HelpfulMark.objects.filter(page=page, member=member).delete()[0] > 0
    if changed:
        # The knowledge index sorts by these counts, also for anonymous visitors.
        page_cache_retire_on_commit()
    return helpful


@transaction.atomic
def practice_reuse_set(*, member: User, page: PracticePage, reused: bool) -> bool:
    """Say or take back that the member's administration uses what the article describes.

    Saying it again keeps the organisation first named; a member without an organisation in
    the profile is refused (`ReuseNeedsOrganisation`).
    """
    _require_feedback_giver(member)
    if not reused:
        if Reuse.objects.filter(page=page, member=member).delete()[0]:
            page_cache_retire_on_commit()
        return False
    if Reuse.objects.filter(page=page, member=member).exists():
        return True
    organisation_id = (
        Profile.objects.filter(user=member).values_list("organisation_id", flat=True).first()
    )
    if organisation_id is None:
        raise ReuseNeedsOrganisation(
            _("Tragen Sie zuerst in Ihrem Profil ein, für welche Verwaltung Sie arbeiten.")
        )
    Reuse.objects.create(page=page, member=member, organisation_id=organisation_id)
    page_cache_retire_on_commit()
    return True
