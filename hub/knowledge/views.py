"""Site views of the knowledge area: topic pages and the members' own contributions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.page_cache import cache_for_anonymous
from core.ratelimit import rate_limit_exceeded
from hub.knowledge.forms import ContributionForm
from hub.knowledge.selectors import member_submissions, own_submission, topic_page_context
from hub.knowledge.services import (
    SubmissionNotRevisable,
    practice_submission_create,
    practice_submission_revise,
    revisable_state,
)
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member

# Submissions and revisions per member and hour: generous for real work, a wall for scripts.
SUBMISSION_LIMIT = 10
SUBMISSION_PERIOD = 3600


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
