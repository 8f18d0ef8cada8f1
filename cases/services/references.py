"""Case and disclosure references, and the working-day arithmetic behind deadlines."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import (
    ReferenceSequence,
)
from policies.models import Priority


def reference_next(*, prefix: str, year: int | None = None) -> str:
    """The next reference for a prefix, e.g. "C-2026-00042"; safe with several web processes.

    One counter row per prefix and year, locked until the filing's transaction ends: numbers have no
    gaps and every database role (the owner running seed_demo, the application's restricted role) takes
    them from the same place. A database sequence would not hold the row lock, but one made by one
    role and missed by another gave two cases the same number (docs/performance.md "Filing").
    """
    year = year or timezone.localdate().year
    if not prefix.isalnum():
        raise ValueError(f"A reference prefix is letters and digits: {prefix!r}")
    return f"{prefix}-{year}-{_counter_next(prefix, year):05d}"


@transaction.atomic
def _counter_next(prefix: str, year: int) -> int:
    ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start`, skipping Saturdays and Sundays.

    Bank holidays are not known to the product yet; a deadline falling on one is a day early.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days before `day`, skipping Saturdays and Sundays."""
    current = day
    while days > 0:
        current -= datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def acknowledge_by_date_for(*, priority: str, start: datetime.date | None = None) -> datetime.date:
    """DESIGN §4: urgent cases are acknowledged within 1 working day, others within 5."""
    start = start or timezone.localdate()
    days = settings.CASE_ACK_DAYS_URGENT if priority == Priority.URGENT else settings.CASE_ACK_DAYS_DEFAULT
    return working_days_after(start, days)
