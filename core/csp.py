"""Content-Security-Policy header (django-csp), configured by CONTENT_SECURITY_POLICY.

The site's own pages need no nonce: they have no inline script or style. Only the Wagtail
admin does, and there each piece of inline code gets the response's nonce (`script_nonce`).
django-csp writes the nonce into the header only when a response used it, so pages of the site
(also those kept by the page cache) are served with plain 'self'.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, cast

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class _CspRequest(HttpRequest):
    """A request past the middleware below, with what django-csp and this middleware add."""

    csp_nonce: Any  # django-csp's lazy nonce: str() makes it, and marks the response
    _csp_context_token: Token[_CspRequest | None]


_current_request: ContextVar[_CspRequest | None] = ContextVar("csp_request", default=None)
# Wagtail's own BaseChooser.render, kept so a test notices when a new Wagtail renders differently.
wagtail_chooser_render: Callable[..., SafeString] | None = None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with frame-ancestors following X-Frame-Options.

    The policy forbids framing ('none', like X_FRAME_OPTIONS = "DENY"). Views that Django or
    Wagtail allow to be framed by the site itself (Wagtail's preview panel and block previews
    answer "X-Frame-Options: SAMEORIGIN", and previews are shown there) get frame-ancestors
    'self', since browsers that understand frame-ancestors ignore X-Frame-Options.

    Responses of the Wagtail admin get the additions of KOLLEGIUM_ADMIN_CSP_UPDATE.

    It also makes the request known to `script_nonce`, for code that renders HTML without a
    request at hand (form widgets).
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        csp_request = cast(_CspRequest, request)
        csp_request._csp_context_token = _current_request.set(csp_request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        token = getattr(request, "_csp_context_token", None)
        if token is not None:
            _current_request.reset(token)
        return response

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        framed_by_site = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        # Wagtail renders a preview through the whole middleware stack with a request of its
        # own (is_preview), before its view marks the answer SAMEORIGIN.
        if framed_by_site or getattr(request, "is_preview", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        if not report_only and request.path_info.startswith(reverse("wagtailadmin_home")):
            update = dict(parts.update or {})
            for directive, sources in settings.KOLLEGIUM_ADMIN_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, ()), *sources]
            parts.update = update
        return parts


def script_nonce() -> str:
    """The current response's nonce, which django-csp then writes into its header; empty
    outside a request, which leaves the inline code blocked rather than allowed."""
    request = _current_request.get()
    return str(request.csp_nonce) if request is not None else ""


def _chooser_render(
    self: Any, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
) -> SafeString:
    """BaseChooser.render of Wagtail 8.0, with the nonce on its initialising script."""
    try:
        id_ = attrs["id"]  # type: ignore[index]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    js = self.render_js_init(id_, name, value_data)
    # The script is Wagtail's own: a constructor called with JSON-encoded arguments.
    script = mark_safe(js)  # noqa: S308
    return format_html('{}<script nonce="{}">{}</script>', widget_html, script_nonce(), script)


def install_wagtail_script_nonces() -> None:
    """Wagtail's chooser widgets (pages, images, documents, snippets, our member chooser) end
    with an inline <script> built in Python, out of reach of template overrides; render them
    with the nonce instead (wagtail/wagtail#1288 tracks inline code in the admin)."""
    from wagtail.admin.widgets.chooser import BaseChooser

    global wagtail_chooser_render
    if BaseChooser.render is not _chooser_render:
        wagtail_chooser_render = BaseChooser.render
        BaseChooser.render = _chooser_render
