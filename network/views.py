"""Follow and Merken buttons, the Merkliste and the "Gefolgt" page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from core.ratelimit import rate_limited
from core.toggles import requested_state, toggle_response
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member
from network.models import BookmarkKind, FollowKind
from network.selectors import bookmark_target, bookmarks, follow_entries, follow_target
from network.services import bookmark_set, follow_set

# Clicks per member and minute: enough to tidy up a list, too few to script.
TOGGLE_LIMIT = 30
TOGGLE_PERIOD = 60
FOLLOWED_HEADINGS = {
    FollowKind.TOPIC: _lazy("Themen"),
    FollowKind.CHANNEL: _lazy("Kanäle"),
    FollowKind.PERSON: _lazy("Personen"),
    FollowKind.ORGANISATION: _lazy("Organisationen"),
}


def _require_network_member(request: HttpRequest) -> None:
    if not is_network_member(request.user):
        raise PermissionDenied(_("Diese Funktion gibt es für freigeschaltete Mitglieder."))


@login_required
@require_POST
@rate_limited("network-follow", limit=TOGGLE_LIMIT, period=TOGGLE_PERIOD)
def follow(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    _require_network_member(request)
    if kind not in FollowKind.values:
        raise Http404
    target = follow_target(viewer=request.user, kind=FollowKind(kind), pk=pk)
    if target is None:
        raise Http404(_("Das gibt es nicht oder Sie können ihm nicht folgen."))
    following = follow_set(member=request.user, target=target, following=requested_state(request))
    return toggle_response(
        request,
        pressed=following,
        fallback_url=reverse("network:following"),
        message=(
            _("Sie folgen jetzt „%(name)s“.")
            if following
            else _("Sie folgen „%(name)s“ nicht mehr.")
        )
        % {"name": _target_name(target)},
    )


def _target_name(target: object) -> str:
    profile = getattr(target, "profile", None)
    return profile.display_name if profile is not None else str(target)


@login_required
@require_POST
@rate_limited("network-bookmark", limit=TOGGLE_LIMIT, period=TOGGLE_PERIOD)
def bookmark(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    _require_network_member(request)
    if kind not in BookmarkKind.values:
        raise Http404
    target = bookmark_target(viewer=request.user, kind=BookmarkKind(kind), pk=pk)
    if target is None:
        raise Http404(_("Das gibt es nicht oder Sie dürfen es nicht lesen."))
    kept = bookmark_set(member=request.user, target=target, kept=requested_state(request))
    return toggle_response(
        request,
        pressed=kept,
        fallback_url=reverse("network:bookmarks"),
        message=_("Auf Ihrer Merkliste.") if kept else _("Von Ihrer Merkliste entfernt."),
    )


@login_required
@require_GET
def bookmark_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Merkliste": what the member kept, newest first, as far as they may still read it."""
    _require_network_member(request)
    return render(
        request,
        "network/bookmark_list.html",
        {"entries": bookmarks(member=request.user, request=request)},
    )


@login_required
@require_GET
def following(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Gefolgt": topics, channels, people and organisations, each with its button."""
    _require_network_member(request)
    groups = follow_entries(member=request.user)
    return render(
        request,
        "network/following.html",
        {
            "groups": [(FOLLOWED_HEADINGS[kind], entries) for kind, entries in groups.items()],
            "is_empty": not any(groups.values()),
        },
    )
