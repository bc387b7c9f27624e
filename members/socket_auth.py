"""Who is on a websocket and whether the page that opened it may: the Origin check, and the
member of the session cookie.

The member is found as Django's `get_user` finds them for a request, and found again for every
frame the member sends (`signed_in_account`), so a logout, a deactivation, a decline or a
deletion counts at once, not only at the next connect. Channels' `AuthMiddlewareStack` would
keep three layers alive with every open socket (a lazy session, a lazy user and their
wrappers), and each of its trips to the database thread copies that thread's context
variables into the socket's task for good. Here one trip loads the member, in a context of its
own (`in_database_thread`), and only the member stays. Consumers get the session's key but no
session object: nothing they do writes to it.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any, TypeVar
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http.cookie import parse_cookie
from django.utils.crypto import constant_time_compare
from django.utils.http import is_same_domain

from members.models import User

Result = TypeVar("Result")


async def in_database_thread(function: Callable[..., Result], *args: Any) -> Result:
    """Run a function that uses the database on the database thread, like Channels'
    `database_sync_to_async`, without copying the thread's context variables (Django's
    translation, URL and other locals, several KiB) back into the calling task, where
    they would stay for as long as the socket is open."""
    # Channels' class passes `context` on to asgiref's SyncToAsync; its stubs leave it out.
    call = database_sync_to_async(function, context=contextvars.copy_context())  # type: ignore[call-arg]
    return await call(*args)


def signed_in_account(session_key: str | None) -> User | None:
    """The active account a session is signed in to, or None: the decision of Django's
    `get_user` (a configured backend, the session's auth hash against the current password
    under the current or a fallback secret key), one query and a session read.

    Unlike `get_user` it never writes to the session: a socket cannot hand the browser a new
    cookie, so cycling the key here (as `get_user` does for a fallback key) would sign the
    browser out. Both configured backends load the account by primary key and refuse
    inactive ones (`ModelBackend.get_user`); the role answers they add are not needed here.
    """
    if not session_key:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    try:
        user_id = User._meta.pk.to_python(session.get(SESSION_KEY))
    except ValidationError:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return None
    hashes = (user.get_session_auth_hash(), *user.get_session_auth_fallback_hash())
    if not any(constant_time_compare(session_hash, known) for known in hashes):
        return None
    return user


def session_key_of(scope: Mapping[str, Any]) -> str | None:
    cookie = next((value for name, value in scope.get("headers", ()) if name == b"cookie"), b"")
    return parse_cookie(cookie.decode("latin1")).get(settings.SESSION_COOKIE_NAME)


class SessionMemberMiddleware:
    """Put the signed-in member (or an anonymous user) into the scope as `user`, and the
    session's key as `session_key` for the checks of later frames."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        session_key = session_key_of(scope)
        user = await in_database_thread(signed_in_account, session_key)
        scope = {**scope, "user": user or AnonymousUser(), "session_key": session_key}
        return await self.inner(scope, receive, send)


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether a websocket's Origin is the site's own (scheme, host and port, as the handshake
    request names them) or one of CSRF_TRUSTED_ORIGINS: the rule Django's CsrfViewMiddleware
    applies to a POST (`_origin_verified`), on a host in ALLOWED_HOSTS. Browsers always send an
    Origin with a websocket; a handshake without one did not come from a page and is refused.
    """
    origins = [value for name, value in scope.get("headers", ()) if name == b"origin"]
    if len(origins) != 1:
        return False
    origin = origins[0].decode("latin1")
    # The handshake as Django sees a request: Host (or X-Forwarded-Host with
    # USE_X_FORWARDED_HOST) checked against ALLOWED_HOSTS, and a secure scheme from wss or from
    # SECURE_PROXY_SSL_HEADER behind a TLS-terminating proxy.
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    request = ASGIRequest({**scope, "method": "GET", "scheme": scheme}, io.BytesIO())
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    if origin == f"{request.scheme}://{host}":
        return True
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted and "*" not in origin:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    # "https://*.example.org" trusts every subdomain of example.org under that scheme.
    return any(
        parsed.scheme == pattern.scheme
        and is_same_domain(parsed.netloc, pattern.netloc.lstrip("*"))
        for pattern in (urlsplit(entry) for entry in trusted if "*" in entry)
    )


class OriginMiddleware:
    """Refuse the handshake (HTTP 403) unless `origin_allowed`: another site's page cannot open
    a socket with the member's cookie."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if not origin_allowed(scope):
            # A close before the accept: the server answers the handshake with 403.
            await receive()
            await send({"type": "websocket.close"})
            return None
        return await self.inner(scope, receive, send)
