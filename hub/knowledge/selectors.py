"""Reads for practice material. Only live, public pages ever reach the public lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Revision, WorkflowState
from wagtail.query import PageQuerySet

from core.page_cache import (
    PUBLISHED_VALUE_SECONDS,
    cached_until_published,
    published_fragment_key,
)
from core.sections import home_sections, member_home_sections, topic_sections
from hub.models import HelpfulMark, HomePage, KnowledgeIndexPage, PracticePage, Reuse, Topic
from members.models import Profile
from members.selectors import (
    ProfileView,
    Viewer,
    is_network_member,
    member_name,
    profile_view,
)

PAGE_SIZE = 20
LATEST_ON_HOME = 6
# Below the member's own sections on "Mein Kollegium": a short row, not the main news.
LATEST_ON_MEMBER_HOME = 3


def public(pages: PageQuerySet) -> PageQuerySet:
    """Wagtail's `public()` without its query for the view restrictions on every call.

    The restricted subtrees are kept until the next cache generation: adding, changing or
    removing a view restriction starts one (hub/apps.py), as does moving a page.
    """
    restricted_paths = cached_until_published(
        "view-restricted-paths",
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )
    if not restricted_paths:
        return pages
    restricted = Q()
    for path in restricted_paths:
        restricted |= Q(path__startswith=path)
    return pages.exclude(restricted)


def content_language(page: Page) -> str:
    """The language the page's editors wrote in (its locale). Locales are few and all but never
    change, so the code is kept until the next cache generation rather than read per view."""
    return cached_until_published(
        f"locale-language:{page.locale_id}", lambda: page.locale.language_code
    )


def published_practice_pages() -> QuerySet[PracticePage]:
    """Live practice pages anyone may read, newest first, with what a teaser shows."""
    return (
        public(PracticePage.objects.live())
        .defer("body")
        .select_related("organisation")
        .prefetch_related("topics")
        # One sort key the index on first_published_at serves: with 10,000 articles a
        # tie-breaker column would make the database sort every row for each page.
        .order_by("-first_published_at")
    )


# The columns `article_teasers` reads (with the organisation selected).
ARTICLE_TEASER_FIELDS = (
    "title",
    "slug",
    "url_path",
    "first_published_at",
    "summary",
    "review_date",
    "organisation__name",
)


def _teaser_pages() -> QuerySet[PracticePage]:
    """Published practice pages with only the columns a teaser shows, newest first."""
    return (
        public(PracticePage.objects.live())
        .select_related("organisation")
        .only(*ARTICLE_TEASER_FIELDS)
        .order_by("-first_published_at")
    )


@dataclass(frozen=True)
class TopicLink:
    name: str
    url: str


@dataclass(frozen=True)
class ArticleTeaser:
    """A practice page as the lists show it (templates/includes/article_card.html)."""

    title: str
    url: str
    first_published_at: datetime | None
    organisation: str
    summary: str
    is_stale: bool
    topics: tuple[TopicLink, ...]


# A slug reverse() leaves as it is, to be replaced by each topic's own.
_SLUG_MARK = "topic-slug-mark"


def topic_links(topics: Iterable[Topic]) -> list[TopicLink]:
    """Links to topic pages, resolving the URL pattern once rather than once per topic."""
    pattern = reverse("knowledge:topic", args=[_SLUG_MARK])
    return [TopicLink(topic.name, pattern.replace(_SLUG_MARK, topic.slug)) for topic in topics]


def _page_urls(pages: Sequence[PracticePage], request: HttpRequest | None) -> dict[int, str]:
    """Each page's URL as Wagtail's `get_url` gives it, with one tree walk per parent.

    Siblings share their URL up to their own slug, so one page per parent is resolved through
    the site tree and the others reuse its prefix. A URL that does not end in the page's slug
    (another routing) is resolved for every page.
    """
    prefixes: dict[str, str | None] = {}
    urls = {}
    for page in pages:
        parent_path = page.url_path[: -len(page.slug) - 1]
        if parent_path not in prefixes:
            url = page.get_url(request) or ""
            ending = _quoted_slug(page.slug) + "/"
            prefixes[parent_path] = url[: -len(ending)] if url.endswith(ending) else None
            urls[page.pk] = url
            continue
        prefix = prefixes[parent_path]
        urls[page.pk] = (
            prefix + _quoted_slug(page.slug) + "/"
            if prefix is not None
            else page.get_url(request) or ""
        )
    return urls


def _quoted_slug(slug: str) -> str:
    # What reverse() does to each part of a path (Wagtail slugs may hold umlauts).
    return quote(slug, safe=RFC3986_SUBDELIMS + "~:@")


def article_teasers(
    pages: Iterable[PracticePage], request: HttpRequest | None
) -> list[ArticleTeaser]:
    """Teasers of the given pages with one query for all their topics."""
    pages = list(pages)
    pattern = reverse("knowledge:topic", args=[_SLUG_MARK])
    topics: dict[int, list[TopicLink]] = {page.pk: [] for page in pages}
    for page_id, name, slug in (
        PracticePage.topics.through.objects.filter(practicepage_id__in=topics)
        .order_by("topic__name")
        .values_list("practicepage_id", "topic__name", "topic__slug")
    ):
        topics[page_id].append(TopicLink(name, pattern.replace(_SLUG_MARK, slug)))
    urls = _page_urls(pages, request)
    return [
        ArticleTeaser(
            title=page.title,
            url=urls[page.pk],
            first_published_at=page.first_published_at,
            organisation=page.organisation.name if page.organisation else "",
            summary=page.summary,
            is_stale=page.is_stale,
            topics=tuple(topics[page.pk]),
        )
        for page in pages
    ]


def knowledge_index() -> KnowledgeIndexPage | None:
    return cached_until_published(
        "knowledge-index", lambda: KnowledgeIndexPage.objects.live().first()
    )


class _CountedPaginator(Paginator):
    """A paginator told the number of items, which costs more to count than a page to read."""

    def __init__(self, object_list: QuerySet[PracticePage], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class LazyTeasers(Sequence[ArticleTeaser]):
    """Teasers read on first use: a list whose rendering comes from the fragment cache (see
    `teaser_list_key`) is never read from the database."""

    def __init__(self, pages: Iterable[PracticePage], request: HttpRequest) -> None:
        self._pages = pages
        self._request = request

    @cached_property
    def _teasers(self) -> list[ArticleTeaser]:
        return article_teasers(self._pages, self._request)

    def __getitem__(self, index: Any) -> Any:
        return self._teasers[index]

    def __len__(self) -> int:
        return len(self._teasers)


def teaser_list_key(request: HttpRequest, *parts: object) -> str:
    """What a rendered list of teasers varies on besides published content and language: the
    host (page URLs), the day ("möglicherweise veraltet") and the list's own `parts`."""
    return published_fragment_key(request.get_host(), timezone.localdate(), *parts)


