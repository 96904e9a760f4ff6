from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnoi.lib import periods as P

D = dt.date

# DHIS2's documented examples (Web API, "Date and period format"), each with the dates DHIS2 gives them.
DHIS2_EXAMPLES = [
    ("20040315", P.DAILY, D(2004, 3, 15), D(2004, 3, 15)),
    ("2004W10", P.WEEKLY, D(2004, 3, 1), D(2004, 3, 7)),
    ("2015WedW5", P.WEEKLY_WEDNESDAY, D(2015, 1, 28), D(2015, 2, 3)),
    ("2015ThuW6", P.WEEKLY_THURSDAY, D(2015, 2, 5), D(2015, 2, 11)),
    ("2015SatW7", P.WEEKLY_SATURDAY, D(2015, 2, 14), D(2015, 2, 20)),
    ("2015SunW8", P.WEEKLY_SUNDAY, D(2015, 2, 22), D(2015, 2, 28)),
    ("2015BiW1", P.BI_WEEKLY, D(2014, 12, 29), D(2015, 1, 11)),
    ("200403", P.MONTHLY, D(2004, 3, 1), D(2004, 3, 31)),
    ("200401B", P.BI_MONTHLY, D(2004, 1, 1), D(2004, 2, 29)),
    ("2004Q1", P.QUARTERLY, D(2004, 1, 1), D(2004, 3, 31)),
    ("2020NovQ1", P.QUARTERLY_NOV, D(2019, 11, 1), D(2020, 1, 31)),
    ("2004S1", P.HALF_YEARLY, D(2004, 1, 1), D(2004, 6, 30)),
    ("2004AprilS1", P.SIX_MONTHLY_APRIL, D(2004, 4, 1), D(2004, 9, 30)),
    ("2006NovS1", P.SIX_MONTHLY_NOV, D(2005, 11, 1), D(2006, 4, 30)),
    ("2004", P.YEARLY, D(2004, 1, 1), D(2004, 12, 31)),
    ("2004April", P.FINANCIAL_APRIL, D(2004, 4, 1), D(2005, 3, 31)),
    ("2004July", P.FINANCIAL_JULY, D(2004, 7, 1), D(2005, 6, 30)),
    ("2004Sep", P.FINANCIAL_SEP, D(2004, 9, 1), D(2005, 8, 31)),
    ("2004Oct", P.FINANCIAL_OCT, D(2004, 10, 1), D(2005, 9, 30)),
    ("2006Nov", P.FINANCIAL_NOV, D(2005, 11, 1), D(2006, 10, 31)),
    # more of each kind
    ("202002", P.MONTHLY, D(2020, 2, 1), D(2020, 2, 29)),
    ("200403B", P.BI_MONTHLY, D(2004, 5, 1), D(2004, 6, 30)),
    ("2020Q3", P.QUARTERLY, D(2020, 7, 1), D(2020, 9, 30)),
    ("2020NovQ4", P.QUARTERLY_NOV, D(2020, 8, 1), D(2020, 10, 31)),
    ("2020S2", P.HALF_YEARLY, D(2020, 7, 1), D(2020, 12, 31)),
    ("2004AprilS2", P.SIX_MONTHLY_APRIL, D(2004, 10, 1), D(2005, 3, 31)),
    ("2006NovS2", P.SIX_MONTHLY_NOV, D(2006, 5, 1), D(2006, 10, 31)),
    ("2020W53", P.WEEKLY, D(2020, 12, 28), D(2021, 1, 3)),
    ("2021W1", P.WEEKLY, D(2021, 1, 4), D(2021, 1, 10)),
    ("2026W5", P.WEEKLY, D(2026, 1, 26), D(2026, 2, 1)),
    ("2020BiW27", P.BI_WEEKLY, D(2020, 12, 28), D(2021, 1, 10)),
    ("2017-2020", P.CUSTOM, D(2017, 1, 1), D(2020, 12, 31)),
]


