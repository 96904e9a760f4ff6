"""The demo: the 2017–2020 review figures and two years of monthly reports, loaded twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.lib import periods as P
from ketnoi.reporting import selectors
from ketnoi.reporting.models import DataValue, Report, ReportForm


@pytest.fixture
def demo(db: Any) -> None:
    from ketnoi.accounts import demo as accounts_demo
    from ketnoi.reporting import demo as reporting_demo
    from ketnoi.units import demo as units_demo

    units_demo.load()
    accounts_demo.load()
    reporting_demo.load()


def test_the_demo_loads_twice_to_the_same_data_and_shows_the_review_late_and_missing_reports(
    demo: Any, api_as: Any
) -> None:
    """One test for the whole demo: loading it is the expensive part."""
    from ketnoi.accounts.models import User
    from ketnoi.reporting import demo as reporting_demo

    counts = (DataValue.objects.count(), Report.objects.count())
    reporting_demo.load()
    assert (DataValue.objects.count(), Report.objects.count()) == counts
    assert counts[0] > 10000

    viewer = User.objects.get(username="tinh.viewer")
    r = api_as(viewer).get(
        "analytics", {"dx": "documents_issued_total;official_mailboxes", "ou": "BP", "pe": "2017-2020"}
    )
    assert r.status_code == 200
    assert ["documents_issued_total", "2017-2020", "BP", "61"] in r.json()["rows"]
    assert ["official_mailboxes", "2017-2020", "BP", "6913"] in r.json()["rows"]
    form = ReportForm.objects.get(code="review_2017_2020")
    assert form.period_type == "custom"
    assert form.units.count() == type(form.owner).objects.get_descendant_count(form.owner) + 1
    _monthly_demo_has_late_and_missing_reports_and_totals_that_match()


def _monthly_demo_has_late_and_missing_reports_and_totals_that_match() -> None:
    from ketnoi.accounts.models import User
    from ketnoi.units.models import Unit

    form = ReportForm.objects.get(code="monthly_comms")
    approver = User.objects.get(username="btg.approver")
    last = selectors.form_periods(form)[1]  # the month just ended
    c = selectors.completeness(form=form, unit=Unit.objects.get(code="BP"), period=last.id, for_user=approver)
    assert c.missing and (c.on_time or c.late)
    older = selectors.form_periods(form)[6]
    c_old = selectors.completeness(
        form=form, unit=Unit.objects.get(code="BP"), period=older.id, for_user=approver
    )
    assert c_old.late or any(s.status == "late" for s in c_old.expected)
    quarter = P.for_date(P.QUARTERLY, older.start)
    bp = Unit.objects.get(code="BP")
    from ketnoi.reporting.models import Indicator

    news = Indicator.objects.get(code="news_items")
    total = selectors.aggregate(indicators=[news], unit=bp, periods=[quarter])[("news_items", quarter.id)]
    direct = sum(
        v
        for v in DataValue.objects.filter(
            indicator=news, period_start__gte=quarter.start, period_end__lte=quarter.end
        ).values_list("number", flat=True)
        if v is not None
    )
    assert total == direct
    # The 2025 merger of wards: before it, the merged wards report under Đồng Xoài; after it, they are gone.
    before = P.parse("202506")
    if before.end >= last.start - dt.timedelta(days=730):
        codes = {u.code for u in selectors.form_reporting_units(form, under=bp, day=before.end)}
        assert "BP-DX-PTD" in codes
    codes_now = {u.code for u in selectors.form_reporting_units(form, under=bp, day=last.end)}
    assert "BP-DX-PTD" not in codes_now
