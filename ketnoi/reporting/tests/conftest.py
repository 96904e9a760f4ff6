"""Fixtures of the reporting engine's tests: a monthly form (members, trained, studied), built by services."""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services


@pytest.fixture
def indicators(province: Any) -> dict[str, Any]:
    members = services.indicator_create(code="members", name="Số đảng viên", by=SYSTEM, min_value=0)
    trained = services.indicator_create(code="trained", name="Số người được tập huấn", by=SYSTEM, min_value=0)
    studied = services.indicator_create(
        code="studied", name="Số người học tập chỉ thị", by=SYSTEM, min_value=0
    )
    pct = services.indicator_create(
        code="studied_pct",
        name="Tỷ lệ học tập chỉ thị",
        by=SYSTEM,
        value_type="percentage",
        formula="studied / members * 100",
        decimals=1,
    )
    followers = services.indicator_create(
        code="followers", name="Tổng số người theo dõi", by=SYSTEM, time_aggregation="last"
    )
    return {
        "members": members,
        "trained": trained,
        "studied": studied,
        "studied_pct": pct,
        "followers": followers,
    }


@pytest.fixture
def monthly_form(province: Any, indicators: dict[str, Any], unit: Any) -> Any:
    form = services.form_create(
        code="monthly",
        name="Báo cáo tháng",
        period_type="monthly",
        owner=province,
        by=SYSTEM,
        indicators=["members", "trained", "studied", "studied_pct", "followers"],
        units=[unit(c) for c in ("BP", "BP-BGM", "BP-DX", "BP-BGM-XPN", "BP-BGM-XDK", "BP-DX-PTP")],
        deadline_days=5,
    )
    services.rule_create(form=form, left="trained", operator="<=", right="members", by=SYSTEM)
    return form


@pytest.fixture
def clerk(make_person: Any) -> Any:
    """Data entry for Bù Gia Mập and its communes."""
    return make_person("clerk", "BP-BGM", [("data_entry", "BP-BGM")])


@pytest.fixture
def approver(make_person: Any) -> Any:
    """Approver of the province: approves the districts' reports."""
    return make_person("approver", "BP", [("approver", "BP")])


@pytest.fixture
def district_approver(make_person: Any) -> Any:
    return make_person("bgm_approver", "BP-BGM", [("approver", "BP-BGM")])