@pytest.mark.parametrize(("pid", "kind", "start", "end"), DHIS2_EXAMPLES)
def test_every_dhis2_period_form_is_read_with_its_dates(
    pid: str, kind: str, start: dt.date, end: dt.date
) -> None:
    p = P.parse(pid)
    assert (p.type, p.start, p.end, p.id) == (kind, start, end, pid)
    assert p.as_of == end
    assert P.for_date(kind, start, span_years=p.end.year - p.start.year + 1, anchor=start.year) == p


@pytest.mark.parametrize(
    ("other_form", "canonical"), [("2004-03", "200403"), ("2020W01", "2020W1"), ("2015WedW05", "2015WedW5")]
)
def test_the_other_forms_dhis2_reads_give_the_same_period(other_form: str, canonical: str) -> None:
    assert P.parse(other_form) == P.parse(canonical)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "2020Q5",
        "202013",
        "2020S3",
        "20",
        "2020W1x",
        "2021-2019",
        "abc",
        "2020q1",  # DHIS2's identifiers are case-sensitive
        "2015wedw5",
        "2004april",
        "2004APRIL",
        "2021W53",  # 2021 has 52 ISO weeks
        "2021BiW27",
        "2020W0",
        "20230230",  # no such day
        "200407B",  # six bi-months in a year
        "2020NovQ5",
        "2004AprilS3",
        "2004Jul",
        "2004Dec",
        "0000W1",
        "2020-13",
    ],
)
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(P.PeriodError):
        P.parse(bad)
    assert not P.is_valid(bad)


def test_weeks_of_every_start_day_follow_the_four_day_rule() -> None:
    # 1 January 2015 was a Thursday: the week holding it has four days of 2015 whatever day it starts on...
    assert P.for_date(P.WEEKLY, D(2015, 1, 1)).id == "2015W1"
    # ...unless it starts on Friday, Saturday or Sunday and 1 January is near its end.
    assert P.for_date(P.WEEKLY_SATURDAY, D(2015, 1, 1)).id == "2014SatW52"
    assert P.for_date(P.WEEKLY_SUNDAY, D(2015, 1, 1)).id == "2014SunW53"
    assert P.for_date(P.WEEKLY_WEDNESDAY, D(2015, 1, 1)).id == "2015WedW1"
    assert P.for_date(P.WEEKLY_THURSDAY, D(2015, 1, 1)).id == "2015ThuW1"


def test_a_year_is_made_of_its_quarters_months_and_weeks() -> None:
    year = P.parse("2020")
    assert [q.id for q in year.sub_periods(P.QUARTERLY)] == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert len(year.sub_periods(P.MONTHLY)) == 12
    assert len(year.sub_periods(P.BI_MONTHLY)) == 6
    assert [h.id for h in year.sub_periods(P.HALF_YEARLY)] == ["2020S1", "2020S2"]
    assert P.parse("2020Q2").sub_periods(P.MONTHLY)[0].id == "202004"
    assert P.parse("202004").sub_periods(P.QUARTERLY) == []
    assert [w.id for w in P.parse("202602").sub_periods(P.WEEKLY)] == ["2026W6", "2026W7", "2026W8"]
    assert len(P.parse("2026").sub_periods(P.DAILY)) == 365
    assert [q.id for q in P.parse("2020Nov").sub_periods(P.QUARTERLY_NOV)] == [
        "2020NovQ1",
        "2020NovQ2",
        "2020NovQ3",
        "2020NovQ4",
    ]


def test_previous_and_next_cross_year_boundaries() -> None:
    assert P.parse("202001").previous().id == "201912"
    assert P.parse("2020Q4").next().id == "2021Q1"
    assert P.parse("2020S1").previous().id == "2019S2"
    assert P.parse("2020W53").next().id == "2021W1"
    assert P.parse("2021W1").previous().id == "2020W53"
    assert P.parse("2020NovQ1").previous().id == "2019NovQ4"
    assert P.parse("2006NovS2").next().id == "2007NovS1"
    assert P.parse("2017-2020").next().id == "2021-2024"
    assert P.parse("2017-2020").previous().id == "2013-2016"


