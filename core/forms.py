"""Form styling shared by every app's forms: the markup templates/includes/_field.html and
_error_summary.html expect; the date field with sensible bounds (core.dates) and the length limits of text
(docs/security.md "Input limits")."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from core.cache import shared_data
from core.dates import DateKind, date_problem

# How much text a field takes. A one-line answer (a place, a title, a name); a paragraph (a reason, a note, a
# decision); a statement in someone's own words (a disclosure's narrative). Enough for any honest answer, and
# a clear message instead of a megabyte pasted by mistake.
LINE_MAX = 200
PARAGRAPH_MAX = 5_000
STATEMENT_MAX = 20_000


class BoundedDateField(forms.DateField):
    """A date within the bounds of its kind (core.dates): PAST, FUTURE or ANY. `what` names it in the message
    ("The review date cannot be in the past."); by default the field's label in quotes."""

    def __init__(self, *, kind: DateKind, what: str | None = None, **kwargs):
        self.kind = DateKind(kind)
        self.what = what
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        what = self.what or f"“{str(self.label or 'The date').rstrip('?:. ')}”"
        problem = date_problem(value, kind=self.kind, what=what)
        if problem:
            raise forms.ValidationError(problem, code="out_of_range")


class QuickSelect(forms.Select):
    """A select with the same markup as Django's select template, written in Python: Django renders
    every option through two templates, which made the queue's filter form most of the page's cost
    and a picker of thousands of people slow (docs/performance.md). Options and groups of options."""

    hint: str | None = None  # a picker's no-JavaScript hint, in a paragraph after the select

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}

        def options_html(choices):
            return format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                (
                    (key, " selected" if key in chosen else "", label)
                    for key, label in ((self._key(option), label) for option, label in choices)
                ),
            )

        parts = []
        for option, label in self.choices:
            if isinstance(label, list | tuple):  # a group: ("Service users", [(value, label), …])
                parts.append(format_html('<optgroup label="{}">\n{}\n</optgroup>', option, options_html(label)))
            else:
                parts.append(options_html([(option, label)]))
        options = format_html_join("\n", "{}", ((part,) for part in parts))
        select = format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final_attrs), options)
        if self.hint is None:
            return select
        return format_html(
            '{}\n<p class="form-text picker-nojs-hint mb-0" id="{}_nojs">{}</p>',
            select,
            final_attrs.get("id", ""),
            self.hint,
        )

    @staticmethod
    def _key(option) -> str:
        value = getattr(option, "value", option)  # ModelChoiceIteratorValue or a plain value
        return "" if value is None else str(value)


def quick_selects(form) -> None:
    """Give every plain select of a form (a filter form, say) the QuickSelect rendering."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            widget = QuickSelect(attrs=field.widget.attrs)
            widget.choices, widget.is_required = field.widget.choices, field.widget.is_required
            field.widget = widget


class PeoplePicker(QuickSelect):
    """A list of people, enhanced by static/js/people-picker.js into an accessible autocomplete (alphagov's
    accessible-autocomplete, vendored): type part of a name, choose with the arrow keys or a tap. Without
    JavaScript it stays a plain select, which works on its own (docs/accessibility.md "Pickers")."""

    hint = ""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "people", **(attrs or {})}, choices)


class PeoplePickerMultiple(PeoplePicker, forms.SelectMultiple):
    """Several people: each one chosen becomes a chip with a "Remove" button."""

    allow_multiple_selected = True
    hint = "To choose more than one, hold Ctrl (Cmd on a Mac) while you click."


class RowChoiceIterator(forms.models.ModelChoiceIterator):
    """A picker's choices read as plain rows (the key and the label's columns) instead of one model
    instance per person: set `field.iterator = RowChoiceIterator`, `field.label_columns` (names for
    values_list) and `field.label_from_row` (the label from those values); with `field.kept_key` and
    `field.kept_models` the rows are the same for everyone and kept per process (core.cache).
    Validation still asks the field's queryset, so only what it holds can be chosen."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for key, *values in self._rows():
            yield (forms.models.ModelChoiceIteratorValue(key, None), self.field.label_from_row(*values))

    def __len__(self):
        return len(self._rows()) + (1 if self.field.empty_label is not None else 0)

    def _rows(self) -> list[tuple]:
        def load():
            return list(self.queryset.values_list("pk", *self.field.label_columns))

        key = getattr(self.field, "kept_key", None)
        return shared_data(key, load, models=self.field.kept_models) if key else load()


