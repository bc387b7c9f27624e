"""The board of learning wishes ("Lernwünsche"): reading, posting a wish and "+1". Offering a
course for a wish is the course offer form (`trainer.course_create` with `?wunsch=`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.ratelimit import rate_limited
from core.toggles import requested_state, toggle_response
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member
from peer_learning import wish_selectors, wish_services
from peer_learning.forms import WishFilterForm, WishForm
from peer_learning.views.shared import _error_text

WISHES_PER_PAGE = 20


def _member_required(request: AuthenticatedHttpRequest) -> None:
    if not is_network_member(request.user):
        raise PermissionDenied(_("Lernwünsche gibt es für freigeschaltete Mitglieder."))


@login_required
@require_GET
def wish_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Most wanted first (or newest), filtered by topic."""
    _member_required(request)
    form = WishFilterForm(request.GET or None)
    topic, order = None, wish_selectors.WISH_ORDER_INTEREST
    if form.is_valid():
        topic = form.cleaned_data["topic"]
        order = form.cleaned_data["order"] or order
    wishes = wish_selectors.wish_board(viewer=request.user, topic=topic, order=order)
    page = Paginator(wishes, WISHES_PER_PAGE).get_page(request.GET.get("seite"))
    cards = wish_selectors.wish_cards(wishes=page, viewer=request.user)
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "peer_learning/wish_board.html",
        {
            "form": form,
            "page": page,
            "cards": cards,
            "wish_ids": [card.wish.pk for card in cards],
            "query_string": query.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("learning_wish", limit=10, period=3600)
def wish_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member_required(request)
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = wish_services.wish_create(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Ihr Lernwunsch ist veröffentlicht. Wer dazu etwas anbieten kann, erfährt "
                    "davon."
                ),
            )
            return redirect(f"{reverse('peer_learning:wishes')}#wunsch-{wish.pk}")
    return render(
        request,
        "peer_learning/wish_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@rate_limited("learning_wish_vote", limit=30, period=60)
def wish_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    wish = wish_selectors.readable_wish(viewer=request.user, pk=pk)
    if wish is None:
        raise Http404(_("Diesen Lernwunsch gibt es nicht."))
    try:
        voting = wish_services.wish_vote_set(
            member=request.user, wish=wish, voting=requested_state(request)
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("peer_learning:wishes")
    interest = wish.votes.count() + 1
    return toggle_response(
        request,
        pressed=voting,
        fallback_url=f"{reverse('peer_learning:wishes')}#wunsch-{wish.pk}",
        message=_("Sie möchten das auch lernen.") if voting else _("Ihre Stimme ist entfernt."),
        count_text=interest_text(interest),
    )


def interest_text(interest: int) -> str:
    """The same words as the board shows next to the button."""
    return ngettext(
        "%(count)d Person möchte das lernen", "%(count)d Personen möchten das lernen", interest
    ) % {"count": interest}
