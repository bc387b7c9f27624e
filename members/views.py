import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import AccountDeletionForm, DirectoryFilterForm, ProfileForm, TermsConsentForm
from members.http import AuthenticatedHttpRequest
from members.middleware import TERMS_PENDING_SESSION_KEY
from members.selectors import (
    DirectoryFilters,
    current_terms,
    directory_profiles,
    profile_view,
    visible_profile,
)
from members.services import (
    member_delete,
    member_ensure_profile,
    member_export,
    profile_update,
    terms_accept,
)

PAGE_SIZE = 20


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """ "Wer kann helfen?": find colleagues by expertise, administration and text."""
    form = DirectoryFilterForm(request.GET or None)
    filters = DirectoryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = DirectoryFilters(
            query=data["q"].strip(),
            expertise=data["expertise"],
            level=data["level"],
            state=data["state"],
            organisation=data["organisation"],
        )
    page = Paginator(directory_profiles(viewer=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    cards = [profile_view(profile=profile, viewer=request.user) for profile in page]
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "members/directory.html",
        {"form": form, "page": page, "cards": cards, "query_string": query.urlencode()},
    )


@require_GET
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = visible_profile(viewer=request.user, pk=pk)
    if profile is None:
        raise Http404(_("Dieses Profil gibt es nicht oder es ist nicht sichtbar."))
    return render(
        request,
        "members/profile.html",
        {"card": profile_view(profile=profile, viewer=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Members edit their own profile only: the URL names no profile that could be swapped."""
    profile = member_ensure_profile(user=request.user)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(profile=profile, data=dict(form.cleaned_data))
        messages.success(request, _("Ihr Profil wurde gespeichert."))
        return redirect("members:profile", pk=profile.pk)
    return render(
        request, "members/profile_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "members/my_data.html")


@login_required
@require_GET
def my_data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One JSON file with everything the platform holds about the member."""
    export = member_export(user=request.user)
    filename = f"kollegium-meine-daten-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountDeletionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        member_delete(user=user)
        messages.success(request, _("Ihr Konto und Ihre persönlichen Daten wurden gelöscht."))
        return redirect("/")
    return render(
        request, "members/account_delete.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    current = current_terms()
    if current is None:
        raise Http404(_("Es sind noch keine Nutzungsbedingungen veröffentlicht."))
    return render(request, "members/terms.html", {"terms": current})


@login_required
@require_http_methods(["GET", "POST"])
def terms_accept_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New terms are in force: the member reads and accepts them before going on."""
    form = TermsConsentForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if form.terms is None:
        request.session.pop(TERMS_PENDING_SESSION_KEY, None)
        return redirect(next_url)
    if request.method == "POST" and form.is_valid():
        terms_accept(user=request.user, terms=form.terms)
        request.session.pop(TERMS_PENDING_SESSION_KEY, None)
        messages.success(request, _("Danke, Ihre Zustimmung ist gespeichert."))
        return redirect(next_url)
    return render(
        request,
        "members/terms_accept.html",
        {"form": form, "terms": form.terms, "next": next_url},
        status=400 if form.errors else 200,
    )
