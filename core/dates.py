"""How far back and how far ahead a date typed into the product may be: one rule for every form, filter and
service (docs/security.md "Input limits").

Three kinds of date:

- PAST, something that happened (when it happened, when someone was told, when support was offered):
  not after today, not before 1 January 1900.
- FUTURE, something planned (a review, an action's due date, a planned activity): not before today, at
  most YEARS_AHEAD years ahead. Reviews are at least yearly (seed 002 §10.3), so five years is generous.
- ANY, a date to search by or a date of record that may lie either side of today (a policy's review
  date): from 1 January 1900 to YEARS_AHEAD years ahead.

A date outside these bounds is a typing slip (31/12/9999, 1/1/0001), never a real answer.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format

EARLIEST = datetime.date(1900, 1, 1)
YEARS_AHEAD = 5


class DateKind(StrEnum):
    PAST = "past"
    FUTURE = "future"
    ANY = "any"


def latest_ahead(today: datetime.date) -> datetime.date:
    """The last day YEARS_AHEAD years from today (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_bounds(kind: DateKind, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day allowed for this kind of date."""
    today = today or timezone.localdate()
    if kind == DateKind.PAST:
        return EARLIEST, today
    if kind == DateKind.FUTURE:
        return today, latest_ahead(today)
    return EARLIEST, latest_ahead(today)


def _uk(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def date_problem(value: datetime.date | None, *, kind: DateKind, what: str, today=None) -> str | None:
    """What is wrong with this date, as a sentence starting with `what` ("The next review date"), or None."""
    if value is None:
        return None
    first, last = date_bounds(kind, today)
    if value < first:
        if kind == DateKind.FUTURE:
            return f"{what} cannot be in the past."
        return f"{what} cannot be before {_uk(EARLIEST)}."
    if value > last:
        if kind == DateKind.PAST:
            return f"{what} cannot be in the future."
        return f"{what} cannot be more than {YEARS_AHEAD} years ahead: {_uk(last)} at the latest."
    return None
