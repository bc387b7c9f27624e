"""Request bodies are refused by size before Django reads them (issue 19, finding 10: an
anonymous 200 MB POST to the login page was read in full before its 403)."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from hub.asgi import application
from hub.models import PracticePage, Topic
from members.models import Approval
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MB = 1024 * 1024
CSRF = "k" * 32


class Upload:
    """What the server hands the application: the body in chunks, counted as it is read."""

    def __init__(self, body: bytes = b"", *, endless_chunk: bytes = b"") -> None:
        self.body = body
        self.endless_chunk = endless_chunk
        self.read = 0
        self.calls = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        self.calls += 1
        if self.endless_chunk:
            self.read += len(self.endless_chunk)
            return {"type": "http.request", "body": self.endless_chunk, "more_body": True}
        if self.read < len(self.body):
            chunk = self.body[self.read : self.read + MB]
            self.read += len(chunk)
            return {
                "type": "http.request",
                "body": chunk,
                "more_body": self.read < len(self.body),
            }
        await asyncio.sleep(3600)  # the client waits for the answer
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        assert len(starts) == 1, self.sent
        return starts[0]["status"]

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.sent[1:]).decode()

    def header(self, name: bytes) -> bytes | None:
        return dict(self.sent[0]["headers"]).get(name)


def http_scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def post(path: str, upload: Upload, headers: list[tuple[bytes, bytes]]) -> Upload:
    await asyncio.wait_for(application(http_scope(path, headers), upload.receive, upload.send), 60)
    return upload


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}".encode()


async def test_an_anonymous_200_mb_post_to_the_login_page_is_refused_unread():
    upload = Upload(endless_chunk=b"x" * MB)

    await post(
        "/konto/login/",
        upload,
        [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"%d" % (200 * MB)),
        ],
    )

    assert upload.status == 413
    assert upload.calls == 0
    assert upload.read == 0
    assert (
        "Die gesendeten Daten sind zu groß: Hier sind höchstens 2,5\xa0MB erlaubt." in upload.text
    )
    assert upload.header(b"connection") == b"close"


async def test_a_chunked_body_is_counted_and_cut_off_at_the_limit():
    upload = Upload(endless_chunk=b"x" * MB)

    await post(
        "/konto/login/",
        upload,
        [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"transfer-encoding", b"chunked"),
        ],
    )

    assert upload.status == 413
    assert upload.read <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MB


async def test_a_broken_length_is_a_bad_request():
    upload = Upload()

    await post("/konto/login/", upload, [(b"content-length", b"viel")])

    assert upload.status == 400
    assert upload.calls == 0


@pytest.mark.parametrize("who", ["anonymous", "pending", "unknown session"])
async def test_only_approved_members_may_send_large_uploads(who):
    cookie = {"anonymous": b"", "unknown session": b"sessionid=erfunden"}.get(who)
    if cookie is None:

        def pending_cookie() -> bytes:
            pending = MemberFactory()
            pending.approval = Approval.PENDING
            pending.save()
            return session_cookie(pending)

        cookie = await database_sync_to_async(pending_cookie)()
    upload = Upload(endless_chunk=b"x" * MB)

    await post(
        "/beitraege/neu/",
        upload,
        [
            (b"cookie", cookie),
            (b"content-type", MULTIPART_CONTENT),
            (b"content-length", b"%d" % (30 * MB)),
        ],
    )

    assert upload.status == 413
    assert upload.read == 0


async def test_a_member_uploads_an_attachment_larger_than_the_form_limit():
    def prepare() -> tuple[bytes, bytes]:
        member = MemberFactory()
        topic = Topic.objects.create(name="E-Akte")
        # A document larger than the general limit of 2.5 MB.
        document = b"%PDF-1.7\n" + b"0" * (3 * MB)
        body = encode_multipart(
            BOUNDARY,
            {
                "csrfmiddlewaretoken": CSRF,
                "title": "E-Akte im Bürgeramt",
                "summary": "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
                "body": "Ausgangslage und Vorgehen: " * 10,
                "topics": [topic.pk],
                "attachments": [SimpleUploadedFile("leitfaden.pdf", document)],
            },
        )
        return session_cookie(member), body

    cookie, body = await database_sync_to_async(prepare)()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    upload = Upload(body)

    await post(
        "/beitraege/neu/",
        upload,
        [
            (b"cookie", cookie),
            (b"content-type", MULTIPART_CONTENT.encode()),
            (b"content-length", b"%d" % len(body)),
        ],
    )

    assert upload.status == 302, upload.text[:2000]
    assert upload.read == len(body)
    assert await database_sync_to_async(
        PracticePage.objects.filter(title="E-Akte im Bürgeramt").exists
    )()
