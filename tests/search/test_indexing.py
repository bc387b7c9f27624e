"""What goes into the index and how it follows the content: publishing, unpublishing,
deleting, hiding, changes of channel visibility and account approval, attached documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import connection
from fpdf import FPDF
from wagtail.documents import get_document_model

from core.page_cache import page_cache_clear
from discussions.models import ChannelVisibility
from discussions.services.messages import message_delete
from discussions.services.moderation import message_hide
from hub.models import Topic
from members.models import Approval
from members.roles import Role
from search.api import SearchRequest, search
from search.extraction import document_text
from search.indexing import rebuild
from search.models import EntryTopic, OutboxItem, SearchEntry, Term
from tests.factories import MemberFactory, practice_page_create, totp_activate
from tests.search.conftest import build_world, refresh_index


@pytest.fixture
def indexed(db, django_capture_on_commit_callbacks):
    """Run the receivers' deferred work at the end of the block, as a commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def plain_world(indexed):
    with indexed():
        return build_world()


def found(text, viewer):
    return [hit.key for hit in search(SearchRequest(text=text), viewer=viewer).hits]


def pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def docx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{namespace}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r>'
            "</w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def test_document_text_from_each_format():
    assert "Haushaltssatzung" in document_text(
        "a.pdf", io.BytesIO(pdf_bytes("Haushaltssatzung 2026"))
    )
    assert document_text("a.docx", io.BytesIO(docx_bytes("Vergabevermerk"))) == "Vergabevermerk"
    assert document_text("a.txt", io.BytesIO("Bürgeramt".encode())) == "Bürgeramt"
    assert document_text("kaputt.pdf", io.BytesIO(b"kein pdf")) == ""
    assert document_text("bild.png", io.BytesIO(b"\x89PNG")) == ""


def test_attached_documents_are_searchable_and_broken_ones_keep_their_title(indexed):
    Document = get_document_model()
    with indexed():
        good = Document.objects.create(
            title="Leitfaden Beteiligung",
            file=ContentFile(pdf_bytes("Losverfahren im Rat"), "leitfaden.pdf"),
        )
        broken = Document.objects.create(
            title="Checkliste Vergabe", file=ContentFile(b"%PDF-kaputt", "checkliste.pdf")
        )
        page = practice_page_create(
            title="Beteiligung mit Losverfahren",
            body=[
                ("document", {"document": good, "description": "Unser Leitfaden"}),
                ("document", {"document": broken, "description": ""}),
            ],
        )

    assert f"document:{page.pk}-{good.pk}" in found("Losverfahren Rat", AnonymousUser())
    assert f"document:{page.pk}-{broken.pk}" in found("Checkliste", AnonymousUser())


def test_unpublishing_and_deleting_remove_a_page(plain_world, indexed):
    page = plain_world.practice
    with indexed():
        page.unpublish()
    assert f"practice:{page.pk}" not in found("Beteiligung", plain_world.anonymous)

    with indexed():
        page.save_revision().publish()
    assert f"practice:{page.pk}" in found("Beteiligung", plain_world.anonymous)

    with indexed():
        page.delete()
    assert not SearchEntry.objects.filter(source=f"practice:{page.pk}").exists()


def test_deleted_and_hidden_messages_leave_the_index(plain_world, indexed):
    moderator = MemberFactory(roles=(Role.MODERATOR,))
    totp_activate(moderator)
    with indexed():
        message_delete(actor=plain_world.outsider_member, message=plain_world.private_message)
    assert f"message:{plain_world.private_message.pk}" not in found(
        "Losverfahren", plain_world.outsider_member
    )

    with indexed():
        message_hide(moderator=moderator, message=plain_world.open_message)
    assert f"message:{plain_world.open_message.pk}" not in found("Losverfahren", plain_world.member)
    assert not SearchEntry.objects.filter(key__startswith="message:").exists()


def test_making_a_channel_private_hides_its_messages_from_non_members(plain_world, indexed):
    channel = plain_world.open_message.channel
    stranger = MemberFactory()
    assert f"message:{plain_world.open_message.pk}" in found("Losverfahren", stranger)

    with indexed():
        channel.visibility = ChannelVisibility.PRIVATE
        channel.save()

    assert f"message:{plain_world.open_message.pk}" not in found("Losverfahren", stranger)
    assert f"message:{plain_world.open_message.pk}" in found("Losverfahren", plain_world.member)


def test_profiles_follow_account_approval(plain_world, indexed):
    owner = plain_world.public_profile_owner
    key = f"profile:{owner.profile.pk}"
    with indexed():
        owner.approval = Approval.DECLINED
        owner.save()
    assert key not in found("Öffentlich", plain_world.member)

    with indexed():
        owner.approval = Approval.APPROVED
        owner.save()
    assert key in found("Öffentlich", plain_world.member)


def test_vocabulary_holds_only_public_words(plain_world):
    assert Term.objects.filter(word="bürgerhaushalt", token="burgerhaushalt").exists()
    assert not Term.objects.filter(word="vertraulich").exists()
    assert not Term.objects.filter(word="geheimer").exists()