def _teaser_page(
    pages: QuerySet[PracticePage], *, scope: str, request: HttpRequest
) -> dict[str, Any]:
    count = cached_until_published(f"practice-pages:{scope}:count", pages.count)
    page = _CountedPaginator(pages, PAGE_SIZE, count).get_page(request.GET.get("seite"))
    page.object_list = LazyTeasers(page.object_list, request)
    return {
        "articles": page,
        "articles_key": teaser_list_key(request, scope, page.number),
        "fragment_seconds": PUBLISHED_VALUE_SECONDS,
    }


def knowledge_index_context(*, index: KnowledgeIndexPage, request: HttpRequest) -> dict[str, Any]:
    order = knowledge_order(request.GET.get("sortierung"))
    pages = _teaser_pages()
    if order == KnowledgeOrder.HELPFUL:
        pages = with_feedback_counts(pages).order_by(
            "-helpful_count", "-reuse_count", "-first_published_at"
        )
    elif order == KnowledgeOrder.REUSED:
        pages = with_feedback_counts(pages).order_by(
            "-reuse_count", "-helpful_count", "-first_published_at"
        )
    teaser_page = _teaser_page(pages, scope="all", request=request)
    # Every order lists the same articles (one count), each its own rendering.
    teaser_page["articles_key"] = teaser_list_key(
        request, "all", order, teaser_page["articles"].number
    )
    return {
        "content_language": content_language(index),
        "order": order,
        "orders": KnowledgeOrder.choices,
        **teaser_page,
        "topics": cached_until_published(
            f"topic-links:{translation.get_language()}",
            lambda: topic_links(Topic.objects.order_by("name")),
        ),
    }


def topic_by_slug(slug: str) -> Topic | None:
    return Topic.objects.filter(slug=slug).first()


