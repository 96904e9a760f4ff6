"""The province's tree (thousands of units on a real province) is read once per page, not once per figure.

The issue measured the home page computing the province's completeness twice per view: completeness read
the tree of the period's last day for the subtree and again for the names, and the overview read today's
tree for a name it did not show.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services

# tree_as_of's one statement: every unit version of a day with the unit's code, kind and level.
TREE_SQL = '"units_unit"."level"'


def _tree_reads(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, sum(
        1 for q in ctx.captured_queries if "units_unitversion" in q["sql"] and TREE_SQL in q["sql"]
    )


@pytest.fixture
def second_form(monthly_form: Any, province: Any, unit: Any) -> Any:
    """Another monthly form: the same period, so the same tree."""
    return services.form_create(
        code="monthly2",
        name="Báo cáo tháng thứ hai",
        period_type="monthly",
        owner=province,
        by=SYSTEM,
        indicators=["members"],
        units=[unit(c) for c in ("BP", "BP-BGM", "BP-BGM-XPN")],
    )


def test_the_reporting_home_reads_the_tree_once_for_every_form_of_a_period(
    second_form: Any, approver: Any, client: Any
) -> None:
    client.force_login(approver)
    status, reads = _tree_reads(client, "/reports/")
    assert status == 200
    assert reads == 1
    assert "Báo cáo tháng thứ hai" in client.get("/reports/").content.decode()


def test_the_site_home_reads_the_tree_once(second_form: Any, approver: Any, client: Any) -> None:
    client.force_login(approver)
    status, reads = _tree_reads(client, "/")
    assert status == 200
    assert reads == 1


def test_the_completeness_page_reads_the_tree_once(monthly_form: Any, approver: Any, client: Any) -> None:
    from ketnoi.reporting.periods import current_period

    client.force_login(approver)
    period = current_period(monthly_form).id
    status, reads = _tree_reads(client, f"/reports/f/monthly/{period}/?unit=BP")
    assert status == 200
    assert reads == 1
