"""Case and disclosure references, and the working-day arithmetic behind deadlines."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from cases.models import (
    ReferenceSequence,
)
from policies.models import Priority


def reference_next(*, prefix: str, year: int | None = None) -> str:
    """The next reference for a prefix, e.g. "C-2026-00042"; safe with several web processes.

    On PostgreSQL each prefix and year has a database sequence: taking a number locks nothing, so
    filings in other processes never wait for this request to commit (a rolled-back request leaves a
    gap in the numbers). Elsewhere (SQLite) a counter row is locked until the transaction ends.
    """
    year = year or timezone.localdate().year
    if not prefix.isalnum():
        raise ValueError(f"A reference prefix is letters and digits: {prefix!r}")
    number = _sequence_next(prefix, year) if connection.vendor == "postgresql" else None
    if number is None:  # SQLite, or a database role that may not create the sequence
        number = _counter_next(prefix, year)
    return f"{prefix}-{year}-{number:05d}"


@transaction.atomic
def _counter_next(prefix: str, year: int) -> int:
    ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _sequence_next(prefix: str, year: int) -> int | None:
    """nextval of the prefix's sequence for the year, made on first use (once a year per prefix); None
    when it does not exist and cannot be made (the role lacks CREATE on the schema): the counter then."""
    name = f"reference_{prefix.lower()}_{int(year)}"
    for _ in range(3):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s)", [name])
                return cursor.fetchone()[0]
        except ProgrammingError:  # the sequence does not exist yet
            pass
        # Carry on from a counter row the locking path left (a database used before the sequences).
        start = (
            ReferenceSequence.objects.filter(prefix=prefix, year=year).values_list("last", flat=True).first() or 0
        ) + 1
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {int(start)}')
        except (IntegrityError, ProgrammingError):
            pass  # another request made it at the same moment: take the number from it
    return None


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
