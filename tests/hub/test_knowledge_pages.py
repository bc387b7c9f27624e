"""Page types of the knowledge area: where they may live, what they show and to whom."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from core.page_cache import page_cache_clear
from hub.knowledge.selectors import article_teasers, featured_teasers
from hub.knowledge.services import practice_authorship_anonymise
from hub.models import HomeFeaturedItem, HomePage, KnowledgeIndexPage, PracticePage, Topic
from members.models import Visibility
from members.services import member_delete, profile_update
from tests.factories import MemberFactory, OrganisationFactory, practice_page_create


class PracticePageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = KnowledgeIndexPage.objects.get()
        cls.topic = Topic.objects.create(name="Vergabe")
        cls.author = MemberFactory(first_name="Ines", last_name="Vogel")

    def setUp(self):
        self.login()

    def test_practice_pages_live_only_under_the_knowledge_index(self):
        self.assertCanCreateAt(KnowledgeIndexPage, PracticePage)
        self.assertCanNotCreateAt(HomePage, PracticePage)
        self.assertAllowedParentPageTypes(PracticePage, {KnowledgeIndexPage})
        self.assertAllowedSubpageTypes(PracticePage, set())

    def test_there_is_one_knowledge_index_below_the_home_page(self):
        self.assertAllowedParentPageTypes(KnowledgeIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(KnowledgeIndexPage, {PracticePage})
        self.assertFalse(KnowledgeIndexPage.can_create_at(HomePage.objects.get()))

    def test_editors_create_a_practice_page_with_every_block(self):
        data = nested_form_data(
            {
                "title": "Nachhaltige Beschaffung von Dienstfahrrädern",
                "slug": "dienstfahrraeder",
                "summary": "Wie eine Kommune Dienstfahrräder über einen Rahmenvertrag beschafft.",
                "body": streamfield(
                    [
                        ("heading", "Worum es ging"),
                        ("paragraph", rich_text("<p>Die Fahrräder waren alt.</p>")),
                        ("quote", {"text": "Es lohnt sich.", "source": "Kämmerei"}),
                        ("callout", {"kind": "ergebnis", "text": rich_text("<p>Gut.</p>")}),
                        ("callout", {"kind": "rechtsgrundlage", "text": rich_text("<p>§ 1</p>")}),
                        ("contact", {"profile": self.author.profile.pk, "note": "Vergabe"}),
                    ]
                ),
                "administration_level": "kommune",
                "state": "HE",
                "organisation": "",
                "authors": inline_formset([{"profile": self.author.profile.pk}]),
                "review_date": "2030-01-31",
                "owner": "",
            }
        )
        data["topics"] = [self.topic.pk]  # a multiple choice, not a nested structure
        self.assertCanCreate(self.index, PracticePage, data)

        page = PracticePage.objects.get(slug="dienstfahrraeder")
        self.assertEqual(list(page.topics.all()), [self.topic])
        self.assertEqual(page.authors.get().profile, self.author.profile)
        self.assertEqual(
            [block.block_type for block in page.body],
            ["heading", "paragraph", "quote", "callout", "callout", "contact"],
        )

    def test_reserved_addresses_cannot_be_taken(self):
        data = nested_form_data(
            {
                "title": "Themen",
                "slug": "themen",
                "summary": "Eine Seite, die die Themenseiten verdecken würde.",
                "body": streamfield([("paragraph", rich_text("<p>x</p>"))]),
                "authors": inline_formset([]),
            }
        )
        with self.assertRaises(AssertionError):
            self.assertCanCreate(self.index, PracticePage, data)

    def test_pages_render(self):
        page = practice_page_create(topics=(self.topic,), authors=(self.author,))
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRoutable(page)


pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    return Topic.objects.create(name="E-Akte", description="Elektronische Akten.")


def test_article_shows_metadata_blocks_and_a_stale_note(client, topic):
    author = MemberFactory(first_name="Olga", last_name="Brandt")
    profile_update(profile=author.profile, data={"display_name_visibility": Visibility.PUBLIC})
    page = practice_page_create(
        title="Scannen im Posteingang",
        topics=(topic,),
        authors=(author,),
        administration_level="land",
        state="SN",
        review_date=timezone.localdate() - datetime.timedelta(days=1),
        body=[
            ("paragraph", "<p>Wir scannen alles.</p>"),
            ("callout", {"kind": "lessons", "text": "<p>Früh die Personalvertretung fragen.</p>"}),
            ("quote", {"text": "Nie wieder Papier.", "source": "Amtsleitung"}),
        ],
    )

    html = client.get(page.url).content.decode()

    assert "Möglicherweise veraltet:" in html
    assert "Lessons learned" in html
    assert "Früh die Personalvertretung fragen." in html
    assert "Nie wieder Papier." in html
    assert "Sachsen" in html and "Land" in html
    assert "Olga Brandt" in html
    assert f'href="/wissen/themen/{topic.slug}/"' in html


def test_current_article_has_no_stale_note(client, topic):
    page = practice_page_create(review_date=timezone.localdate() + datetime.timedelta(days=30))

    assert "veraltet" not in client.get(page.url).content.decode()


def test_contact_person_respects_profile_visibility(client, topic):
    contact = MemberFactory(first_name="Karla", last_name="Kontakt")
    profile_update(
        profile=contact.profile,
        data={"display_name_visibility": Visibility.MEMBERS, "position": "Vergabestelle"},
    )
    page = practice_page_create(
        body=[
            ("paragraph", "<p>Text</p>"),
            ("contact", {"profile": contact.profile, "note": "Fragen zur Ausschreibung"}),
        ],
        authors=(contact,),
    )

    anonymous = client.get(page.url).content.decode()
    client.force_login(MemberFactory())
    member = client.get(page.url).content.decode()

    assert "Karla Kontakt" not in anonymous
    assert "Fragen zur Ausschreibung" not in anonymous
    assert "Karla Kontakt" in member
    assert "Fragen zur Ausschreibung" in member


def test_former_members_stay_as_anonymous_authors(client):
    author = MemberFactory(first_name="Gerd", last_name="Gegangen")
    profile_update(profile=author.profile, data={"display_name_visibility": Visibility.PUBLIC})
    page = practice_page_create(authors=(author,))

    member_delete(user=author)

    html = client.get(page.url).content.decode()
    assert "Gerd Gegangen" not in html
    assert "ehemaliges Mitglied" in html


def test_anonymised_authorship_leaves_the_cached_article_at_once(
    client, django_capture_on_commit_callbacks
):
    """The author rows are changed with an UPDATE, which sends no signal."""
    author = MemberFactory(first_name="Gerd", last_name="Gegangen")
    profile_update(profile=author.profile, data={"display_name_visibility": Visibility.PUBLIC})
    page = practice_page_create(authors=(author,))
    assert "Gerd Gegangen" in client.get(page.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        practice_authorship_anonymise(user=author)

    html = client.get(page.url).content.decode()
    assert "Gerd Gegangen" not in html
    assert "ehemaliges Mitglied" in html


def test_drafts_are_nowhere_public(client, topic):
    draft = practice_page_create(title="Geheimer Entwurf", topics=(topic,), publish=False)

    assert client.get(draft.url or "/wissen/geheimer-entwurf/").status_code == 404
    for url in (
        "/",
        "/wissen/",
        f"/wissen/themen/{topic.slug}/",
        "/wissen/feed/",
        "/wissen/feed/atom/",
        f"/wissen/themen/{topic.slug}/feed/",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Geheimer Entwurf" not in response.content.decode(), url
        assert "geheimer-entwurf" not in response.content.decode(), url


def test_home_page_shows_featured_items_and_latest_articles(client, home_page, topic):
    featured = practice_page_create(title="Empfohlenes Beispiel", summary="Lesenswert, sehr.")
    practice_page_create(title="Neuestes Beispiel")
    unpublished = practice_page_create(title="Unveröffentlicht", publish=False)
    home_page.featured_items.create(page=featured, teaser="Unser Tipp der Woche")
    home_page.featured_items.create(page=unpublished)
    home_page.save_revision().publish()

    html = client.get("/").content.decode()

    assert "Empfohlen von der Redaktion" in html
    assert "Unser Tipp der Woche" in html
    assert "Neuestes Beispiel" in html
    assert "Unveröffentlicht" not in html


@override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0)
def test_featured_items_follow_publishing_and_previews_show_unsaved_picks(
    client, home_page, django_capture_on_commit_callbacks
):
    first = practice_page_create(title="Erste Empfehlung")
    second = practice_page_create(title="Zweite Empfehlung")
    home_page.featured_items.create(page=first)
    with django_capture_on_commit_callbacks(execute=True):
        home_page.save_revision().publish()
    assert "Erste Empfehlung" in client.get("/").content.decode()

    home_page.featured_items.create(page=second, teaser="Neu ausgewählt")
    with django_capture_on_commit_callbacks(execute=True):
        home_page.save_revision().publish()
    assert "Neu ausgewählt" in client.get("/").content.decode()

    draft = HomePage.objects.get(pk=home_page.pk)
    draft.featured_items.add(HomeFeaturedItem(page=first, teaser="Nur in der Vorschau"))
    preview = RequestFactory().get("/", HTTP_HOST="localhost")
    preview.is_preview = True
    assert "Nur in der Vorschau" in [
        teaser.text for teaser in featured_teasers(home=draft, request=preview)
    ]
    assert "Nur in der Vorschau" not in client.get("/").content.decode()


def test_teasers_link_where_wagtail_serves_the_pages(client, topic):
    """The lists resolve one URL per parent and derive the siblings' from it."""
    vergabe = Topic.objects.create(name="Agile Vergabe")
    plain = practice_page_create(title="Einfach", topics=(topic, vergabe))
    umlaut = practice_page_create(title="Übergabe", slug="übergabe-im-amt")
    request = RequestFactory().get("/wissen/", HTTP_HOST="localhost")

    teasers = {
        teaser.title: teaser
        for teaser in article_teasers(
            PracticePage.objects.filter(pk__in=[plain.pk, umlaut.pk]), request
        )
    }

    assert teasers["Einfach"].url == plain.get_url(request) == "/wissen/einfach/"
    assert teasers["Übergabe"].url == umlaut.get_url(request) == "/wissen/%C3%BCbergabe-im-amt/"
    assert [link.name for link in teasers["Einfach"].topics] == ["Agile Vergabe", "E-Akte"]
    assert teasers["Einfach"].topics[1].url == "/wissen/themen/e-akte/"
    assert client.get(teasers["Übergabe"].url).status_code == 200


