"""Feeds, sitemap and the editors' reports of the knowledge area."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.knowledge.services import Contribution, practice_submission_create
from hub.models import Topic
from members.roles import Role
from tests.factories import MemberFactory, practice_page_create, totp_activate

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def topic():
    return Topic.objects.create(name="Vergabe")


@pytest.fixture
def editor_client(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    return client


def test_rss_feed_lists_new_practice_material_newest_first(client, topic):
    practice_page_create(title="Älteres Beispiel", topics=(topic,))
    practice_page_create(title="Neues Beispiel", summary="Kurz erklärt.")

    response = client.get(reverse("knowledge:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Neues Beispiel", "Älteres Beispiel"]
    assert items[0].findtext("link") == "http://testserver/wissen/neues-beispiel/"
    assert items[0].findtext("description") == "Kurz erklärt."
    assert [c.text for c in items[1].findall("category")] == ["Vergabe"]


def test_topic_feeds_hold_only_their_topic_in_rss_and_atom(client, topic):
    practice_page_create(title="Zur Vergabe", topics=(topic,))
    practice_page_create(title="Zu etwas anderem")

    rss = ET.fromstring(client.get(reverse("knowledge:topic_feed", args=[topic.slug])).content)
    atom = ET.fromstring(
        client.get(reverse("knowledge:topic_feed_atom", args=[topic.slug])).content
    )

    assert [item.findtext("title") for item in rss.iter("item")] == ["Zur Vergabe"]
    assert [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")] == [
        "Zur Vergabe"
    ]
    assert "Vergabe" in atom.findtext(f"{ATOM}title")


def test_feed_of_an_unknown_topic_is_404(client):
    assert client.get("/wissen/themen/unbekannt/feed/").status_code == 404


def test_sitemap_lists_published_pages(client):
    page = practice_page_create(title="Im Sitemap")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    locations = [
        element.text
        for element in ET.fromstring(response.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    # The default site's host name, as Wagtail gives it.
    assert f"http://localhost{page.url}" in locations
    assert "http://localhost/wissen/" in locations


def test_pending_submissions_report(editor_client, member, topic):
    practice_submission_create(
        author=member,
        contribution=Contribution(
            title="Wartet auf Prüfung",
            summary="Eine Einreichung.",
            body_html="<p>Text</p>",
            topics=[topic],
            attachments=[],
        ),
    )
    practice_page_create(title="Schon veröffentlicht")

    html = editor_client.get(reverse("knowledge_reports:pending")).content.decode()

    assert "Offene Einreichungen" in html
    assert "Wartet auf Prüfung" in html
    assert member.profile.display_name in html
    assert "Schon veröffentlicht" not in html


def test_stale_articles_report(editor_client):
    today = timezone.localdate()
    practice_page_create(title="Überfällig", review_date=today - datetime.timedelta(days=3))
    practice_page_create(title="Noch aktuell", review_date=today + datetime.timedelta(days=3))

    response = editor_client.get(reverse("knowledge_reports:stale"))
    export = editor_client.get(reverse("knowledge_reports:stale") + "?export=csv")

    assert "Überfällig" in response.content.decode()
    assert "Noch aktuell" not in response.content.decode()
    exported = b"".join(export.streaming_content) if export.streaming else export.content
    assert "Überfällig" in exported.decode("utf-8-sig")


def test_reports_are_in_the_admin_menu_for_editors(editor_client):
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "knowledge-stale" in html
    assert "knowledge-pending" in html


def test_members_cannot_see_reports(member_client):
    response = member_client.get(reverse("knowledge_reports:stale"))

    assert response.status_code == 302
