"""Filters for the gift register. They only narrow registers.selectors.gift_register_for(user): no filter can
show a row the selector did not already allow, and the choices offered come from the rows the viewer sees."""

import django_filters
from django import forms

from core.dates import DateKind
from core.forms import BoundedDateField, quick_selects, rows_as_choices
from disclosures.models import Disclosure
from people.models import StaffMember, Team
from registers.selectors import OUTCOME_CHOICES, gifts_from_giver, giver_choices

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayFilter(django_filters.DateFilter):
    """A day within core.dates' bounds (1900 to five years ahead)."""

    field_class = BoundedDateField


class GiftRegisterFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(
        label="Team", field_name="reporter__team", queryset=Team.objects.none(), empty_label="Any team"
    )
    giver = django_filters.ChoiceFilter(label="Giver", choices=(), method="filter_giver", empty_label="Any giver")
    worker = django_filters.ModelChoiceFilter(
        label="Worker", field_name="reporter", queryset=StaffMember.objects.none(), empty_label="Any worker"
    )
    outcome = django_filters.ChoiceFilter(label="Outcome", choices=OUTCOME_CHOICES, empty_label="Any outcome")
    date_from = DayFilter(
        label="From", field_name="gift_date", lookup_expr="gte", widget=DateInput, kind=DateKind.ANY, what="“From”"
    )
    date_to = DayFilter(
        label="To", field_name="gift_date", lookup_expr="lte", widget=DateInput, kind=DateKind.ANY, what="“To”"
    )

    class Meta:
        model = Disclosure
        fields = ["team", "giver", "worker", "outcome", "date_from", "date_to"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        reporters = queryset.order_by().values("reporter")
        self.filters["team"].queryset = Team.objects.filter(staff__in=reporters).distinct().order_by("name")
        self.filters["worker"].queryset = (
            StaffMember.objects.filter(pk__in=reporters).select_related("user", "team").order_by("user__last_name")
        )
        self.filters["giver"].extra["choices"] = giver_choices(queryset)
        self.form.fields["worker"].label_from_instance = lambda s: f"{s.full_name} – {s.team.name}"
        # Everyone who declared a gift: read as rows and written in Python (docs/performance.md).
        rows_as_choices(
            self.form.fields["worker"],
            columns=("user__first_name", "user__last_name", "user__username", "team__name"),
            label=lambda first, last, username, team: f"{f'{first} {last}'.strip() or username} – {team}",
        )
        quick_selects(self.form)
        for form_field in self.form.fields.values():
            is_select = isinstance(form_field.widget, forms.Select)
            form_field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def filter_giver(self, queryset, name, value):
        kind, _, pk = (value or "").partition("-")
        if not pk.isdigit():
            return queryset
        return gifts_from_giver(queryset, kind=kind, pk=int(pk))

    def applied(self) -> dict:
        """The filters in use, for the audit event."""
        return {k: str(v) for k, v in (self.form.cleaned_data or {}).items() if v not in (None, "")}
