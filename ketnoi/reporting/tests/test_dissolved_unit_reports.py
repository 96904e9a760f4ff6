"""A unit reports only the periods it existed in (issue 11, item 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.reporting import services
from ketnoi.units import services as units


def test_a_merged_commune_reports_its_old_periods_but_not_the_new_ones(
    monthly_form: Any, unit: Any, clerk: Any, admin_user: Any
) -> None:
    units.unit_merge(
        sources=[unit("BP-BGM-XPN")],
        target=unit("BP-BGM-XDK"),
        effective_date=dt.date(2025, 7, 1),
        by=admin_user,
    )
    report = services.report_open(form=monthly_form, unit=unit("BP-BGM-XPN"), period="202506", by=clerk)
    assert report.period == "202506"
    with pytest.raises(ValidationError) as error:
        services.report_open(form=monthly_form, unit=unit("BP-BGM-XPN"), period="202507", by=clerk)
    assert "Xã Đa Kia" in str(error.value)