@override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0)
def test_cached_teaser_lists_follow_publishing_and_renamed_organisations(
    client, topic, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Stadt Altname")
    practice_page_create(title="Erstes Beispiel", topics=(topic,), organisation=organisation)
    urls = ("/", "/wissen/", f"/wissen/themen/{topic.slug}/")
    for url in urls:
        assert "Stadt Altname" in client.get(url).content.decode()

    organisation.name = "Stadt Neuname"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
    for url in urls:
        html = client.get(url).content.decode()
        assert "Stadt Neuname" in html and "Stadt Altname" not in html, url

    with django_capture_on_commit_callbacks(execute=True):
        practice_page_create(title="Zweites Beispiel", topics=(topic,))
    for url in urls:
        assert "Zweites Beispiel" in client.get(url).content.decode(), url


def test_articles_in_a_private_section_stay_out_of_the_lists(
    client, topic, django_capture_on_commit_callbacks
):
    hidden = practice_page_create(title="Nur für Angemeldete", topics=(topic,))
    for url in ("/", "/wissen/", f"/wissen/themen/{topic.slug}/"):
        assert "Nur für Angemeldete" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    for url in ("/", "/wissen/", f"/wissen/themen/{topic.slug}/"):
        html = client.get(url).content.decode()
        assert "Nur für Angemeldete" not in html, url
        assert "0 Beiträge" in html or url == "/", url


def test_knowledge_index_lists_articles_and_topics(client, topic):
    practice_page_create(title="Beispiel eins", topics=(topic,))

    response = client.get("/wissen/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Beispiel eins" in html
    assert "1 Beitrag" in html
    assert 'href="/wissen/themen/e-akte/">E-Akte</a>' in html


def test_navigation_shows_the_knowledge_section(client):
    html = client.get("/").content.decode()

    assert '<a href="/wissen/">Wissen</a>' in html


def test_topic_page_gathers_its_articles_only(client, topic):
    other = Topic.objects.create(name="Vergabe")
    practice_page_create(title="Zur E-Akte", topics=(topic,))
    practice_page_create(title="Zur Vergabe", topics=(other,))

    html = client.get(f"/wissen/themen/{topic.slug}/").content.decode()

    assert "Zur E-Akte" in html
    assert "Zur Vergabe" not in html
    assert "Elektronische Akten." in html


def test_unknown_topic_is_a_german_404(client):
    response = client.get("/wissen/themen/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_topic_pages_take_sections_from_other_features(client, topic, monkeypatch):
    from core import sections

    monkeypatch.setattr(sections, "_topic", sections._Registry())
    sections.register_topic_section(
        "courses",
        lambda request, shown: sections.Section(
            title="Kurse", template="hub/blocks/heading.html", items=[shown.name]
        ),
        order=10,
    )

    html = client.get(f"/wissen/themen/{topic.slug}/").content.decode()

    assert '<h2 id="section-1" class="aside-box__title">Kurse</h2>' in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "expected", "until_next_change"),
    # Right after a change to published content the pages read the view restrictions and the
    # page's language; the home page the editors' picks, the knowledge index and the next
    # sessions, the topic page the knowledge index and the topic's courses (two queries each
    # with the check for private courses), the index page the topics; the index and topic
    # pages count the articles, all read their teasers (two queries) and the footer the address
    # of the accessibility statement. Until the next change these come from the cache; what
    # remains is Wagtail's routing and view-restriction check.
    [("/", 13, 4), ("/wissen/", 13, 6), ("/wissen/themen/e-akte/", 10, 2)],
)
def test_list_pages_need_a_fixed_number_of_queries(
    client, home_page, topic, url, expected, until_next_change
):
    """Pinned: the count must not grow with the number of articles, topics or authors."""
    for number in range(3):
        practice_page_create(title=f"Beispiel {number}", topics=(topic,))
    client.get(url)  # Warm Wagtail's site-root cache, as in production.
    with override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0):
        page_cache_clear()
        few = _queries(client, url)
        for number in range(25):
            extra = Topic.objects.create(name=f"Thema {number}")
            practice_page_create(title=f"Weiteres Beispiel {number}", topics=(topic, extra))
        page_cache_clear()
        many = _queries(client, url)
        unchanged = _queries(client, url)

    assert (few, many) == (expected, expected)
    assert unchanged == until_next_change
