"""Dates in words for text built in Python (timeline entries, messages): the same style as the templates'
`|date` ("17 July 2026"; boundaries/formats/en_GB/formats.py), times in UK time (settings.TIME_ZONE)."""

import datetime
import re

from django.utils import formats, timezone

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def uk_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """17 July 2026. A datetime is first put in UK time; an ISO string (a stored answer) is read first."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        if not ISO_DATE.match(value):
            return value
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATE_FORMAT")


def uk_datetime(value: datetime.datetime) -> str:
    """17 July 2026, 14:05, in UK time."""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATETIME_FORMAT")