def test_rebuild_recreates_the_same_index(plain_world):
    before = sorted(SearchEntry.objects.values_list("entry_id", "audience", "title"))
    terms_before = dict(Term.objects.values_list("word", "document_frequency"))

    stored = rebuild()

    assert stored == len(before)
    assert sorted(SearchEntry.objects.values_list("entry_id", "audience", "title")) == before
    assert dict(Term.objects.values_list("word", "document_frequency")) == terms_before
    assert not OutboxItem.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_leaves_the_tables_ready_for_the_first_searches(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        practice_page_create(title="Frisch aufgebaut")

    assert rebuild() >= 1
    if connection.vendor == "postgresql":
        # Vacuumed (rows marked visible to all) and analysed (row count known).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relallvisible, reltuples FROM pg_class WHERE relname = %s",
                [SearchEntry._meta.db_table],
            )
            visible_pages, rows = cursor.fetchone()
        assert visible_pages >= 1 and rows >= 1
    assert found("Frisch", AnonymousUser())


def test_indexing_errors_never_break_a_write(plain_world, indexed, monkeypatch):
    from search import indexing

    def fail(source):
        raise RuntimeError("index broken")

    monkeypatch.setattr(indexing, "source_items", fail)
    with indexed():
        page = practice_page_create(title="Trotzdem gespeichert")
    assert page.live


def test_demo_seeder_rebuilds_only_a_lagging_index(plain_world):
    from core.demo import DemoReport
    from search.demo import index_is_current, seed_search_index

    report = DemoReport()
    assert index_is_current()
    seed_search_index(None, report)
    assert report.created == {}

    SearchEntry.objects.filter(kind="message").delete()
    assert not index_is_current()
    seed_search_index(None, report)
    assert index_is_current() and report.created["Sucheinträge"] == SearchEntry.objects.count()


def filed_under(slug, viewer):
    request = SearchRequest(text="", topics=frozenset({slug}), page_size=100)
    return {hit.key for hit in search(request, viewer=viewer).hits}


def test_a_new_topic_slug_reaches_everything_filed_under_it(
    world, django_capture_on_commit_callbacks
):
    """Runs on the database and on Elasticsearch (the `world` of tests/search/conftest.py)."""
    participation, procurement = world.topics["Bürgerbeteiligung"], world.topics["Vergabe"]
    old_slug = participation.slug
    with django_capture_on_commit_callbacks(execute=True):
        participation.slug = "beteiligung-vor-ort"
        participation.save()
        procurement.slug = "vergaberecht"
        procurement.save()
        # A new topic under the old address must not inherit what was filed under the old one.
        Topic.objects.create(name="Beteiligung (alt)", slug=old_slug)
    refresh_index()

    assert filed_under("beteiligung-vor-ort", world.member) == {
        f"practice:{world.practice.pk}",
        f"message:{world.open_message.pk}",
    }
    assert filed_under("vergaberecht", world.anonymous) == {
        f"course:{world.course.pk}",
        f"session:{world.session.pk}",
    }
    assert filed_under(old_slug, world.member) == set()
    topic_facet = search(SearchRequest(text="Beteiligung"), viewer=world.member).facets["topic"]
    assert [(facet.value, facet.label) for facet in topic_facet] == [
        ("beteiligung-vor-ort", "Bürgerbeteiligung")
    ]


def test_a_new_topic_name_is_shown_without_reindexing(plain_world, indexed):
    topic = plain_world.topics["Bürgerbeteiligung"]

    with indexed() as callbacks:
        topic.name = "Beteiligung vor Ort"
        topic.description = "Wie Verwaltungen ihre Bürgerinnen und Bürger beteiligen."
        topic.save()

    # Pages show topic names, so the page cache is retired; nothing is queued for the index.
    assert callbacks == [page_cache_clear]
    topic_facet = search(SearchRequest(text="Beteiligung"), viewer=plain_world.member).facets
    assert [(facet.value, facet.label) for facet in topic_facet["topic"]] == [
        (topic.slug, "Beteiligung vor Ort")
    ]


def test_deleting_a_topic_takes_it_out_of_the_entries(plain_world, indexed):
    topic = plain_world.topics["Bürgerbeteiligung"]
    slug = topic.slug

    with indexed():
        topic.delete()
        Topic.objects.create(name="Bürgerbeteiligung")

    assert not EntryTopic.objects.filter(slug=slug).exists()
    assert SearchEntry.objects.get(entry_id=f"practice:{plain_world.practice.pk}").topics == []
    assert filed_under(slug, plain_world.member) == set()
    assert f"practice:{plain_world.practice.pk}" in found("Beteiligung", plain_world.anonymous)


def test_a_failing_source_neither_breaks_a_topic_change_nor_stops_the_others(
    plain_world, indexed, monkeypatch
):
    from search import indexing

    broken = plain_world.open_message.pk
    real_message_items = indexing.message_items

    def message_items(message, *args):
        if message.pk == broken:
            raise RuntimeError("index broken")
        return real_message_items(message, *args)

    monkeypatch.setattr(indexing, "message_items", message_items)
    topic = plain_world.topics["Bürgerbeteiligung"]
    with indexed():
        topic.slug = "beteiligung-vor-ort"
        topic.save()

    topic.refresh_from_db()
    assert topic.slug == "beteiligung-vor-ort"
    assert filed_under("beteiligung-vor-ort", plain_world.member) == {
        f"practice:{plain_world.practice.pk}"
    }