def topic_page_context(*, slug: str, request: HttpRequest) -> dict[str, Any] | None:
    """What a topic page shows; None for an unknown topic."""
    topic = topic_by_slug(slug)
    if topic is None:
        return None
    # Filed under the topic, tested page by page in date order: the newest twenty are found
    # without sorting all of the topic's articles first.
    filed_under_topic = Exists(
        PracticePage.topics.through.objects.filter(
            practicepage_id=OuterRef("pk"), topic_id=topic.pk
        )
    )
    return {
        "topic": topic,
        **_teaser_page(
            _teaser_pages().filter(filed_under_topic), scope=f"topic-{topic.pk}", request=request
        ),
        "sections": topic_sections(request, topic),
        "knowledge_index": knowledge_index(),
    }


@dataclass(frozen=True)
class Teaser:
    """A featured page as the home page shows it, whatever its type."""

    title: str
    url: str
    text: str
    kind: str


def featured_teasers(*, home: HomePage, request: HttpRequest) -> list[Teaser]:
    """The editors' picks that are live and public, in their order.

    Kept until the next cache generation (publishing the home page or any page starts one),
    per host (the URLs) and language (the kind of page); a preview shows the editor's unsaved
    picks and is never kept.
    """
    if getattr(request, "is_preview", False):
        return _featured_teasers(home, request)
    return cached_until_published(
        f"featured:{home.pk}:{request.get_host()}:{translation.get_language()}",
        lambda: _featured_teasers(home, request),
    )


def _featured_teasers(home: HomePage, request: HttpRequest) -> list[Teaser]:
    """Two queries for the picks and their pages and two per type of page."""
    items = list(home.featured_items.all())
    pages = {
        page.pk: page
        for page in public(
            Page.objects.filter(pk__in=[item.page_id for item in items]).live()
        ).specific()
    }
    teasers = []
    for item in items:
        page = pages.get(item.page_id)
        if page is None:
            continue
        teasers.append(
            Teaser(
                title=page.title,
                url=page.get_url(request) or "",
                text=item.teaser or getattr(page, "summary", "") or page.search_description,
                kind=str(page.specific_class._meta.verbose_name),
            )
        )
    return teasers


def home_page_context(*, home: HomePage, request: HttpRequest) -> dict[str, Any]:
    return {
        "content_language": content_language(home),
        "featured": featured_teasers(home=home, request=request),
        "latest_articles": LazyTeasers(_teaser_pages()[:LATEST_ON_HOME], request),
        "latest_articles_key": teaser_list_key(request, "latest"),
        "fragment_seconds": PUBLISHED_VALUE_SECONDS,
        "sections": home_sections(request),
        "knowledge_index": knowledge_index(),
    }


def shows_member_home(request: HttpRequest) -> bool:
    """Whether the home page is "Mein Kollegium": for approved members, never in an editor's
    preview (which shows the page as visitors see it). Visitors and accounts awaiting approval
    keep the welcome page and its page cache."""
    return is_network_member(request.user) and not getattr(request, "is_preview", False)


def member_home_context(*, home: HomePage, request: HttpRequest) -> dict[str, Any]:
    """ "Mein Kollegium": the sections the apps contribute for this member, beside the
    general ones (upcoming sessions), and the latest articles below them."""
    main, aside = member_home_sections(request)
    return {
        "content_language": content_language(home),
        "member_name": member_name(request.user),
        "member_sections": main,
        "member_aside_sections": aside,
        "sections": home_sections(request),
        "latest_articles": LazyTeasers(_teaser_pages()[:LATEST_ON_MEMBER_HOME], request),
        "latest_articles_key": teaser_list_key(request, "latest-member"),
        "fragment_seconds": PUBLISHED_VALUE_SECONDS,
        "knowledge_index": knowledge_index(),
    }


@dataclass(frozen=True)
class PracticePagePeople:
    """Authors and contact persons as the viewer may see them.

    `authors` holds a ProfileView, or None for a former member (shown as "ehemaliges
    Mitglied") or a member whose name the viewer may not see. `contacts` maps a profile's
    primary key to its view; contacts the viewer may not see are missing.
    """

    authors: list[ProfileView | None]
    contacts: dict[int, ProfileView]


def _shown(profile: Profile | None, viewer: Viewer) -> ProfileView | None:
    if profile is None or not profile.user.is_network_member:
        return None
    view = profile_view(profile=profile, viewer=viewer)
    return view if view.fields["display_name"] else None


