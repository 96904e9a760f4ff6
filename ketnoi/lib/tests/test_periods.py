from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnoi.lib import periods as P


@pytest.mark.parametrize(
    ("pid", "kind", "start", "end"),
    [
        ("202007", P.MONTHLY, dt.date(2020, 7, 1), dt.date(2020, 7, 31)),
        ("202002", P.MONTHLY, dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2020Q3", P.QUARTERLY, dt.date(2020, 7, 1), dt.date(2020, 9, 30)),
        ("2020S1", P.HALF_YEARLY, dt.date(2020, 1, 1), dt.date(2020, 6, 30)),
        ("2020S2", P.HALF_YEARLY, dt.date(2020, 7, 1), dt.date(2020, 12, 31)),
        ("2020", P.YEARLY, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        ("2017-2020", P.CUSTOM, dt.date(2017, 1, 1), dt.date(2020, 12, 31)),
    ],
)
def test_dhis2_period_identifiers_are_read_with_their_span(
    pid: str, kind: str, start: dt.date, end: dt.date
) -> None:
    p = P.parse(pid)
    assert (p.type, p.start, p.end, p.id) == (kind, start, end, pid)
    assert p.as_of == end


@pytest.mark.parametrize("bad", ["", "2020Q5", "202013", "2020S3", "20", "2020W1x", "2021-2019", "abc"])
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(P.PeriodError):
        P.parse(bad)
    assert not P.is_valid(bad)


def test_lower_case_quarters_are_accepted() -> None:
    assert P.parse("2020q1").id == "2020Q1"


def test_a_year_is_made_of_its_quarters_and_months() -> None:
    year = P.parse("2020")
    assert [q.id for q in year.sub_periods(P.QUARTERLY)] == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert len(year.sub_periods(P.MONTHLY)) == 12
    assert [h.id for h in year.sub_periods(P.HALF_YEARLY)] == ["2020S1", "2020S2"]
    assert P.parse("2020Q2").sub_periods(P.MONTHLY)[0].id == "202004"
    assert P.parse("202004").sub_periods(P.QUARTERLY) == []


def test_previous_and_next_cross_year_boundaries() -> None:
    assert P.parse("202001").previous().id == "201912"
    assert P.parse("2020Q4").next().id == "2021Q1"
    assert P.parse("2020S1").previous().id == "2019S2"
    assert P.parse("2017-2020").next().id == "2021-2024"
    assert P.parse("2017-2020").previous().id == "2013-2016"


def test_custom_spans_follow_their_anchor_year() -> None:
    assert P.for_date(P.CUSTOM, dt.date(2019, 5, 1), span_years=4, anchor=2017).id == "2017-2020"
    assert P.for_date(P.CUSTOM, dt.date(2022, 5, 1), span_years=3, anchor=2021).id == "2021-2023"


def test_between_lists_every_overlapping_period() -> None:
    ids = [p.id for p in P.between(P.QUARTERLY, dt.date(2020, 2, 15), dt.date(2020, 7, 1))]
    assert ids == ["2020Q1", "2020Q2", "2020Q3"]


def test_labels_are_vietnamese(settings: object) -> None:
    from django.utils import translation

    with translation.override("vi"):
        assert P.parse("202007").label() == "Tháng 07/2020"
        assert P.parse("2020Q3").label() == "Quý 3/2020"
        assert P.parse("2020S1").label() == "6 tháng đầu năm 2020"
        assert P.parse("2020").label() == "Năm 2020"
        assert P.parse("2017-2020").label() == "Giai đoạn 2017–2020"


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.sampled_from(P.TYPES[:4]))
def test_every_day_lies_in_exactly_one_period_whose_id_reads_back(day: dt.date, kind: str) -> None:
    p = P.for_date(kind, day)
    assert p.start <= day <= p.end
    assert P.parse(p.id) == p
    assert p.next().start == p.end + dt.timedelta(days=1)
    assert p.previous().next() == p
