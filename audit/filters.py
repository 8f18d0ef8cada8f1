"""Filters for the audit-trail viewer (/audit/). They only narrow audit_event_list_for(user)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from audit.models import AuditEvent
from core.dates import DateKind
from core.forms import BoundedDateField

UK_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DayFilter(django_filters.DateFilter):
    """A day within core.dates' bounds (1900 to five years ahead): 31/12/9999 is a clear message, not an
    error page."""

    field_class = BoundedDateField


def _start_of_local_day(day: datetime.date) -> datetime.datetime:
    """Midnight of that day in Europe/London (TIME_ZONE), as an aware datetime; events are stored in UTC."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label="Who (user name)", method="filter_actor")
    action = django_filters.CharFilter(
        label="Action code starts with", field_name="action", lookup_expr="startswith",
        help_text='For example "cases.case." or "accounts.login".',
    )  # fmt: skip
    object_type = django_filters.CharFilter(
        label="Object type", field_name="object_type", help_text='For example "cases.case".'
    )
    object_id = django_filters.CharFilter(label="Object id", field_name="object_id")
    date_from = DayFilter(
        label="From (date)",
        method="filter_date_from",
        input_formats=UK_DATE_FORMATS,
        widget=DateInput,
        kind=DateKind.ANY,
        what="The “from” date",
    )
    date_to = DayFilter(
        label="To (date, inclusive)",
        method="filter_date_to",
        input_formats=UK_DATE_FORMATS,
        widget=DateInput,
        kind=DateKind.ANY,
        what="The “to” date",
    )
    request_id = django_filters.CharFilter(label="Request id", field_name="request_id")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "date_from", "date_to", "request_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def filter_actor(self, queryset, name, value):
        """By user name, never matching an event whose actor is hidden (audit.selectors), so a guessed name
        finds nothing of theirs."""
        return queryset.filter(actor__username__icontains=value, actor_hidden=False)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of_local_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_start_of_local_day(value + datetime.timedelta(days=1)))

    def applied(self) -> dict[str, str]:
        """The filters the user set, as typed (cut short), for the audit event of this view or export."""
        return {name: str(self.data.get(name))[:100] for name in self.Meta.fields if self.data.get(name)}