def practice_page_people(*, page: PracticePage, viewer: Viewer) -> PracticePagePeople:
    authors = list(
        page.authors.select_related("profile__user", "profile__organisation").prefetch_related(
            "profile__expertise", "profile__interests"
        )
    )
    contact_ids = [
        block.value["profile"].pk
        for block in page.body
        if block.block_type == "contact" and block.value["profile"] is not None
    ]
    contacts = (
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        Profile.objects.filter(pk__in=contact_ids)  # type: ignore[misc]
        .select_related("user", "organisation")
        .prefetch_related("expertise", "interests")
        if contact_ids
        else []
    )
    return PracticePagePeople(
        authors=[_shown(author.profile, viewer) for author in authors],
        contacts={profile.pk: view for profile in contacts if (view := _shown(profile, viewer))},
    )


def stale_practice_pages() -> QuerySet[PracticePage]:
    """Live articles past their review date, the longest overdue first."""
    return (
        PracticePage.objects.live()
        .filter(review_date__lt=timezone.localdate())
        .select_related("owner")
        .order_by("review_date", "pk")
    )


def pending_submissions() -> QuerySet[PracticePage]:
    """Practice pages in review or waiting for the author's changes, oldest first."""
    page_type = ContentType.objects.get_for_model(Page)
    # Workflow states point at objects by a text id; the open ones are few.
    pending_ids = [
        int(object_id)
        for object_id in WorkflowState.objects.active()
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    ]
    return (
        PracticePage.objects.filter(pk__in=pending_ids)
        .select_related("submitted_by__profile")
        .order_by("latest_revision_created_at", "pk")
    )


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    IN_REVIEW = "in_review", _("In Prüfung")
    NEEDS_CHANGES = "needs_changes", _("Änderungen erbeten")
    SCHEDULED = "scheduled", _("Veröffentlichung geplant")
    PUBLISHED = "published", _("Veröffentlicht")
    PUBLISHED_CHANGES_PENDING = "published_pending", _("Veröffentlicht, Änderung noch nicht")


@dataclass(frozen=True)
class Submission:
    """A member's own submission with where it stands and what the editors said."""

    page: PracticePage
    status: SubmissionStatus
    comment: str
    go_live_at: Any
    can_revise: bool


def own_submission(*, user: Viewer, pk: int) -> PracticePage | None:
    """The member's own submission; someone else's is as unknown as a missing one."""
    if not user.is_authenticated:
        return None
    return PracticePage.objects.filter(pk=pk, submitted_by=user).first()


def member_submissions(*, user: Viewer) -> list[Submission]:
    """The member's submissions, newest change first, in a fixed number of queries."""
    if not user.is_authenticated:
        return []
    pages = list(
        PracticePage.objects.filter(submitted_by=user)
        .defer("body")
        .order_by("-latest_revision_created_at", "-pk")
    )
    page_type = ContentType.objects.get_for_model(Page)
    states = {
        int(state.object_id): state
        for state in WorkflowState.objects.active()
        .filter(base_content_type=page_type, object_id__in=[str(page.pk) for page in pages])
        .select_related("current_task_state")
    }
    scheduled = dict(
        Revision.page_revisions.filter(
            object_id__in=[str(page.pk) for page in pages], approved_go_live_at__isnull=False
        ).values_list("object_id", "approved_go_live_at")
    )
    submissions = []
    for page in pages:
        state = states.get(page.pk)
        comment = ""
        go_live_at = scheduled.get(str(page.pk))
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            status = SubmissionStatus.NEEDS_CHANGES
            task_state = state.current_task_state
            comment = task_state.comment if task_state is not None else ""
        elif state is not None:
            status = SubmissionStatus.IN_REVIEW
        elif go_live_at is not None:
            status = SubmissionStatus.SCHEDULED
        elif page.live and page.has_unpublished_changes:
            status = SubmissionStatus.PUBLISHED_CHANGES_PENDING
        elif page.live:
            status = SubmissionStatus.PUBLISHED
        else:
            status = SubmissionStatus.DRAFT
        submissions.append(
            Submission(
                page=page,
                status=status,
                comment=comment,
                go_live_at=go_live_at,
                can_revise=status != SubmissionStatus.IN_REVIEW and not page.locked,
            )
        )
    return submissions


def collection_file_viewable(*, file_name: str, request: HttpRequest) -> bool | None:
    """Whether the request may see the Wagtail document, image or image rendition stored under
    this name: its uploader may, everyone else as the collection's view restrictions allow
    (submissions stay with the editors until their article is published, as for Wagtail's own
    document links). None when no document or image has this file."""
    item = (
        get_document_model().objects.filter(file=file_name).select_related("collection").first()
        or get_image_model().objects.filter(file=file_name).select_related("collection").first()
    )
    if item is None:
        rendition = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(file=file_name)
            .select_related("image__collection")
            .first()
        )
        if rendition is None:
            return None
        item = rendition.image
    user = request.user
    if user.is_authenticated and item.uploaded_by_user_id == user.pk:
        return True
    return all(
        restriction.accept_request(request)
        for restriction in item.collection.get_view_restrictions()
    )


