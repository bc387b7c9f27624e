"""Member and trainer pages of the catalogue. Thin: read input, call a service or selector,
render. Services raise ValidationError (shown to the member) or PermissionDenied (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.csv_export import csv_response
from hub.ratelimit import rate_limited
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member
from peer_learning import selectors, services
from peer_learning.calendar import (
    google_calendar_link,
    outlook_calendar_link,
    sessions_calendar,
)
from peer_learning.certificate import certificate_pdf
from peer_learning.forms import (
    CatalogueFilterForm,
    CourseForm,
    FeedbackForm,
    MessageForm,
    SessionFilterForm,
    SessionForm,
)
from peer_learning.models import (
    CalendarFeed,
    CatalogueIndexPage,
    CoursePage,
    Registration,
    RegistrationStatus,
    Session,
)

PAGE_SIZE = 20


def _page(request: HttpRequest, items: QuerySet[Any]) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("seite"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("seite", None)
    return query.urlencode()


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _member_required(request: HttpRequest) -> None:
    if not is_network_member(request.user):
        raise Http404(_("Diese Seite steht nur freigeschalteten Mitgliedern offen."))


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
    return render(
        request,
        "peer_learning/catalogue.html",
        {
            "form": form,
            "page": _page(request, selectors.catalogue_courses(filters=filters)),
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
    sessions = selectors.upcoming_sessions(filters=_session_filters(form))
    return render(
        request,
        "peer_learning/session_list.html",
        {
            "form": form,
            "page": _page(request, sessions),
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


def _visible_session_or_404(pk: int) -> Session:
    session = selectors.visible_session(pk=pk)
    if session is None:
        raise Http404(_("Diesen Termin gibt es nicht."))
    return session


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


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
@rate_limited("registration", limit=30, period=60)
def session_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Registers the signed-in member only: nothing in the request can name someone else."""
    session = _visible_session_or_404(pk)
    try:
        outcome = services.registration_create(session_id=session.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        registration = outcome.registration
        if not outcome.created:
            messages.info(request, _("Sie sind für diesen Termin bereits angemeldet."))
        elif registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("Sie sind angemeldet. Die Bestätigung kommt per E-Mail."))
        else:
            messages.success(
                request,
                _(
                    "Der Termin ist ausgebucht. Sie stehen auf der Warteliste und rücken "
                    "automatisch nach, sobald ein Platz frei wird."
                ),
            )
    return _back(request, reverse("peer_learning:session", args=[session.pk]))


