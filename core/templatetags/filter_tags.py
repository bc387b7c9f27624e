"""How many filters of a filter form are set, for the "Filter (n)" control that folds the
filters away on phones."""

from django import forms, template
from django.http import QueryDict

register = template.Library()


@register.filter
def active_filter_count(form: forms.Form) -> int:
    """The visible fields of a bound GET filter form that carry a value; hidden fields (the
    month shown, the page) are the view's state, not filters."""
    if not isinstance(form.data, QueryDict):
        return 0
    data = form.data
    return len(
        [
            field
            for field in form.visible_fields()
            if any(value.strip() for value in data.getlist(field.html_name))
        ]
    )
