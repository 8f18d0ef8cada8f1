"""Filters for the review queue (/cases/). They only narrow case_queue_for(user): no filter can show
a case the selector did not already allow (DESIGN §6)."""

import datetime

import django_filters
from django import forms
from django.db import models
from django.db.models.functions import Coalesce, Least

from cases.models import Case
from cases.selectors import WAITING_CHOICES, case_waiting_list
from core.forms import quick_selects, rows_as_choices
from people.models import Team
from people.selectors import staff_for
from policies.models import BoundaryCategory, Priority

OPEN = "open"
ALL = "all"
STATUS_CHOICES = [(OPEN, "All open cases"), *Case.Status.choices, (ALL, "All cases, open and closed")]
SORT_CHOICES = [
    ("", "Most urgent first"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("due", "Next deadline soonest"),
]
NO_DEADLINE = datetime.date(9999, 12, 31)


def _next_deadline() -> models.Expression:
    """The case's next deadline (acknowledge by, next review, next action due), as the queue row shows it."""
    is_open = ~models.Q(status=Case.Status.CLOSED)

    def when(condition, value):
        return Coalesce(
            models.Case(models.When(condition, then=value), output_field=models.DateField()),
            models.Value(NO_DEADLINE),
        )

    return Least(
        when(models.Q(status=Case.Status.NEW), models.F("acknowledge_by_date")),
        when(is_open, models.F("next_review_date")),
        when(is_open, models.F("next_action_due")),
    )


class CaseQueueFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(label="Reference", field_name="reference", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    category = django_filters.ModelChoiceFilter(
        label="Category", queryset=BoundaryCategory.objects.order_by("name"), empty_label="Any category"
    )
    priority = django_filters.ChoiceFilter(label="Priority", choices=Priority.choices, empty_label="Any priority")
    team = django_filters.ModelChoiceFilter(
        label="Team", queryset=Team.objects.order_by("name"), empty_label="Any team"
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Only overdue")],
        method="filter_overdue",
        empty_label="Overdue or not",
    )
    mine = django_filters.ChoiceFilter(
        label="Whose",
        choices=[("yes", "Only cases I review")],
        method="filter_mine",
        empty_label="Every case I can see",
    )
    # What a dashboard count links to: exactly the cases it counted (cases/selectors/waiting.py).
    waiting = django_filters.ChoiceFilter(
        label="Waiting", choices=WAITING_CHOICES, method="filter_waiting", empty_label="Anything"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES[1:], method="filter_sort", empty_label=SORT_CHOICES[0][1]
    )

    class Meta:
        model = Case
        fields = ["reference", "status", "category", "priority", "team", "overdue", "mine", "waiting", "sort"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        # "All open cases" is the default: a blank or absent status means open.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = OPEN
        self.user = user
        super().__init__(data, *args, **kwargs)
        # The same lists for everyone: kept per process (core.cache), not read on every queue view.
        for name, model in (("category", BoundaryCategory), ("team", Team)):
            rows_as_choices(
                self.form.fields[name],
                columns=("name",),
                label=str,
                kept_key=f"cases.queue.{name}",
                kept_models=[model],
            )
        quick_selects(self.form)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(status=Case.Status.CLOSED)
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value != "yes":
            return queryset
        return queryset.overdue()

    def filter_mine(self, queryset, name, value):
        staff = staff_for(self.user)
        if value != "yes" or staff is None:
            return queryset
        return queryset.filter(reviewer=staff)

    def filter_waiting(self, queryset, name, value):
        return case_waiting_list(user=self.user, key=value, cases=queryset) if value else queryset

    def filter_sort(self, queryset, name, value):
        """Sorting by the database, so a page of 25 is the right 25 (the default order is case_queue_for's)."""
        if value == "newest":
            return queryset.order_by("-opened_at", "-pk")
        if value == "oldest":
            return queryset.order_by("opened_at", "pk")
        if value == "due":
            return queryset.annotate(next_deadline=_next_deadline()).order_by("next_deadline", "priority_rank", "pk")
        return queryset

    def active_count(self) -> int:
        """How many filters narrow the list (for the "Filter" button on a phone); sorting does not count."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return sum(1 for name, value in data.items() if name != "sort" and value and value != OPEN)
