"""The demo: the 2017–2020 review figures and two years of monthly reports, loaded twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.lib import periods as P
from ketnoi.reporting import selectors
from ketnoi.reporting.models import DataValue, Report, ReportForm
from ketnoi.reporting.periods import form_periods


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
    last = form_periods(form)[1]  # the month just ended
    dn = Unit.objects.get(code="DN")
    c = selectors.completeness(form=form, unit=dn, period=last.id, for_user=approver)
    assert c.missing and (c.on_time or c.late)
    older = form_periods(form)[6]
    c_old = selectors.completeness(form=form, unit=dn, period=older.id, for_user=approver)
    assert c_old.late or any(s.status == "late" for s in c_old.expected)
    quarter = P.for_date(P.QUARTERLY, older.start)
    bp = Unit.objects.get(code="BP")
    from ketnoi.reporting.models import Indicator

    news = Indicator.objects.get(code="news_items")
    total = selectors.aggregate(indicators=[news], unit=dn, periods=[quarter])[("news_items", quarter.id)]
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
    codes_now = {u.code for u in selectors.form_reporting_units(form, under=dn, day=last.end)}
    assert "DN-PBP" in codes_now and "BP-DX-PTD" not in codes_now and "BP-DX" not in codes_now
    _reports_roll_up_on_the_old_tree_before_the_reform_and_on_the_new_one_after(news, bp, dn)


def _reports_roll_up_on_the_old_tree_before_the_reform_and_on_the_new_one_after(
    news: Any, bp: Any, dn: Any
) -> None:
    """A period before 01/07/2025 adds up Bình Phước's districts and communes; a later one adds up Đồng Nai's
    communes and wards, and the former district no longer counts anywhere."""
    from ketnoi.units import selectors as unit_selectors
    from ketnoi.units.models import Unit

    def direct(period: P.Period, root: Any) -> float:
        members = unit_selectors.subtree_ids_as_of(root, period.end)
        return sum(
            v.number or 0
            for v in DataValue.objects.filter(indicator=news, period=period.id, unit_id__in=members)
        )

    def rolled(unit: Any, period: P.Period) -> float | None:
        return selectors.aggregate(indicators=[news], unit=unit, periods=[period])[("news_items", period.id)]

    before, after = P.parse("202506"), P.parse("202607")
    dx = Unit.objects.get(code="BP-DX")
    assert rolled(bp, before) == direct(before, bp) > 0
    assert rolled(dx, before) == direct(before, dx) > 0  # the district's own history, under its old name
    old_communes = {u.pk for u in Unit.objects.filter(code__startswith="BP-DX-")}
    assert old_communes <= unit_selectors.subtree_ids_as_of(dx, before.end)
    assert rolled(dn, after) == direct(after, dn) > 0
    assert DataValue.objects.filter(indicator=news, period=after.id, unit__code__startswith="DN-P").exists()
    assert not DataValue.objects.filter(
        indicator=news, period=after.id, unit__code__startswith="BP-DX"
    ).exists()
    # The new ward rolls up to the new province; the old province had no tree that month.
    assert unit_selectors.subtree_ids_as_of(bp, after.end) == set()