def test_custom_spans_follow_their_anchor_year() -> None:
    assert P.for_date(P.CUSTOM, D(2019, 5, 1), span_years=4, anchor=2017).id == "2017-2020"
    assert P.for_date(P.CUSTOM, D(2022, 5, 1), span_years=3, anchor=2021).id == "2021-2023"


def test_between_lists_every_overlapping_period() -> None:
    ids = [p.id for p in P.between(P.QUARTERLY, D(2020, 2, 15), D(2020, 7, 1))]
    assert ids == ["2020Q1", "2020Q2", "2020Q3"]
    assert len(P.between(P.DAILY, D(1, 1, 1), D(9999, 12, 31), limit=100)) == 101  # stops early


def test_dhis2_type_names_map_both_ways() -> None:
    assert P.parse("2015WedW5").dhis2_type == "WeeklyWednesday"
    assert P.parse("2004S1").dhis2_type == "SixMonthly"
    assert P.FROM_DHIS2_NAME["FinancialNov"] == P.FINANCIAL_NOV
    assert len(P.DHIS2_NAMES) == 20 and P.parse("2017-2020").dhis2_type is None


def test_labels_are_vietnamese() -> None:
    from django.utils import translation

    with translation.override("vi"):
        assert P.parse("202007").label() == "Tháng 07/2020"
        assert P.parse("2020Q3").label() == "Quý 3/2020"
        assert P.parse("2020S1").label() == "6 tháng đầu năm 2020"
        assert P.parse("2020").label() == "Năm 2020"
        assert P.parse("2017-2020").label() == "Giai đoạn 2017–2020"
        assert P.parse("2026W5").label() == "Tuần 5 năm 2026 (26/01–01/02)"
        assert P.parse("2015WedW5").label() == "Tuần 5 năm 2015 (28/01–03/02)"
        assert P.parse("2026BiW1").label() == "Hai tuần 1 năm 2026 (29/12–11/01)"
        assert P.parse("20260126").label() == "Ngày 26/01/2026"
        assert P.parse("202601B").label() == "Tháng 01–02/2026"
        assert P.parse("2020NovQ1").label() == "Quý 1 năm 2020 (11/2019–01/2020)"
        assert P.parse("2004AprilS1").label() == "Nửa năm 1 năm 2004 (04/2004–09/2004)"
        assert P.parse("2004April").label() == "Năm tài chính 04/2004–03/2005"


KINDS = [t for t in P.TYPES if t != P.CUSTOM]


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.sampled_from(KINDS))
def test_every_day_lies_in_a_period_whose_id_reads_back(day: dt.date, kind: str) -> None:
    p = P.for_date(kind, day)
    assert p.start <= day <= p.end
    assert P.parse(p.id) == p
    assert p.previous().next() == p
    if not (kind == P.BI_WEEKLY and p.id.endswith("BiW27")):  # DHIS2's BiW27 overlaps the next BiW1
        assert p.next().start == p.end + dt.timedelta(days=1)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))
def test_monday_weeks_are_iso_weeks(day: dt.date) -> None:
    year, week, _ = day.isocalendar()
    assert P.for_date(P.WEEKLY, day).id == f"{year}W{week}"


@given(st.sampled_from(KINDS), st.integers(1990, 2090), st.integers(1, 60))
def test_an_id_read_gives_dates_that_give_the_id_back(kind: str, year: int, number: int) -> None:
    p = P.for_date(kind, D(year, 6, 15))
    candidate = p.id[:4] + p.id[4:].rstrip("0123456789B") + str(number)
    if kind in (P.MONTHLY, P.BI_MONTHLY, P.DAILY, P.YEARLY) or kind.startswith("financial"):
        candidate = p.id
    try:
        q = P.parse(candidate)
    except P.PeriodError:
        return
    assert P.for_date(kind, q.start) == q
    assert P.for_date(kind, q.end) == q or kind == P.BI_WEEKLY
