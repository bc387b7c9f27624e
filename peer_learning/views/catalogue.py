"""The public catalogue: courses, upcoming sessions, the month view, a session's page and its
calendar file. Open to everyone, signed in or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peer_learning import selectors
from peer_learning.calendar import google_calendar_link, outlook_calendar_link, sessions_calendar
from peer_learning.forms import CatalogueFilterForm, SessionFilterForm
from peer_learning.models import CatalogueIndexPage
from peer_learning.views.shared import _visible_session_or_404

PAGE_SIZE = 20


def _page(request: HttpRequest, items: QuerySet[Any]) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("seite"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("seite", None)
    return query.urlencode()


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = selectors.CatalogueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CatalogueFilters(
            query=data["q"].strip(),
            topic=data["thema"].slug if data["thema"] else "",
            format=data["format"],
        )
    page = _page(request, selectors.catalogue_courses(filters=filters))
    return render(
        request,
        "peer_learning/catalogue.html",
        {
            "form": form,
            "page": page,
            "cards": selectors.course_cards(courses=page.object_list, viewer=request.user),
            "index": CatalogueIndexPage.objects.live().first(),
            "query_string": _query_without_page(request),
        },
        status=400 if form.errors else 200,
    )


def _session_filters(form: SessionFilterForm) -> selectors.SessionFilters:
    if not form.is_valid():
        return selectors.SessionFilters()
    data = form.cleaned_data
    return selectors.SessionFilters(
        topic=data["thema"].slug if data["thema"] else "",
        format=data["format"],
        delivery=data["durchfuehrung"],
        date_from=data["von"],
        date_to=data["bis"],
        free_seats_only=data["freie_plaetze"],
    )


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    page = _page(request, selectors.upcoming_sessions(filters=_session_filters(form)))
    return render(
        request,
        "peer_learning/session_list.html",
        {
            "form": form,
            "page": page,
            "cards": selectors.session_cards(sessions=page.object_list, viewer=request.user),
            "query_string": _query_without_page(request),
            "month": timezone.localdate().strftime("%Y-%m"),
        },
        status=400 if form.errors else 200,
    )


def _month_of(value: str | None) -> dt.date:
    today = timezone.localdate().replace(day=1)
    if not value:
        return today
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return today
    return month if 2000 <= month.year <= 2100 else today


@require_GET
def session_month(request: HttpRequest) -> HttpResponse:
    month = _month_of(request.GET.get("monat"))
    form = SessionFilterForm(request.GET or None)
    weeks = selectors.month_calendar(
        year=month.year, month=month.month, filters=_session_filters(form)
    )
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("monat", None)
    return render(
        request,
        "peer_learning/session_month.html",
        {
            "form": form,
            "weeks": weeks,
            "month": month,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "query_string": query.urlencode(),
        },
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _visible_session_or_404(pk)
    view = selectors.session_view(session=session, viewer=request.user)
    with_link = bool(view.meeting_url)
    return render(
        request,
        "peer_learning/session_detail.html",
        {
            "view": view,
            "session": session,
            "session_channel": selectors.session_channel(session=session, viewer=request.user),
            "google_link": google_calendar_link(session, with_meeting_link=with_link),
            "outlook_link": outlook_calendar_link(session, with_meeting_link=with_link),
        },
    )


@require_GET
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = _visible_session_or_404(pk)
    with_link = selectors.may_see_meeting_link(session=session, user=request.user)
    response = HttpResponse(
        sessions_calendar([session], with_meeting_link=with_link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="kollegium-termin-{session.pk}.ics"'
    if with_link:
        response["Cache-Control"] = "private, no-store"
    return response
