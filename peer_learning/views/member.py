"""A signed-in member's own pages: registering and cancelling, feedback, certificates, the
learning history and the personal calendar feed. Thin: read input, call a service or selector,
render. Services raise ValidationError (shown to the member) or PermissionDenied (403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.csv_export import csv_response
from core.links import absolute_url
from core.ratelimit import rate_limited
from members.http import AuthenticatedHttpRequest
from peer_learning import selectors, services
from peer_learning.calendar import sessions_calendar
from peer_learning.certificate import certificate_pdf
from peer_learning.forms import FeedbackForm
from peer_learning.models import CalendarFeed, Registration, RegistrationStatus
from peer_learning.views.shared import _error_text, _visible_session_or_404


def _next_target(request: HttpRequest, fallback: str) -> str:
    """Where a form returns to: the `next` it carries when that stays on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(_next_target(request, fallback))


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
@require_http_methods(["GET", "POST"])
@rate_limited("registration", limit=30, period=60)
def session_unregister(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancels the signed-in member's own registration; others' cannot be addressed.

    Asks first: the session page's button and a plain GET show a confirmation form, and only
    its POST with `confirm` cancels. Works without JavaScript."""
    session = _visible_session_or_404(pk)
    session_url = reverse("peer_learning:session", args=[session.pk])
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            services.registration_cancel(session_id=session.pk, user=request.user)
        except Registration.DoesNotExist as missing:
            raise Http404(_("Sie sind für diesen Termin nicht angemeldet.")) from missing
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Ihre Anmeldung ist storniert. Danke, dass Sie Ihren Platz freigeben."),
            )
        return _back(request, session_url)
    view = selectors.session_view(session=session, viewer=request.user)
    if view.registration is None or view.registration.status == RegistrationStatus.CANCELLED:
        raise Http404(_("Sie sind für diesen Termin nicht angemeldet."))
    return render(
        request,
        "peer_learning/registration_cancel.html",
        {"view": view, "session": session, "next": _next_target(request, session_url)},
    )


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
    feed_url = absolute_url("peer_learning:feed", feed.token)
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
