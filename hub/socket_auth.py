"""Who is on a websocket: the member of the session cookie, as Django's own `get_user` finds
them for a request (backend, session hash and fallback secret keys included).

Channels' `AuthMiddlewareStack` does the same in three layers that stay alive with every open
socket (a lazy session, a lazy user and their wrappers), and each of its trips to the database
thread copies that thread's context variables into the socket's task for good. Here one trip
loads the member, in a context of its own (`in_database_thread`), and only the member stays.
Consumers get no session in the scope: nothing they do writes to it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.http.cookie import parse_cookie

Result = TypeVar("Result")


async def in_database_thread(function: Callable[..., Result], *args: Any) -> Result:
    """Run a function that uses the database on the database thread, like Channels'
    `database_sync_to_async`, without copying the thread's context variables (Django's
    translation, URL and other locals, several KiB) back into the calling task, where
    they would stay for as long as the socket is open."""
    call = database_sync_to_async(function, context=contextvars.copy_context())
    return await call(*args)


def member_for_session(session_key: str | None) -> Any:
    """The member signed in with this session key, or an anonymous user."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(SimpleNamespace(session=store))


class SessionMemberMiddleware:
    """Put the signed-in member (or an anonymous user) into the scope as `user`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        cookie = next((value for name, value in scope.get("headers", ()) if name == b"cookie"), b"")
        session_key = parse_cookie(cookie.decode("latin1")).get(settings.SESSION_COOKIE_NAME)
        user = await in_database_thread(member_for_session, session_key)
        return await self.inner({**scope, "user": user}, receive, send)
