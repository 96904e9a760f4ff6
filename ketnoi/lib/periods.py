"""Reporting periods with identifiers exactly as DHIS2 writes them (its Web API chapter on periods).

    20040315     a day                                   daily
    2004W10      an ISO week (Monday to Sunday)          weekly
    2015WedW5    a week starting on Wednesday            weekly_wednesday (ThuW, SatW, SunW likewise)
    2015BiW1     two ISO weeks (weeks 1-2)               bi_weekly
    200403       a month (also read: 2004-03)            monthly
    200401B      two months, numbered 01..06             bi_monthly (200401B = January-February)
    2004Q1       a quarter                               quarterly
    2020NovQ1    a quarter of a November year            quarterly_nov (November 2019 - January 2020)
    2004S1       a half-year                             half_yearly (DHIS2: SixMonthly)
    2004AprilS1  a half-year starting in April           six_monthly_april (April - September 2004)
    2006NovS1    a half-year of a November year          six_monthly_nov (November 2005 - April 2006)
    2004         a year                                  yearly
    2004April    a financial year from April             financial_april (April 2004 - March 2005)
    2004July, 2004Sep, 2004Oct                           financial_july, financial_sep, financial_oct
    2006Nov      a financial year from November          financial_nov (November 2005 - October 2006)
    2017-2020    a span of whole years                   custom (our own: DHIS2 has no multi-year type)

Weeks follow DHIS2's rule, the ISO rule for every start day: a week belongs to the year in which its fourth
day falls, so week 1 is the week that contains 4 January. A bi-week is two ISO weeks: BiW n starts on the
Monday of week 2n-1 and lasts 14 days, so in a year of 53 weeks DHIS2's BiW27 runs into the next year's
BiW1 (as DHIS2 computes it). The November types are named, as in DHIS2, after the year they end in.

Identifiers are case-sensitive as DHIS2's are (``2020q1`` and ``2015wedw5`` are not periods). A period covers
``start``..``end`` inclusive; the hierarchy "as it stood in a period" is the one on ``as_of`` = its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

DAILY = "daily"
WEEKLY = "weekly"
WEEKLY_WEDNESDAY = "weekly_wednesday"
WEEKLY_THURSDAY = "weekly_thursday"
WEEKLY_SATURDAY = "weekly_saturday"
WEEKLY_SUNDAY = "weekly_sunday"
BI_WEEKLY = "bi_weekly"
MONTHLY = "monthly"
BI_MONTHLY = "bi_monthly"
QUARTERLY = "quarterly"
QUARTERLY_NOV = "quarterly_nov"
HALF_YEARLY = "half_yearly"
SIX_MONTHLY_APRIL = "six_monthly_april"
SIX_MONTHLY_NOV = "six_monthly_nov"
YEARLY = "yearly"
FINANCIAL_APRIL = "financial_april"
FINANCIAL_JULY = "financial_july"
FINANCIAL_SEP = "financial_sep"
FINANCIAL_OCT = "financial_oct"
FINANCIAL_NOV = "financial_nov"
CUSTOM = "custom"

# Our type -> DHIS2's period type name, in DHIS2's order (shortest first).
DHIS2_NAMES: dict[str, str] = {
    DAILY: "Daily",
    WEEKLY: "Weekly",
    WEEKLY_WEDNESDAY: "WeeklyWednesday",
    WEEKLY_THURSDAY: "WeeklyThursday",
    WEEKLY_SATURDAY: "WeeklySaturday",
    WEEKLY_SUNDAY: "WeeklySunday",
    BI_WEEKLY: "BiWeekly",
    MONTHLY: "Monthly",
    BI_MONTHLY: "BiMonthly",
    QUARTERLY: "Quarterly",
    QUARTERLY_NOV: "QuarterlyNov",
    HALF_YEARLY: "SixMonthly",
    SIX_MONTHLY_APRIL: "SixMonthlyApril",
    SIX_MONTHLY_NOV: "SixMonthlyNov",
    YEARLY: "Yearly",
    FINANCIAL_APRIL: "FinancialApril",
    FINANCIAL_JULY: "FinancialJuly",
    FINANCIAL_SEP: "FinancialSep",
    FINANCIAL_OCT: "FinancialOct",
    FINANCIAL_NOV: "FinancialNov",
}
FROM_DHIS2_NAME: dict[str, str] = {v: k for k, v in DHIS2_NAMES.items()}
TYPES = (*DHIS2_NAMES, CUSTOM)


class _Weekly(NamedTuple):
    weekday: int  # 0 = Monday ... 6 = Sunday
    infix: str  # "W", "WedW", ...


class _Months(NamedTuple):
    months: int  # months in one period
    base: int  # the month its year starts in
    shift: int  # 1 when the year is named after the year it ends in (DHIS2's November types)
    infix: str  # between year and number ("Q", "NovS"...); for months/bi-months the number comes first


_WEEKS: dict[str, _Weekly] = {
    WEEKLY: _Weekly(0, "W"),
    WEEKLY_WEDNESDAY: _Weekly(2, "WedW"),
    WEEKLY_THURSDAY: _Weekly(3, "ThuW"),
    WEEKLY_SATURDAY: _Weekly(5, "SatW"),
    WEEKLY_SUNDAY: _Weekly(6, "SunW"),
}
_MONTH_TYPES: dict[str, _Months] = {
    MONTHLY: _Months(1, 1, 0, ""),
    BI_MONTHLY: _Months(2, 1, 0, "B"),
    QUARTERLY: _Months(3, 1, 0, "Q"),
    QUARTERLY_NOV: _Months(3, 11, 1, "NovQ"),
    HALF_YEARLY: _Months(6, 1, 0, "S"),
    SIX_MONTHLY_APRIL: _Months(6, 4, 0, "AprilS"),
    SIX_MONTHLY_NOV: _Months(6, 11, 1, "NovS"),
    YEARLY: _Months(12, 1, 0, ""),
    FINANCIAL_APRIL: _Months(12, 4, 0, "April"),
    FINANCIAL_JULY: _Months(12, 7, 0, "July"),
    FINANCIAL_SEP: _Months(12, 9, 0, "Sep"),
    FINANCIAL_OCT: _Months(12, 10, 0, "Oct"),
    FINANCIAL_NOV: _Months(12, 11, 1, "Nov"),
}
# Kept for callers that ask how many months a calendar period type spans.
_MONTHS = {t: spec.months for t, spec in _MONTH_TYPES.items()}

_Y = r"(?!0000)(\d{4})"  # years 0001 to 9999: a date has no year zero
_N = r"(0?[1-9]|[1-5]\d)"  # a week number, DHIS2 also reads it zero-padded (2020W01)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_Y}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$"), DAILY),
    (re.compile(rf"^{_Y}W{_N}$"), WEEKLY),
    (re.compile(rf"^{_Y}WedW{_N}$"), WEEKLY_WEDNESDAY),
    (re.compile(rf"^{_Y}ThuW{_N}$"), WEEKLY_THURSDAY),
    (re.compile(rf"^{_Y}SatW{_N}$"), WEEKLY_SATURDAY),
    (re.compile(rf"^{_Y}SunW{_N}$"), WEEKLY_SUNDAY),
    (re.compile(rf"^{_Y}BiW{_N}$"), BI_WEEKLY),
    (re.compile(rf"^{_Y}-?(0[1-9]|1[0-2])$"), MONTHLY),
    (re.compile(rf"^{_Y}(0[1-6])B$"), BI_MONTHLY),
    (re.compile(rf"^{_Y}Q([1-4])$"), QUARTERLY),
    (re.compile(rf"^{_Y}NovQ([1-4])$"), QUARTERLY_NOV),
    (re.compile(rf"^{_Y}S([12])$"), HALF_YEARLY),
    (re.compile(rf"^{_Y}AprilS([12])$"), SIX_MONTHLY_APRIL),
    (re.compile(rf"^{_Y}NovS([12])$"), SIX_MONTHLY_NOV),
    (re.compile(rf"^{_Y}$"), YEARLY),
    (re.compile(rf"^{_Y}April$"), FINANCIAL_APRIL),
    (re.compile(rf"^{_Y}July$"), FINANCIAL_JULY),
    (re.compile(rf"^{_Y}Sep$"), FINANCIAL_SEP),
    (re.compile(rf"^{_Y}Oct$"), FINANCIAL_OCT),
    (re.compile(rf"^{_Y}Nov$"), FINANCIAL_NOV),
]
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
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def dhis2_type(self) -> str | None:
        """DHIS2's name of this period's type (``Weekly``, ``SixMonthly``...); ``None`` for a custom span."""
        return DHIS2_NAMES.get(self.type)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def holds(self, other: Period) -> bool:
        """Whether ``other``'s figures count towards this period when rolling up over time: it lies inside,
        or it is a week (or bi-week) whose fourth day lies inside and it is no longer than this period --
        DHIS2's rule for the year of a week: 52 or 53 weeks make a year and each week counts in one month."""
        if self.contains(other):
            return True
        if other.type in _WEEKS or other.type == BI_WEEKLY:
            return other.days <= self.days and self.start <= other.start + dt.timedelta(days=3) <= self.end
        return False

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def sub_periods(self, period_type: str) -> list[Period]:
        """The periods of ``period_type`` that lie wholly inside this one, in order."""
        if period_type == CUSTOM:
            return [self] if self.type == CUSTOM else []
        out: list[Period] = []
        p = for_date(period_type, self.start)
        while p.start <= self.end:
            if p.start >= self.start and p.end <= self.end:
                out.append(p)
            p = for_date(period_type, p.end + dt.timedelta(days=1))
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
        """A Vietnamese label: "Tháng 07/2020", "Quý 3/2020", "Tuần 5 năm 2026 (26/01–01/02)", "Năm 2020"."""
        from django.utils.translation import gettext as _

        y = self.start.year
        t = self.type
        if t == DAILY:
            return _("Day %(d)s") % {"d": self.start.strftime("%d/%m/%Y")}
        if t in _WEEKS or t == BI_WEEKLY:
            m = re.search(r"(\d+)$", self.id)
            number = int(m[1]) if m else 0
            args = {
                "n": number,
                "y": self.id[:4],
                "a": self.start.strftime("%d/%m"),
                "b": self.end.strftime("%d/%m"),
            }
            if t == BI_WEEKLY:
                return _("Two weeks %(n)d of %(y)s (%(a)s–%(b)s)") % args
            return _("Week %(n)d of %(y)s (%(a)s–%(b)s)") % args
        if t == MONTHLY:
            return _("Month %(m)02d/%(y)d") % {"m": self.start.month, "y": y}
        if t == QUARTERLY:
            return _("Quarter %(q)d/%(y)d") % {"q": (self.start.month - 1) // 3 + 1, "y": y}
        if t == HALF_YEARLY:
            if self.start.month == 1:
                return _("First half of %(y)d") % {"y": y}
            return _("Second half of %(y)d") % {"y": y}
        if t == YEARLY:
            return _("Year %(y)d") % {"y": y}
        if t == BI_MONTHLY:
            return _("Months %(a)02d–%(b)02d/%(y)d") % {"a": self.start.month, "b": self.end.month, "y": y}
        months = {"a": self.start.strftime("%m/%Y"), "b": self.end.strftime("%m/%Y"), "y": self.id[:4]}
        if t == QUARTERLY_NOV:
            return _("Quarter %(q)s of %(y)s (%(a)s–%(b)s)") % {"q": self.id[-1], **months}
        if t in (SIX_MONTHLY_APRIL, SIX_MONTHLY_NOV):
            return _("Half-year %(h)s of %(y)s (%(a)s–%(b)s)") % {"h": self.id[-1], **months}
        if t in _MONTH_TYPES:
            return _("Financial year %(a)s–%(b)s") % months
        return _("Period %(a)d–%(b)d") % {"a": y, "b": self.end.year}

    def __str__(self) -> str:
        return self.id


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_period(period_type: str, year: int, number: int) -> Period:
    """Period ``number`` (1-based) of the year named ``year`` of a month-based type."""
    spec = _MONTH_TYPES[period_type]
    first = (year - spec.shift) * 12 + spec.base - 1 + (number - 1) * spec.months  # months since year 0
    last = first + spec.months - 1
    start = dt.date(first // 12, first % 12 + 1, 1)
    end = _month_end(last // 12, last % 12 + 1)
    if period_type == MONTHLY:
        pid = f"{year:04d}{number:02d}"
    elif period_type == BI_MONTHLY:
        pid = f"{year:04d}{number:02d}B"
    elif spec.months == 12:
        pid = f"{year:04d}{spec.infix}"
    else:
        pid = f"{year:04d}{spec.infix}{number}"
    return Period(start, end, period_type, pid)


def _week_one(year: int, weekday: int) -> dt.date:
    """The first day of week 1 of ``year`` for weeks starting on ``weekday``: the week holding 4 January."""
    jan4 = dt.date(year, 1, 4)
    return jan4 - dt.timedelta(days=(jan4.weekday() - weekday) % 7)


def weeks_in_year(year: int, weekday: int = 0) -> int:
    return (_week_one(year + 1, weekday) - _week_one(year, weekday)).days // 7


def _week_period(period_type: str, year: int, number: int) -> Period:
    if period_type == BI_WEEKLY:
        if not 1 <= number <= (weeks_in_year(year) + 1) // 2:
            raise PeriodError(f"{year:04d}BiW{number}")
        start = _week_one(year, 0) + dt.timedelta(weeks=2 * (number - 1))
        return Period(start, start + dt.timedelta(days=13), BI_WEEKLY, f"{year:04d}BiW{number}")
    spec = _WEEKS[period_type]
    if not 1 <= number <= weeks_in_year(year, spec.weekday):
        raise PeriodError(f"{year:04d}{spec.infix}{number}")
    start = _week_one(year, spec.weekday) + dt.timedelta(weeks=number - 1)
    return Period(start, start + dt.timedelta(days=6), period_type, f"{year:04d}{spec.infix}{number}")


def span(first_year: int, last_year: int) -> Period:
    if last_year < first_year:
        raise PeriodError(f"{first_year}-{last_year}")
    return Period(
        dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), CUSTOM, f"{first_year:04d}-{last_year:04d}"
    )


@lru_cache(maxsize=8192)
def parse(pid: str) -> Period:
    """Read a period identifier; raises ``PeriodError`` for anything else. Periods are immutable: cached."""
    text = (pid or "").strip()
    try:
        if m := _RE_SPAN.match(text):
            return span(int(m[1]), int(m[2]))
        for pattern, kind in _PATTERNS:
            if m := pattern.match(text):
                year = int(m[1])
                if kind == DAILY:
                    day = dt.date(year, int(m[2]), int(m[3]))
                    return Period(day, day, DAILY, day.strftime("%Y%m%d"))
                if kind in _WEEKS or kind == BI_WEEKLY:
                    return _week_period(kind, year, int(m[2]))
                return _month_period(kind, year, int(m[2]) if m.lastindex and m.lastindex > 1 else 1)
    except (ValueError, OverflowError) as exc:  # 20230230, weeks near year 1 or 9999
        raise PeriodError(pid) from exc
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
    if period_type == DAILY:
        return Period(day, day, DAILY, day.strftime("%Y%m%d"))
    if period_type == BI_WEEKLY:
        year, week, _ = day.isocalendar()
        return _week_period(BI_WEEKLY, year, (week + 1) // 2)
    if spec := _WEEKS.get(period_type):
        start = day - dt.timedelta(days=(day.weekday() - spec.weekday) % 7)
        year = (start + dt.timedelta(days=3)).year
        return _week_period(period_type, year, (start - _week_one(year, spec.weekday)).days // 7 + 1)
    if mspec := _MONTH_TYPES.get(period_type):
        offset = day.year * 12 + day.month - 1 - (mspec.base - 1)
        return _month_period(period_type, offset // 12 + mspec.shift, offset % 12 // mspec.months + 1)
    raise PeriodError(period_type)


def between(
    period_type: str,
    start: dt.date,
    end: dt.date,
    *,
    span_years: int = 1,
    anchor: int | None = None,
    limit: int | None = None,
) -> list[Period]:
    """Every period of the type that overlaps ``start``..``end``, oldest first; with a ``limit``, at most
    ``limit`` + 1 of them: enough to see there are too many, without listing 3 million days."""
    out: list[Period] = []
    p = for_date(period_type, start, span_years=span_years, anchor=anchor)
    while p.start <= end and (limit is None or len(out) <= limit):
        out.append(p)
        p = for_date(period_type, p.end + dt.timedelta(days=1), span_years=span_years, anchor=anchor)
    return out


def type_of(pid: str) -> str:
    return parse(pid).type