def readable_practice_page(*, pk: int) -> PracticePage | None:
    """A live article anyone may read: what members may give feedback on or bookmark."""
    return public(PracticePage.objects.live()).filter(pk=pk).defer("body").first()


def readable_practice_page_ids(ids: Iterable[int]) -> set[int]:
    """Which of these articles are live and anyone may read them, in one query."""
    return set(public(PracticePage.objects.live()).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class Reuser:
    """An administration that uses what an article describes, and whom to ask there: the
    member who said so, where they show the viewer their name (`contact` None otherwise)."""

    organisation: str
    contact: ProfileView | None


@dataclass(frozen=True)
class PracticeFeedback:
    """ "Hilfreich" and "Nutzen wir auch" on one article, as one viewer sees them."""

    helpful_count: int
    reuse_count: int
    reusers: list[Reuser]
    marked_helpful: bool
    reused: bool
    may_give: bool
    has_organisation: bool

    @property
    def helpful_text(self) -> str:
        return ngettext(
            "%(count)d Mitglied fand das hilfreich",
            "%(count)d Mitglieder fanden das hilfreich",
            self.helpful_count,
        ) % {"count": self.helpful_count}


def practice_feedback(*, page: PracticePage, viewer: Viewer) -> PracticeFeedback:
    """Counts for everyone; the reusing administrations and the viewer's own marks for network
    members only (who gave feedback is members' business). A fixed number of queries."""
    helpful_count = HelpfulMark.objects.filter(page=page).count()
    if not is_network_member(viewer):
        return PracticeFeedback(
            helpful_count=helpful_count,
            reuse_count=Reuse.objects.filter(page=page).count(),
            reusers=[],
            marked_helpful=False,
            reused=False,
            may_give=False,
            has_organisation=False,
        )
    reuses = list(
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        Reuse.objects.filter(page=page)  # type: ignore[misc]
        .select_related("organisation", "member__profile__organisation")
        .prefetch_related("member__profile__expertise", "member__profile__interests")
    )
    reusers = []
    for reuse in reuses:
        profile = getattr(reuse.member, "profile", None)
        contact = None
        if profile is not None and reuse.member.is_network_member:
            view = profile_view(profile=profile, viewer=viewer)
            contact = view if view.fields["display_name"] else None
        reusers.append(Reuser(organisation=reuse.organisation.name, contact=contact))
    return PracticeFeedback(
        helpful_count=helpful_count,
        reuse_count=len(reuses),
        reusers=reusers,
        marked_helpful=HelpfulMark.objects.filter(page=page, member=viewer).exists(),
        reused=any(reuse.member_id == viewer.pk for reuse in reuses),
        may_give=True,
        has_organisation=Profile.objects.filter(user=viewer, organisation__isnull=False).exists(),
    )


def with_feedback_counts(pages: QuerySet[PracticePage]) -> QuerySet[PracticePage]:
    """Annotate `helpful_count` and `reuse_count`, each a subquery rather than a join, so the
    two counts do not multiply each other."""
    return pages.annotate(
        helpful_count=_count_of(HelpfulMark.objects.filter(page=OuterRef("pk"))),
        reuse_count=_count_of(Reuse.objects.filter(page=OuterRef("pk"))),
    )


def _count_of(rows: QuerySet[Any]) -> Any:
    return Coalesce(
        Subquery(rows.values("page").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=models.IntegerField(),
    )


class KnowledgeOrder(models.TextChoices):
    """How the knowledge index lists articles (`?sortierung=`)."""

    NEWEST = "neueste", _("Neueste zuerst")
    HELPFUL = "hilfreich", _("Am hilfreichsten")
    REUSED = "genutzt", _("Am häufigsten nachgenutzt")


def knowledge_order(value: str | None) -> KnowledgeOrder:
    return KnowledgeOrder(value) if value in KnowledgeOrder.values else KnowledgeOrder.NEWEST


def practice_feedback_report() -> QuerySet[PracticePage]:
    """Live articles with their feedback counts, the most helpful first (editors' report)."""
    return with_feedback_counts(PracticePage.objects.live().defer("body")).order_by(
        "-helpful_count", "-reuse_count", "-first_published_at", "pk"
    )
