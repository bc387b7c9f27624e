"""{% script_nonce %}: the response's Content-Security-Policy nonce (see core.csp)."""

from django import template

from core.csp import script_nonce as current_nonce

register = template.Library()


@register.simple_tag
def script_nonce() -> str:
    return current_nonce()
