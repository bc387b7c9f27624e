"""Request bodies are refused by size before Django reads them (issue 19, finding 10).

Django's ASGI handler copies the whole body into a temporary file before any middleware or view
runs, so neither can refuse a body in time: an anonymous 200 MB POST to the login page was read
in full before its 403. This wrapper sits between the server and Django's handler:

- Every path takes at most `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes, Django's own limit for form
  data: a larger body could only fail there anyway.
- Paths listed in `KOLLEGIUM_UPLOAD_BODY_LIMITS` (the upload forms) take up to their own limit,
  but only from a signed-in, approved member. Who that is comes from the session cookie, read as
  for a websocket (`members.socket_auth`), and only when the body is larger than the general limit
  (or of unknown length), so ordinary requests cost no database trip here. The view still
  checks everything else (permissions, CSRF, the form).
- A declared `Content-Length` above the limit is answered 413 before the body is touched; a body
  without one (chunked) is counted as it arrives and answered 413 as soon as it passes the
  limit. Django then sees a disconnect and stops quietly.

The server in front still receives what the client sends: Daphne (Twisted) buffers a request
body in a temporary file before it calls the application, which is why the reverse proxy caps
bodies as well (`client_max_body_size`, see README).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from members.selectors import is_network_member
from members.socket_auth import in_database_thread, session_key_of, signed_in_account

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class RequestBodyLimit:
    """ASGI wrapper around Django's HTTP application; websockets do not pass through it."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        try:
            declared = _content_length(headers)
        except ValueError:
            await _respond(send, 400, _("Die Anfrage hat eine ungültige Längenangabe."))
            return
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        upload_limit = _upload_limit(scope["path"])
        unknown_length = declared is None and b"chunked" in headers.get(b"transfer-encoding", b"")
        if (
            upload_limit > limit
            and (unknown_length or (declared or 0) > limit)
            and await in_database_thread(_may_upload, session_key_of(scope))
        ):
            limit = upload_limit
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return

        received = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _content_length(headers: dict[bytes, bytes]) -> int | None:
    """The declared body length; ValueError when it is not a number of bytes."""
    value = headers.get(b"content-length")
    if value is None:
        return None
    length = int(value)
    if length < 0:
        raise ValueError(value)
    return length


def _upload_limit(path: str) -> int:
    """The body limit of the upload form at this path; 0 where nothing is uploaded."""
    return max(
        (
            limit
            for prefix, limit in settings.KOLLEGIUM_UPLOAD_BODY_LIMITS.items()
            if path.startswith(prefix)
        ),
        default=0,
    )


def _may_upload(session_key: str | None) -> bool:
    account = signed_in_account(session_key)
    return account is not None and is_network_member(account)


async def _refuse(send: Send, limit: int) -> None:
    await _respond(
        send,
        413,
        _(
            "Die gesendeten Daten sind zu groß: Hier sind höchstens %(limit)s erlaubt. Bitte "
            "wählen Sie kleinere oder weniger Dateien."
        )
        % {"limit": filesizeformat(limit)},
    )


async def _respond(send: Send, status: int, message: str) -> None:
    """A short German page; the connection closes, as the body was not read."""
    title = html.escape(_("Anfrage nicht angenommen"))
    body = (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>{html.escape(message)}</p></body></html>\n"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
