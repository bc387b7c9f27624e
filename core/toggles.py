"""On/off buttons ("Folgen", "Merken", "Hilfreich"): one request and answer shape for all apps.

A toggle form posts the state the member wants (`an=ja` or `an=nein`), not "switch", so a
form sent twice changes nothing more. Without script the answer is a redirect back to where
the member was; the site script (hub/static/js/site.js) sends the form by fetch and gets JSON
to update the button's `aria-pressed` in place (`templates/includes/toggle_button.html`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

TOGGLE_FIELD = "an"


def requested_state(request: HttpRequest) -> bool:
    """Whether the member wants the toggle on (anything but `an=nein`)."""
    return request.POST.get(TOGGLE_FIELD) != "nein"


def sent_by_script(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def toggle_response(
    request: HttpRequest,
    *,
    pressed: bool,
    fallback_url: str,
    message: str,
    count_text: str | None = None,
) -> HttpResponse:
    """The state after the write: JSON for the script, else a redirect to the page the form
    named in `next` (on this site only), or to `fallback_url`."""
    if sent_by_script(request):
        return JsonResponse({"pressed": pressed, "message": message, "count_text": count_text})
    messages.success(request, message)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = fallback_url
    return redirect(next_url)
