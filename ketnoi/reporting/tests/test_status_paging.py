"""The completeness page lists a province's units a page at a time (3.300 rows on a national deadline day
made it long to read and slow under load); the figures above the table still count every unit, and what
each row needs is read for the page shown only, so the page costs the same for 60 units as for 240."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import ReminderLog
from ketnoi.reporting.views import overview

NOW = "2026-04-10 09:00 +07:00"  # five days after the deadline of March's report
URL = "/reports/f/wide/202603/"
ROW = re.compile(r'<td class="card-title rp-level-\d">(?:<span[^>]*>[^<]*</span>)?([^<]+)</td>')


def _wide_form(unit: Any, communes: int, submitted: int) -> Any:
    """A monthly form for ``communes`` new communes of Bù Gia Mập; the first ``submitted`` have submitted."""
    from ketnoi.units.services import unit_create

    bgm = unit("BP-BGM")
    made = [
        unit_create(
            code=f"BP-BGM-X{i:03d}",
            name=f"Xã Thử {i:03d}",
            kind="commune",
            level="commune",
            parent=bgm,
            by=SYSTEM,
        )
        for i in range(communes)
    ]
    form = services.form_create(
        code="wide",
        name="Báo cáo tháng rộng",
        period_type="monthly",
        owner=unit("BP"),
        by=SYSTEM,
        indicators=["members"],
        units=made,
        deadline_days=5,
    )
    with time_machine.travel("2026-04-02 09:00 +07:00", tick=False):
        for commune in made[:submitted]:
            services.report_values_save(
                form=form, unit=commune, period="202603", values={"members": "5"}, by=SYSTEM
            )
            services.report_submit(
                report=services.report_open(form=form, unit=commune, period="202603", by=SYSTEM), by=SYSTEM
            )
    return form


def _stats(html: str) -> list[str]:
    return re.findall(r'<div class="stat"><div class="value">([^<]+)</div>', html)


@pytest.fixture
def district_approver(make_person: Any) -> Any:
    return make_person("bgm_approver", "BP-BGM", [("approver", "BP-BGM")])


def test_the_status_page_shows_a_page_of_rows_and_counts_every_unit(
    indicators: Any, unit: Any, district_approver: Any, web_as: Any
) -> None:
    _wide_form(unit, communes=120, submitted=3)
    client = web_as(district_approver)
    with time_machine.travel(NOW, tick=False):
        first = client.get(URL, {"unit": "BP-BGM"}).content.decode()
        second = client.get(URL, {"unit": "BP-BGM", "page": "2"}).content.decode()
    assert _stats(first)[:4] == ["120", "3", "0", "117"]  # expected, on time, late, not submitted: all units
    assert "(2%)" in first and "(98%)" in first  # the shares too (3 of 120, 117 of 120)
    assert len(ROW.findall(first)) == overview.STATUS_PAGE == 50
    assert ROW.findall(first)[0] == "Xã Thử 000"
    assert ROW.findall(second) == [f"Xã Thử {i:03d}" for i in range(50, 100)]
    assert _stats(second)[:4] == ["120", "3", "0", "117"]
    assert "Trang 1 / 3" in first and "(120 dòng)" in first
    assert 'href="?unit=BP-BGM&amp;page=2"' in first


def test_only_the_units_that_have_not_submitted_are_paged_and_the_pager_keeps_the_filter(
    indicators: Any, unit: Any, district_approver: Any, web_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(overview, "STATUS_PAGE", 10)
    _wide_form(unit, communes=24, submitted=4)
    client = web_as(district_approver)
    with time_machine.travel(NOW, tick=False):
        first = client.get(URL, {"unit": "BP-BGM", "only": "missing"}).content.decode()
        last = client.get(URL, {"unit": "BP-BGM", "only": "missing", "page": "2"}).content.decode()
    assert _stats(first)[:4] == ["24", "4", "0", "20"]  # the figures still count every unit
    assert ROW.findall(first) == [f"Xã Thử {i:03d}" for i in range(4, 14)]
    assert ROW.findall(last) == [f"Xã Thử {i:03d}" for i in range(14, 24)]
    assert 'href="?unit=BP-BGM&amp;only=missing&amp;page=2"' in first
    # The remind form acts on the rows shown and comes back to the same filter and page.
    assert 'name="units" value="BP-BGM-X014"' in last
    assert 'name="units" value="BP-BGM-X004"' not in last
    assert (
        '<input type="hidden" name="only" value="missing"><input type="hidden" name="page" value="2">' in last
    )


def test_a_reminder_sent_from_page_two_comes_back_to_page_two(
    indicators: Any, unit: Any, district_approver: Any, web_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(overview, "STATUS_PAGE", 10)
    _wide_form(unit, communes=15, submitted=0)
    client = web_as(district_approver)
    with time_machine.travel(NOW, tick=False):
        answer = client.post(
            "/reports/f/wide/202603/remind/",
            {"units": ["BP-BGM-X012"], "unit": "BP-BGM", "only": "missing", "page": "2"},
        )
    assert answer.status_code == 302
    assert answer["Location"] == f"{URL}?unit=BP-BGM&only=missing&page=2"
    assert ReminderLog.objects.filter(unit__code="BP-BGM-X012").exists()


def _queries(client: Any, form_code: str) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/reports/f/{form_code}/202603/", {"unit": "BP-BGM"}).status_code == 200
    return len(ctx.captured_queries)


def test_the_status_page_costs_the_same_number_of_queries_for_60_as_for_240_units(
    indicators: Any, unit: Any, district_approver: Any, web_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(overview, "STATUS_PAGE", 50)
    wide = _wide_form(unit, communes=240, submitted=5)
    services.form_create(
        code="narrow",
        name="Báo cáo tháng hẹp",
        period_type="monthly",
        owner=unit("BP"),
        by=SYSTEM,
        indicators=["members"],
        units=list(wide.units.order_by("path")[:60]),
        deadline_days=5,
    )
    client = web_as(district_approver)
    small, large = _queries(client, "narrow"), _queries(client, "wide")
    assert large <= small, (small, large)
    assert small <= 25, small
