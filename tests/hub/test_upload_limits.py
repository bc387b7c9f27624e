"""Office and OpenDocument uploads are judged by their archive directory before anything is
unpacked (issue 19, finding 3): members' attachments and editors' documents alike."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from hub.knowledge.uploads import MAX_ARCHIVE_ENTRIES
from hub.models import PracticePage, Topic
from members.roles import Role
from tests.archives import MB, docx_bomb, docx_bytes
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

BODY = (
    "Ausgangslage: Im Bürgeramt stapelten sich die Papierakten. Vorgehen: Wir haben mit einem "
    "Pilotteam begonnen und jede Woche nachgesteuert."
)


def _archive(parts: int, part_bytes: int, *, first: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (first or {}).items():
            archive.writestr(name, data)
        for number in range(parts):
            archive.writestr(f"word/media/teil{number}.xml", b" " * part_bytes)
    return buffer.getvalue()


def _submit(client, upload):
    topic = Topic.objects.create(name="E-Akte")
    return client.post(
        reverse("knowledge:submit"),
        {
            "title": "E-Akte im Bürgeramt",
            "summary": "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
            "body": BODY,
            "topics": [topic.pk],
            "attachments": [upload],
        },
    )


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        # The probe's file: 0.3 MB, document.xml expands to 100 MB.
        (
            "bombe.docx",
            lambda: docx_bomb(unpacked_bytes=100 * MB),
            "ungewöhnlich stark komprimiert",
        ),
        ("riesig.docx", lambda: docx_bomb(unpacked_bytes=200 * MB), "wäre entpackt größer als"),
        # Parts just below the ratio check's floor, many of them: the total gives it away.
        (
            "viele.docx",
            lambda: _archive(120, MB - 1, first={"[Content_Types].xml": b"<Types/>"}),
            "wäre entpackt größer als 100,0\xa0MB",
        ),
        ("teile.odt", lambda: _archive(MAX_ARCHIVE_ENTRIES + 1, 0), "besteht aus zu vielen Teilen"),
        # A directory too large to read: counted from the archive's end record, before zipfile
        # would turn each entry into an object (some 80 MB for a 10 MB upload).
        ("verzeichnis.docx", lambda: _archive(70_000, 0), "besteht aus zu vielen Teilen"),
    ],
)
def test_archives_that_would_unpack_to_too_much_are_refused(member_client, name, build, message):
    data = build()
    assert len(data) < 10 * MB

    response = _submit(member_client, SimpleUploadedFile(name, data))

    html = response.content.decode()
    assert response.status_code == 400
    assert f"„{name}“" in html
    assert message in html
    assert not PracticePage.objects.exists()
    assert not get_document_model().objects.exists()


def test_an_ordinary_office_document_is_accepted(member_client):
    response = _submit(member_client, SimpleUploadedFile("vorlage.docx", docx_bytes("Vorlage")))

    assert response.status_code == 302
    assert get_document_model().objects.count() == 1


def test_editors_document_uploads_get_the_same_check(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    root = Collection.get_first_root_node()

    refused = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Bombe",
            "file": SimpleUploadedFile("bombe.xlsx", docx_bomb(unpacked_bytes=100 * MB)),
            "collection": root.pk,
        },
    )
    accepted = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Vorlage",
            "file": SimpleUploadedFile("vorlage.docx", docx_bytes("Vorlage")),
            "collection": root.pk,
        },
    )

    assert refused.status_code == 200
    assert "ungewöhnlich stark komprimiert" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(get_document_model().objects.values_list("title", flat=True)) == ["Vorlage"]
