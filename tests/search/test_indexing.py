"""What goes into the index and how it follows the content: publishing, unpublishing,
deleting, hiding, changes of channel visibility and account approval, attached documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from fpdf import FPDF
from wagtail.documents import get_document_model

from hub.discussions.models import ChannelVisibility
from hub.discussions.services import message_delete, message_hide
from members.models import Approval
from members.roles import Role
from search.api import SearchRequest, search
from search.extraction import document_text
from search.indexing import rebuild
from search.models import OutboxItem, SearchEntry, Term
from tests.factories import MemberFactory, practice_page_create, totp_activate
from tests.search.conftest import build_world


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
    assert Term.objects.filter(word="bürgerhaushalt").exists()
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


def test_indexing_errors_never_break_a_write(plain_world, indexed, monkeypatch):
    from search import indexing

    def fail(source):
        raise RuntimeError("index broken")

    monkeypatch.setattr(indexing, "source_items", fail)
    with indexed():
        page = practice_page_create(title="Trotzdem gespeichert")
    assert page.live
