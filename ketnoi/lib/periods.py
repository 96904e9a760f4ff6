"""Reporting periods with identifiers as DHIS2 writes them.

    2020        a year                     (yearly)
    2020S1      a half-year (S1, S2)       (half_yearly)
    2020Q3      a quarter (Q1..Q4)         (quarterly)
    202007      a month                    (monthly)
    2017-2020   a span of whole years      (custom: a review span, e.g. 2017-2020 or 2021-2023)

DHIS2 has no multi-year period type; ``YYYY-YYYY`` is our own and is the only identifier here that
DHIS2 would not read. A period covers ``start``..``end`` inclusive. The hierarchy "as it stood in a
period" is the hierarchy on ``as_of`` = the period's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHLY = "monthly"
QUARTERLY = "quarterly"
HALF_YEARLY = "half_yearly"
YEARLY = "yearly"
CUSTOM = "custom"
TYPES = (MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, CUSTOM)
# Months in one period of each fixed type.
_MONTHS = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}

_Y = r"(?!0000)(\d{4})"  # years 0001 to 9999: a date has no year zero
_RE_MONTH = re.compile(rf"^{_Y}(0[1-9]|1[0-2])$")
_RE_QUARTER = re.compile(rf"^{_Y}Q([1-4])$")
_RE_HALF = re.compile(rf"^{_Y}S([12])$")
_RE_YEAR = re.compile(rf"^{_Y}$")
_RE_SPAN = re.compile(rf"^{_Y}-{_Y}$")


class PeriodError(ValueError):
    """A period identifier that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    type: str
    id: str

    @property
    def as_of(self) -> dt.date:
        """The day whose hierarchy this period is reported against: its last day."""
        return self.end

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def sub_periods(self, period_type: str) -> list[Period]:
        """The periods of ``period_type`` that lie wholly inside this one, in order."""
        if period_type == CUSTOM:
            return [self] if self.type == CUSTOM else []
        out: list[Period] = []
        p = for_date(period_type, self.start)
        while p.end <= self.end:
            if p.start >= self.start:
                out.append(p)
            p = p.next()
        return out

    def next(self) -> Period:
        return for_date(
            self.type, self.end + dt.timedelta(days=1), span_years=self._span(), anchor=self.start.year
        )

    def previous(self) -> Period:
        return for_date(
            self.type, self.start - dt.timedelta(days=1), span_years=self._span(), anchor=self.start.year
        )

    def _span(self) -> int:
        return self.end.year - self.start.year + 1 if self.type == CUSTOM else 1

    def label(self) -> str:
        """A Vietnamese label: "Tháng 07/2020", "Quý 3/2020", "6 tháng đầu năm 2020", "Năm 2020"."""
        from django.utils.translation import gettext as _

        y = self.start.year
        if self.type == MONTHLY:
            return _("Month %(m)02d/%(y)d") % {"m": self.start.month, "y": y}
        if self.type == QUARTERLY:
            return _("Quarter %(q)d/%(y)d") % {"q": (self.start.month - 1) // 3 + 1, "y": y}
        if self.type == HALF_YEARLY:
            if self.start.month == 1:
                return _("First half of %(y)d") % {"y": y}
            return _("Second half of %(y)d") % {"y": y}
        if self.type == YEARLY:
            return _("Year %(y)d") % {"y": y}
        return _("Period %(a)d–%(b)d") % {"a": y, "b": self.end.year}

    def __str__(self) -> str:
        return self.id


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fixed(period_type: str, year: int, first_month: int) -> Period:
    n = _MONTHS[period_type]
    last_month = first_month + n - 1
    start = dt.date(year, first_month, 1)
    end = _month_end(year, last_month)
    if period_type == MONTHLY:
        pid = f"{year:04d}{first_month:02d}"
    elif period_type == QUARTERLY:
        pid = f"{year:04d}Q{(first_month - 1) // 3 + 1}"
    elif period_type == HALF_YEARLY:
        pid = f"{year:04d}S{1 if first_month == 1 else 2}"
    else:
        pid = f"{year:04d}"
    return Period(start, end, period_type, pid)


def span(first_year: int, last_year: int) -> Period:
    if last_year < first_year:
        raise PeriodError(f"{first_year}-{last_year}")
    return Period(
        dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), CUSTOM, f"{first_year:04d}-{last_year:04d}"
    )


@lru_cache(maxsize=4096)
def parse(pid: str) -> Period:
    """Read a period identifier; raises ``PeriodError`` for anything else. Periods are immutable: cached."""
    text = (pid or "").strip().upper()
    if m := _RE_MONTH.match(text):
        return _fixed(MONTHLY, int(m[1]), int(m[2]))
    if m := _RE_QUARTER.match(text):
        return _fixed(QUARTERLY, int(m[1]), (int(m[2]) - 1) * 3 + 1)
    if m := _RE_HALF.match(text):
        return _fixed(HALF_YEARLY, int(m[1]), 1 if m[2] == "1" else 7)
    if m := _RE_YEAR.match(text):
        return _fixed(YEARLY, int(m[1]), 1)
    if m := _RE_SPAN.match(text):
        return span(int(m[1]), int(m[2]))
    raise PeriodError(pid)


def is_valid(pid: str) -> bool:
    try:
        parse(pid)
    except PeriodError:
        return False
    return True


def for_date(period_type: str, day: dt.date, *, span_years: int = 1, anchor: int | None = None) -> Period:
    """The period of ``period_type`` that contains ``day``.

    Custom spans are ``span_years`` whole years counted from the ``anchor`` year (default: spans
    start on years divisible by the span length, so 3-year spans are 2019-2021, 2022-2024...).
    """
    if period_type == CUSTOM:
        n = max(1, span_years)
        base = anchor if anchor is not None else 0
        first = day.year - ((day.year - base) % n)
        return span(first, first + n - 1)
    if period_type not in _MONTHS:
        raise PeriodError(period_type)
    n = _MONTHS[period_type]
    first_month = ((day.month - 1) // n) * n + 1
    return _fixed(period_type, day.year, first_month)


def between(
    period_type: str, start: dt.date, end: dt.date, *, span_years: int = 1, anchor: int | None = None
) -> list[Period]:
    """Every period of the type that overlaps ``start``..``end``, oldest first."""
    out: list[Period] = []
    p = for_date(period_type, start, span_years=span_years, anchor=anchor)
    while p.start <= end:
        out.append(p)
        p = for_date(period_type, p.end + dt.timedelta(days=1), span_years=span_years, anchor=anchor)
    return out


def type_of(pid: str) -> str:
    return parse(pid).type
