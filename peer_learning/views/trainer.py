"""Trainers' pages: offering a course ("Impuls anbieten"), the dashboard, and managing their
sessions (edit, cancel, channel, attendance, message, participants). Thin: read input, call a
service or selector, render. Services raise ValidationError (shown to the member) or
PermissionDenied (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.csv_export import csv_response
from core.ratelimit import rate_limited
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member
from peer_learning import selectors, services, wish_selectors, wish_services
from peer_learning.forms import (
    CourseForm,
    MessageForm,
    SessionForm,
    course_form_initial_from_wish,
)
from peer_learning.models import CoursePage, Registration, RegistrationStatus, Session
from peer_learning.views.shared import _error_text


def _member_required(request: HttpRequest) -> None:
    if not is_network_member(request.user):
        raise Http404(_("Diese Seite steht nur freigeschalteten Mitgliedern offen."))


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
    """ "Impuls anbieten"; with `wunsch` (from "Ich biete das an" on a learning wish) the form
    starts from the wish and the new course is linked to it."""
    _member_required(request)
    wish_id = request.POST.get("wunsch") or request.GET.get("wunsch") or ""
    wish = (
        wish_selectors.readable_wish(viewer=request.user, pk=int(wish_id))
        if wish_id.isdigit()
        else None
    )
    initial = course_form_initial_from_wish(wish) if wish is not None else None
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            course = services.course_create(
                user=request.user, data=form.course_data(), submit=submit
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if wish is not None:
                wish_services.wish_course_link(wish=wish, course=course, user=request.user)
            if submit:
                messages.success(
                    request, _("Ihr Impuls ist gespeichert und bei der Redaktion zur Prüfung.")
                )
            else:
                messages.success(request, _("Ihr Impuls ist als Entwurf gespeichert."))
            return redirect("peer_learning:dashboard")
    return render(
        request,
        "peer_learning/course_form.html",
        {"form": form, "course": None, "wish": wish},
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
        submit = "submit" in request.POST
        try:
            services.course_update(
                course_id=course.pk, user=request.user, data=form.course_data(), submit=submit
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if submit:
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
