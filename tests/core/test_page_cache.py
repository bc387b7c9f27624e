"""The page cache serves anonymous visitors and nobody else, and forgets on publish."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.page_cache import CACHE_HEADER
from hub.models import Topic
from tests.elsewhere import on_another_connection
from tests.factories import practice_page_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    return Topic.objects.create(name="Führung")


@pytest.mark.parametrize(
    "url", ["/", "/wissen/", "/wissen/themen/fuehrung/", "/wissen/feed/", "/sitemap.xml"]
)
def test_anonymous_pages_come_from_the_cache_without_queries(client, topic, url):
    practice_page_create(title="Führen auf Distanz", topics=(topic,))
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_article_pages_are_cached_too(client):
    page = practice_page_create()
    client.get(page.url)

    assert client.get(page.url)[CACHE_HEADER] == "hit"


def test_publishing_retires_cached_pages(client, topic, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        practice_page_create(title="Ganz frisch", topics=(topic,))

    response = client.get("/")

    assert response[CACHE_HEADER] == "miss"
    assert "Ganz frisch" in response.content.decode()


def test_unpublishing_retires_cached_pages(client, django_capture_on_commit_callbacks):
    page = practice_page_create(title="Bald weg")
    assert "Bald weg" in client.get("/wissen/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()

    assert "Bald weg" not in client.get("/wissen/").content.decode()
    assert client.get(page.url).status_code == 404


def test_renaming_a_topic_retires_cached_pages(client, topic, django_capture_on_commit_callbacks):
    practice_page_create(topics=(topic,))
    client.get("/wissen/")
    topic.name = "Führung und Zusammenarbeit"
    with django_capture_on_commit_callbacks(execute=True):
        topic.save()

    assert "Führung und Zusammenarbeit" in client.get("/wissen/").content.decode()


def test_signed_in_members_never_get_or_fill_the_cache(member_client, member):
    first = member_client.get("/")
    second = member_client.get("/")

    assert CACHE_HEADER not in first
    assert CACHE_HEADER not in second
    assert member.profile.display_name in second.content.decode()
    assert "csrfmiddlewaretoken" in second.content.decode()  # the logout form


def test_a_member_page_never_reaches_anonymous_visitors(member_client, member):
    member_client.get("/")

    anonymous = Client().get("/")

    assert member.profile.display_name not in anonymous.content.decode()
    assert anonymous[CACHE_HEADER] == "miss"


def test_pages_with_messages_are_not_stored(client):
    client.cookies["messages"] = "irgendwas"
    client.get("/")
    del client.cookies["messages"]

    assert client.get("/")[CACHE_HEADER] == "miss"


def test_pages_rendering_a_csrf_token_are_not_stored(client):
    client.get(reverse("account_login"))

    assert CACHE_HEADER not in client.get(reverse("account_login"))


def test_languages_are_cached_apart(client):
    german = client.get("/")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/")

    assert german[CACHE_HEADER] == english[CACHE_HEADER] == "miss"
    assert '<html lang="en"' in english.content.decode()


def test_switching_the_language_needs_no_token(client):
    client.handler.enforce_csrf_checks = True

    response = client.post(reverse("set_language"), {"language": "en", "next": "/wissen/"})

    assert response.status_code == 302
    assert response["Location"] == "/wissen/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_read_between_the_change_and_its_commit_is_not_served_after_it():
    """The change's signal fires inside the transaction; a visitor arriving before the commit
    reads the old rows. Whatever the cache keeps from that visit must not outlive the commit."""
    topic = Topic.objects.create(name="Führung")
    practice_page_create(topics=(topic,))
    Client().get("/wissen/")

    with transaction.atomic():
        topic.name = "Führung und Zusammenarbeit"
        topic.save()
        during = on_another_connection(lambda: Client().get("/wissen/").content.decode())
        assert "Führung und Zusammenarbeit" not in during

    after = Client().get("/wissen/")
    assert after[CACHE_HEADER] == "miss"
    assert "Führung und Zusammenarbeit" in after.content.decode()


def test_a_change_that_rolls_back_retires_nothing(
    client, topic, django_capture_on_commit_callbacks
):
    practice_page_create(topics=(topic,))
    client.get("/wissen/")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        topic.name = "Nie gespeichert"
        topic.save()
        raise RuntimeError("Abbruch nach dem Speichern")

    assert callbacks == []
    assert client.get("/wissen/")[CACHE_HEADER] == "hit"
