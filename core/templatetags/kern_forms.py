"""Form fields in KERN's markup (hub/static/kern): `{{ field|kern_input }}` renders the input of
a field with KERN's class for its kind, `{{ field|kern_options }}` the options of a radio or
checkbox group, each to be set beside its own label as KERN's `kern-form-check` expects."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

# Django's `BoundField.widget_type` -> the class KERN gives that control.
CHOICE_GROUPS = {
    "radioselect": "kern-form-check__radio",
    "checkboxselectmultiple": "kern-form-check__checkbox",
}
CONTROL_CLASSES = {
    "checkbox": "kern-form-check__checkbox",
    "select": "kern-form-input__select",
    **CHOICE_GROUPS,
}
TEXT_INPUT_CLASS = "kern-form-input__input"


def _with_class(field: BoundField, attrs: dict[str, str | bool]) -> dict[str, str | bool]:
    """The widget's own classes kept, KERN's added; the error modifier where the field failed."""
    kern_class = CONTROL_CLASSES.get(field.widget_type, TEXT_INPUT_CLASS)
    classes = [field.field.widget.attrs.get("class", ""), kern_class]
    if field.errors:
        classes.append(f"{kern_class}--error")
    return {**attrs, "class": " ".join(name for name in classes if name)}


@register.filter
def kern_label(field: BoundField, marks_optional: bool = True) -> SafeString:
    """The field's label (a legend for a group) as Django writes it, with the form's label
    suffix, KERN's class and KERN's "optional" marker inside it, so that the marker is part of
    the field's name. A single checkbox is optional by nature: `marks_optional=False`."""
    suffix = field.field.label_suffix
    if suffix is None:
        suffix = field.form.label_suffix
    contents = conditional_escape(field.label)
    if suffix and contents and contents[-1] not in _(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    if marks_optional and not field.field.required:
        contents = format_html(
            '{} <span class="kern-label__optional">– {}</span>', contents, _("optional")
        )
    tag = field.legend_tag if field.use_fieldset else field.label_tag
    return tag(contents, attrs={"class": "kern-label"}, label_suffix="")


@register.filter
def kern_input(field: BoundField) -> SafeString:
    return field.as_widget(attrs=_with_class(field, {}))


@register.filter
def kern_options(field: BoundField) -> list[BoundWidget]:
    """Like `field.subwidgets`, with KERN's class on every option's input."""
    id_ = field.field.widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs(_with_class(field, {"id": id_} if id_ else {}))
    return [
        BoundWidget(field.field.widget, widget, field.form.renderer)
        for widget in field.field.widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return field.widget_type in CHOICE_GROUPS
