"""Site views of the knowledge area: topic pages and the members' own contributions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.page_cache import cache_for_anonymous
from core.ratelimit import rate_limit_exceeded, rate_limited
from core.toggles import requested_state, toggle_response
from hub.knowledge.forms import ContributionForm
from hub.knowledge.selectors import (
    member_submissions,
    own_submission,
    practice_feedback,
    readable_practice_page,
    topic_page_context,
)
from hub.knowledge.services import (
    ReuseNeedsOrganisation,
    SubmissionNotRevisable,
    practice_helpful_set,
    practice_reuse_set,
    practice_submission_create,
    practice_submission_revise,
    revisable_state,
)
from hub.models import PracticePage
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member

# Submissions and revisions per member and hour: generous for real work, a wall for scripts.
SUBMISSION_LIMIT = 10
SUBMISSION_PERIOD = 3600
# Feedback clicks per member and minute: enough to change one's mind, too few to script.
FEEDBACK_LIMIT = 30
FEEDBACK_PERIOD = 60


@require_GET
@cache_for_anonymous
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """All published articles of a topic, then what other features contribute to it."""
    context = topic_page_context(slug=slug, request=request)
    if context is None:
        raise Http404(_("Dieses Thema gibt es nicht."))
    return render(request, "hub/topic.html", context)


def _require_network_member(request: HttpRequest) -> None:
    if not is_network_member(request.user):
        raise PermissionDenied(
            _("Beiträge einreichen können Mitglieder, deren Konto freigeschaltet ist.")
        )


def _over_limit(request: HttpRequest, form: ContributionForm) -> bool:
    if rate_limit_exceeded(
        scope="practice-submission",
        key=str(request.user.pk),
        limit=SUBMISSION_LIMIT,
        period=SUBMISSION_PERIOD,
    ):
        form.add_error(
            None,
            _(
                "Sie haben in der letzten Stunde sehr viele Beiträge gespeichert. Bitte warten "
                "Sie etwas und senden Sie das Formular dann erneut ab; Ihre Eingaben bleiben "
                "erhalten."
            ),
        )
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_network_member(request)
    form = ContributionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and not _over_limit(request, form):
        practice_submission_create(author=request.user, contribution=form.contribution())
        messages.success(
            request,
            _("Danke! Ihr Beitrag ist bei der Redaktion. Den Stand sehen Sie hier."),
        )
        return redirect("knowledge:my_contributions")
    status = 429 if form.errors and form.non_field_errors() else 400 if form.errors else 200
    return render(request, "hub/contribution_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The author changes their own submission; anyone else's is a 404."""
    _require_network_member(request)
    page = own_submission(user=request.user, pk=pk)
    if page is None:
        raise Http404(_("Diesen Beitrag gibt es nicht oder er ist nicht Ihrer."))
    try:
        revisable_state(page)
    except SubmissionNotRevisable as reason:
        messages.warning(request, str(reason))
        return redirect("knowledge:my_contributions")
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        initial=None if request.method == "POST" else ContributionForm.initial_for(page),
    )
    if request.method == "POST" and form.is_valid() and not _over_limit(request, form):
        try:
            practice_submission_revise(
                page=page, author=request.user, contribution=form.contribution()
            )
        except SubmissionNotRevisable as reason:
            messages.warning(request, str(reason))
            return redirect("knowledge:my_contributions")
        messages.success(request, _("Ihre Änderungen sind bei der Redaktion."))
        return redirect("knowledge:my_contributions")
    status = 429 if form.errors and form.non_field_errors() else 400 if form.errors else 200
    return render(
        request, "hub/contribution_form.html", {"form": form, "submission": page}, status=status
    )


@login_required
@require_GET
def my_contributions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Meine Beiträge": every submission with its status and the editors' comment."""
    return render(
        request,
        "hub/my_contributions.html",
        {"submissions": member_submissions(user=request.user)},
    )


def _feedback_page(request: HttpRequest, pk: int) -> PracticePage:
    if not is_network_member(request.user):
        raise PermissionDenied(_("Rückmeldungen geben Mitglieder, deren Konto freigeschaltet ist."))
    page = readable_practice_page(pk=pk)
    if page is None:
        raise Http404(_("Diesen Beitrag gibt es nicht."))
    return page


@login_required
@require_POST
@rate_limited("practice-feedback", limit=FEEDBACK_LIMIT, period=FEEDBACK_PERIOD)
def helpful(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Hilfreich": one mark per member and article, set or taken back."""
    page = _feedback_page(request, pk)
    marked = practice_helpful_set(member=request.user, page=page, helpful=requested_state(request))
    return toggle_response(
        request,
        pressed=marked,
        fallback_url=page.url or "/",
        message=_("Danke für Ihre Rückmeldung.") if marked else _("Markierung entfernt."),
        count_text=practice_feedback(page=page, viewer=request.user).helpful_text,
    )


@login_required
@require_POST
@rate_limited("practice-feedback", limit=FEEDBACK_LIMIT, period=FEEDBACK_PERIOD)
def reuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Nutzen wir auch": the member's administration is listed on the article."""
    page = _feedback_page(request, pk)
    try:
        reused = practice_reuse_set(member=request.user, page=page, reused=requested_state(request))
    except ReuseNeedsOrganisation as reason:
        messages.warning(request, str(reason))
        return redirect("members:profile_edit")
    return toggle_response(
        request,
        pressed=reused,
        fallback_url=page.url or "/",
        message=(
            _("Ihre Verwaltung steht jetzt beim Beitrag.")
            if reused
            else _("Ihre Verwaltung steht nicht mehr beim Beitrag.")
        ),
    )
