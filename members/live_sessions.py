"""Open websockets end with the session or the account they belong to.

A logout closes the sockets of that session; an account that may no longer take part
(deactivated, declined, deleted) loses all of its sockets. The consumer re-reads the account
for every frame the member sends anyway (`members.consumers.LiveConsumer.still_signed_in`); these
receivers close the sockets at once, so an open tab stops receiving too and says that the
member was signed out.

Signals, because accounts change outside our services: allauth's and Django's logout, Wagtail's
and Django's user editors (is_active), the editors' decline (`members.services.account_decline`
saves the account like any other write) and deletions of every kind.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from core.fanout import channel_layer
from core.realtime import signed_out_event
from members.models import User


def sockets_end_on_commit(*, user_id: int, session_key: str | None = None) -> None:
    """Close the member's sockets of one session, or all of them, once the change is committed
    (at once outside a transaction): a rolled-back change signs nobody out."""
    event = signed_out_event(user_id, session_key)

    def send() -> None:
        async_to_sync(channel_layer().group_send)(event["group"], event)

    transaction.on_commit(send)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Sent before the session is flushed, so its key still names the sockets to close.
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and session_key:
        sockets_end_on_commit(user_id=user.pk, session_key=session_key)


def _account_saved(
    sender: Any,
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # A login's last_login stamp changes nothing about who may take part; a new account has
    # no sockets yet.
    if created or update_fields == frozenset({"last_login"}):
        return
    if not instance.is_network_member:
        sockets_end_on_commit(user_id=instance.pk)


def _account_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    sockets_end_on_commit(user_id=instance.pk)


def connect_receivers() -> None:
    """Called from `HubConfig.ready()`."""
    user_logged_out.connect(_logged_out, dispatch_uid="live_sessions_logout")
    post_save.connect(_account_saved, sender=User, dispatch_uid="live_sessions_account")
    post_delete.connect(_account_deleted, sender=User, dispatch_uid="live_sessions_deleted")