@login_required
@require_POST
@rate_limited("registration", limit=30, period=60)
def session_unregister(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancels the signed-in member's own registration; others' cannot be addressed."""
    session = _visible_session_or_404(pk)
    try:
        services.registration_cancel(session_id=session.pk, user=request.user)
    except Registration.DoesNotExist as missing:
        raise Http404(_("Sie sind für diesen Termin nicht angemeldet.")) from missing
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Sie sind abgemeldet. Danke, dass Sie Ihren Platz freigeben."))
    return _back(request, reverse("peer_learning:session", args=[session.pk]))


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


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("feedback", limit=10, period=60)
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = selectors.attended_registration(session_id=pk, user=request.user)
    if registration is None:
        raise Http404(_("Rückmeldungen können nur Personen geben, die teilgenommen haben."))
    existing = getattr(registration, "feedback", None)
    initial = {"rating": existing.rating, "comment": existing.comment} if existing else None
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                session_id=pk,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Danke für Ihre Rückmeldung!"))
            return redirect("peer_learning:history")
    return render(
        request,
        "peer_learning/feedback_form.html",
        {"form": form, "registration": registration},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = selectors.attended_registration(session_id=pk, user=request.user)
    if registration is None:
        raise Http404(_("Eine Teilnahmebescheinigung gibt es nur nach erfasster Teilnahme."))
    trainers = registration.session.course.trainers.select_related("profile")
    pdf = certificate_pdf(
        registration=registration,
        participant_name=request.user.get_full_name() or request.user.profile.display_name,
        trainer_names=[trainer.profile.display_name for trainer in trainers],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="teilnahmebescheinigung-{registration.session.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "peer_learning/history.html",
        {
            "upcoming": selectors.upcoming_registrations(user=request.user),
            "attended": selectors.learning_history(user=request.user),
        },
    )


@login_required
@require_GET
def history_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    return csv_response(
        filename="meine-lernhistorie.csv",
        header=[_("Impuls"), _("Datum"), _("Dauer (Minuten)"), _("Format")],
        rows=(
            _history_row(registration)
            for registration in selectors.learning_history(user=request.user)
        ),
    )


def _history_row(registration: Registration) -> list[Any]:
    session = registration.session
    return [
        session.course.title,
        timezone.localtime(session.starts_at).strftime("%d.%m.%Y %H:%M"),
        session.course.duration_minutes,
        session.course.get_format_display(),
    ]


# Personal calendar feed


@login_required
@require_GET
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = services.calendar_feed_get(user=request.user)
    feed_url = request.build_absolute_uri(reverse("peer_learning:feed", args=[feed.token]))
    return render(
        request,
        "peer_learning/calendar_settings.html",
        {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]},
    )


@login_required
@require_POST
@rate_limited("calendar_feed", limit=5, period=3600)
def calendar_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.calendar_feed_regenerate(user=request.user)
    messages.success(
        request, _("Neue Kalender-Adresse erstellt. Die alte Adresse funktioniert nicht mehr.")
    )
    return redirect("peer_learning:calendar")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret address is the credential: calendar apps cannot sign in."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404(_("Diese Kalender-Adresse gilt nicht (mehr)."))
    sessions = selectors.feed_sessions(user=feed.user)
    return HttpResponse(
        sessions_calendar(sessions, with_meeting_link=True, name="Kollegium – meine Termine"),
        content_type="text/calendar; charset=utf-8",
    )


# Trainers: "Impuls anbieten" and the dashboard


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member_required(request)
    courses = [
        (course, selectors.course_review_state(course=course))
        for course in selectors.trainer_courses(user=request.user)
    ]
    return render(request, "peer_learning/dashboard.html", {"courses": courses})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("course_write", limit=20, period=3600)
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member_required(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.course_create(user=request.user, data=form.course_data())
        if "submit" in request.POST:
            services.course_submit(course_id=course.pk, user=request.user)
            messages.success(
                request, _("Ihr Impuls ist gespeichert und bei der Redaktion zur Prüfung.")
            )
        else:
            messages.success(request, _("Ihr Impuls ist als Entwurf gespeichert."))
        return redirect("peer_learning:dashboard")
    return render(
        request,
        "peer_learning/course_form.html",
        {"form": form, "course": None},
        status=400 if form.errors else 200,
    )


def _own_course_or_404(request: AuthenticatedHttpRequest, pk: int) -> CoursePage:
    course = selectors.trainer_course(pk=pk, user=request.user)
    if course is None:
        raise Http404(_("Diesen Impuls gibt es nicht oder Sie betreuen ihn nicht."))
    return course


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("course_write", limit=20, period=3600)
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    course = _own_course_or_404(request, pk)
    draft = course.get_latest_revision_as_object()
    form = CourseForm.for_course(draft, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(course_id=course.pk, user=request.user, data=form.course_data())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if "submit" in request.POST:
                services.course_submit(course_id=course.pk, user=request.user)
                messages.success(request, _("Ihre Änderungen sind bei der Redaktion zur Prüfung."))
            else:
                messages.success(request, _("Ihre Änderungen sind als Entwurf gespeichert."))
            return redirect("peer_learning:dashboard")
    return render(
        request,
        "peer_learning/course_form.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@rate_limited("course_write", limit=20, period=3600)
def course_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    course = _own_course_or_404(request, pk)
    try:
        services.course_submit(course_id=course.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Ihr Impuls ist bei der Redaktion zur Prüfung."))
    return redirect("peer_learning:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("session_write", limit=30, period=3600)
def session_create(request: AuthenticatedHttpRequest, course_pk: int) -> HttpResponse:
    _member_required(request)
    course = _own_course_or_404(request, course_pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                course=course, user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Der Termin ist angelegt."))
            return redirect("peer_learning:session_manage", pk=session.pk)
    return render(
        request,
        "peer_learning/session_form.html",
        {"form": form, "course": course, "session": None},
        status=400 if form.errors else 200,
    )


def _own_session_or_404(request: AuthenticatedHttpRequest, pk: int) -> Session:
    session = selectors.trainer_session(pk=pk, user=request.user)
    if session is None:
        raise Http404(_("Diesen Termin gibt es nicht oder Sie betreuen ihn nicht."))
    return session


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("session_write", limit=30, period=3600)
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    form = SessionForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "delivery": session.delivery,
            "location": session.location,
            "meeting_url": session.meeting_url,
            "capacity": session.capacity,
            "registration_deadline": (
                timezone.localtime(session.registration_deadline)
                if session.registration_deadline
                else None
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                session_id=session.pk, user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Der Termin ist gespeichert."))
            return redirect("peer_learning:session_manage", pk=session.pk)
    return render(
        request,
        "peer_learning/session_form.html",
        {"form": form, "course": session.course, "session": session},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@rate_limited("session_write", limit=30, period=3600)
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    try:
        services.session_cancel(session_id=session.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Der Termin ist abgesagt; alle Angemeldeten werden informiert.")
        )
    return redirect("peer_learning:session_manage", pk=session.pk)


@login_required
@require_POST
@rate_limited("session_write", limit=30, period=3600)
def session_channel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    had_channel = session.channel_id is not None
    try:
        channel = services.session_channel_open(session_id=session.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("peer_learning:session_manage", pk=session.pk)
    if not had_channel:
        messages.success(
            request,
            _("Der Kanal ist angelegt. Trainer*innen und alle mit Platz sind Mitglieder."),
        )
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_GET
def session_manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    participants = list(selectors.session_participants(session=session))
    return render(
        request,
        "peer_learning/session_manage.html",
        {
            "session": session,
            "seat_holders": [item for item in participants if item.holds_seat],
            "waiting": [
                item for item in participants if item.status == RegistrationStatus.WAITLISTED
            ],
            "feedback": selectors.session_feedback(session=session),
            "rating": selectors.course_average_rating(course=session.course),
            "message_form": MessageForm(),
            "session_channel": selectors.session_channel(session=session, viewer=request.user),
        },
    )


@login_required
@require_POST
@rate_limited("attendance", limit=60, period=3600)
def session_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    raw = request.POST.getlist("attended")
    if not all(value.isdigit() for value in raw):
        messages.error(request, _("Die Auswahl ist ungültig. Bitte erneut versuchen."))
        return redirect("peer_learning:session_manage", pk=session.pk)
    try:
        count = services.attendance_record(
            session_id=session.pk, user=request.user, attended_ids={int(value) for value in raw}
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Anwesenheit gespeichert: %(count)d Teilnehmende.") % {"count": count}
        )
    return redirect("peer_learning:session_manage", pk=session.pk)


@login_required
@require_POST
@rate_limited("trainer_message", limit=5, period=3600)
def session_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(map(str, errors)))
        return redirect("peer_learning:session_manage", pk=session.pk)
    count = services.session_message_send(
        session_id=session.pk,
        user=request.user,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
    )
    messages.success(
        request, _("Nachricht an %(count)d Teilnehmende verschickt.") % {"count": count}
    )
    return redirect("peer_learning:session_manage", pk=session.pk)


@login_required
@require_GET
def session_participants_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    session = _own_session_or_404(request, pk)
    return csv_response(
        filename=f"teilnehmende-{session.pk}.csv",
        header=[_("Name"), _("E-Mail"), _("Organisation"), _("Status"), _("Angemeldet am")],
        rows=(
            _participant_row(registration)
            for registration in selectors.session_participants(session=session)
        ),
    )


def _participant_row(registration: Registration) -> list[str]:
    user = registration.user
    profile = getattr(user, "profile", None) if user else None
    return [
        profile.display_name if profile else _("ehemaliges Mitglied"),
        user.email if user else "",
        profile.organisation.name if profile and profile.organisation else "",
        registration.get_status_display(),
        timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
    ]
