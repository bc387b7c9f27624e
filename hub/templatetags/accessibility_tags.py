from django import template

from hub.accessibility.selectors import accessibility_statement_url

register = template.Library()


@register.simple_tag
def statement_url() -> str:
    """The accessibility statement's address for the footer, empty while none is published."""
    return accessibility_statement_url()
