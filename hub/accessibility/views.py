"""The statement page's own request handling: it shows the feedback form and takes its POST."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit_exceeded, rate_limit_key
from hub.accessibility.forms import AccessibilityFeedbackForm
from hub.accessibility.services import accessibility_feedback_create
from hub.knowledge.selectors import content_language

if TYPE_CHECKING:
    from hub.models import AccessibilityStatementPage

# Enough for someone reporting several barriers in one sitting, too few for a flood of mails.
FEEDBACK_LIMIT = 5
FEEDBACK_PERIOD = 3600
FORM_ANCHOR = "#rueckmeldung"


def statement_serve(
    page: AccessibilityStatementPage, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if rate_limit_exceeded(
            scope="accessibility-feedback",
            key=rate_limit_key(request),
            limit=FEEDBACK_LIMIT,
            period=FEEDBACK_PERIOD,
        ):
            form.add_error(
                None,
                _(
                    "Sie haben in der letzten Stunde bereits mehrere Rückmeldungen gesendet. "
                    "Bitte warten Sie etwas und senden Sie das Formular dann erneut ab; Ihre "
                    "Eingaben bleiben erhalten."
                ),
            )
            status = 429
        else:
            accessibility_feedback_create(**form.cleaned_data)
            messages.success(
                request,
                _(
                    "Vielen Dank für Ihre Rückmeldung! Sie ist bei der Redaktion eingegangen. "
                    "Wenn Sie eine E-Mail-Adresse angegeben haben, erhalten Sie eine Antwort."
                ),
            )
            return redirect((page.get_url(request) or "/") + FORM_ANCHOR)
    context = page.get_context(request, *args, **kwargs)
    context["feedback_form"] = form
    context["content_language"] = content_language(page)
    return TemplateResponse(request, page.get_template(request), context, status=status)
