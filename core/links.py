"""Absolute links to the site, built from its configured address.

Mails, calendar files and texts stored for later (a practice page that cites its thread) have
no request to take a host from, and a request's Host header is what the client sent. Every
absolute link therefore starts with WAGTAILADMIN_BASE_URL, the address the site is served at.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def site_base_url() -> str:
    """The configured address of the site, without a trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path_or_viewname: str, *args: Any, **kwargs: Any) -> str:
    """The absolute address of a path ("/lernen/") or of a URL name with its arguments.

    An empty path is the site's own address.
    """
    if not path_or_viewname or path_or_viewname.startswith("/"):
        path = path_or_viewname
    else:
        path = reverse(path_or_viewname, args=args or None, kwargs=kwargs or None)
    return site_base_url() + path
