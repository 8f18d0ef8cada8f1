"""Calendar quarters in the organisation's time zone (settings.TIME_ZONE, Europe/London).

A quarter runs from local midnight on its first day to local midnight on the first day of the
next quarter: [start_at, end_at). "At quarter end" means at end_at.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

_PATTERN = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH_NAMES = ("January", "April", "July", "October")
_LAST_MONTH_NAMES = ("March", "June", "September", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q3' (or '2026Q3', '2026-q3') -> Quarter(2026, 3); ValueError otherwise."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a quarter such as 2026-Q3")
        year = int(match[1])
        if year < 2000:
            raise ValueError("the year must be 2000 or later")
        return cls(year, int(match[2]))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """'July to September 2026'."""
        return f"{_MONTH_NAMES[self.number - 1]} to {_LAST_MONTH_NAMES[self.number - 1]} {self.year}"

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end_date(self) -> datetime.date:
        """The quarter's last day."""
        return self.next().start_date - datetime.timedelta(days=1)

    @property
    def start_at(self) -> datetime.datetime:
        return _local_midnight(self.start_date)

    @property
    def end_at(self) -> datetime.datetime:
        """Midnight at the start of the next quarter (exclusive)."""
        return _local_midnight(self.next().start_date)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def previous_n(self, n: int) -> list[Quarter]:
        """The n quarters before this one, oldest first."""
        quarters, q = [], self
        for _ in range(n):
            q = q.previous()
            quarters.append(q)
        return quarters[::-1]

    def first_working_day_after(self) -> datetime.date:
        """The first Monday-to-Friday day after the quarter ends (bank holidays are not known here)."""
        day = self.next().start_date
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))
