"""Form styling shared by every app's forms: the markup templates/includes/_field.html and
_error_summary.html expect."""

from django import forms


class StyledFormMixin:
    """Bootstrap classes, and aria attributes linking each field to its help and its error (WCAG 3.3.1).

    A form calls self._style() at the end of __init__."""

    # Where a non-field error in the summary at the top of the page links to.
    error_summary_anchor = "main"

    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-lg")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-lg")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_helptext"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = f"{described} id_{self.add_prefix(name)}_error".strip()

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the summary at the top of the page, in field order."""
        items = [(self.error_summary_anchor, message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors:
                grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                anchor = f"id_{self.add_prefix(name)}" + ("_0" if grouped else "")
                items.extend((anchor, message) for message in self.errors[name])
        return items
