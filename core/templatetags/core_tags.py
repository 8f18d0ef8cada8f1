"""The error-summary helpers every page shares (docs/accessibility.md "Errors")."""

from django import forms, template

register = template.Library()


def _forms_in(value, depth=0):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, list | tuple) and depth < 2:
        for item in value:
            yield from _forms_in(item, depth + 1)


@register.simple_tag(takes_context=True)
def error_title(context) -> str:
    """ "Error: " at the start of the page title when a form on the page has errors (GOV.UK pattern)."""
    for layer in context.dicts:
        for value in layer.values():
            if any(form.errors for form in _forms_in(value) if form.is_bound):
                return "Error: "
    return ""


@register.simple_tag
def error_items(form) -> list[tuple[str, str]]:
    """(anchor id, message) for each error, in the order of the fields on the page."""
    if hasattr(form, "error_summary"):
        return form.error_summary()
    first = next(iter(form.fields), None)
    items = [(f"id_{form.add_prefix(first)}" if first else "main", message) for message in form.non_field_errors()]
    for name, field in form.fields.items():
        if name in form.errors:
            grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            anchor = f"id_{form.add_prefix(name)}" + ("_0" if grouped else "")
            required = forms.Field.default_error_messages["required"]
            label = str(field.label or name).lower()
            items.extend(
                (anchor, f"Enter your {label}" if message == required else message) for message in form.errors[name]
            )
    return items