def rows_as_choices(field, *, columns, label, kept_key=None, kept_models=()) -> None:
    """Make a model choice field read its choices as rows (RowChoiceIterator), kept per process if `kept_key`."""
    field.iterator, field.label_columns, field.label_from_row = RowChoiceIterator, columns, label
    field.kept_key, field.kept_models = kept_key, kept_models
    field.widget.choices = field.choices  # the widget took its choices when the queryset was set


def team_first(queryset, team, field: str = "team"):
    """The same people with the given team's first (pickers put the user's own team at the top)."""
    from django.db.models import Case, IntegerField, Value, When

    if team is None:
        return queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    rank = Case(When(**{field: team}, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.annotate(team_rank=rank).order_by("team_rank", *ordering)


class StyledFormMixin:
    """Bootstrap classes, and aria attributes linking each field to its help and its error (WCAG 3.3.1).

    A form calls self._style() at the end of __init__."""

    # Where a non-field error in the summary at the top of the page links to.
    error_summary_anchor = "main"
    # What to do when a required field is left empty, in the field's own words (GOV.UK pattern:
    # "Choose how likely it is to happen again", never "This field is required.").
    required_messages: dict[str, str] = {}

    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            self._limit_length(name, field)
            self._word_errors(name, field)
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-lg")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-lg")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_helptext"

    @staticmethod
    def _limit_length(name, field):
        """Every text field has a length limit: a paragraph for a text area, a line otherwise, unless the
        field sets its own, and a message in its own words. A text area gets no maxlength attribute: the
        browser would cut a pasted text short without a word, where the server says how long it is.
        Safe to run twice (full_clean runs it too, for a form that never called _style)."""
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.HiddenInput):
            return
        if field.max_length is None:
            field.max_length = PARAGRAPH_MAX if isinstance(field.widget, forms.Textarea) else LINE_MAX
            if not isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)
        label = str(field.label or name.replace("_", " ")).rstrip("?:. ")
        too_long = f"“{label}” can be at most %(limit_value)s characters long; it has %(show_value)s. Shorten it."
        # A new validator, not the shared one: a form copies its fields' validator lists shallowly.
        others = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators = [*others, MaxLengthValidator(field.max_length, message=too_long)]

    def _word_errors(self, name, field):
        """Replace Django's generic messages with ones that say what to do with this field."""
        label = str(field.label or name.replace("_", " ")).rstrip("?:. ")
        choose = isinstance(field.widget, forms.Select | forms.RadioSelect | forms.CheckboxInput) or isinstance(
            field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField
        )
        default_required = forms.Field.default_error_messages["required"]
        if name in self.required_messages:
            field.error_messages["required"] = self.required_messages[name]
        elif field.error_messages.get("required") == default_required:
            field.error_messages["required"] = f"Choose an answer for “{label}”" if choose else f"Enter “{label}”"
        if "invalid_choice" in field.error_messages and "valid choice" in str(field.error_messages["invalid_choice"]):
            field.error_messages["invalid_choice"] = f"Choose one of the options for “{label}”"
        default_invalid_date = forms.DateField.default_error_messages["invalid"]
        if isinstance(field, forms.DateField) and field.error_messages.get("invalid") == default_invalid_date:
            field.error_messages["invalid"] = f"“{label}” must be a real date, for example 31/3/2027"

    def full_clean(self):
        for name, field in self.fields.items():
            self._limit_length(name, field)
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
