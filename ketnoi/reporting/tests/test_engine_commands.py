"""Management commands and the page-registry feed."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import feeds, selectors, services
from ketnoi.reporting.models import DataValue, Rollup


def test_a_dhis2_json_file_imports_from_the_command_line(monthly_form: Any, tmp_path: Path) -> None:
    path = tmp_path / "values.json"
    path.write_text(
        json.dumps(
            {
                "dataValues": [
                    {"dataElement": "members", "period": "202001", "orgUnit": "BP-DX-PTP", "value": 9}
                ]
            }
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("reporting-import", str(path), stdout=out)
    assert json.loads(out.getvalue())["importCount"]["imported"] == 1
    assert DataValue.objects.get().number == 9


def test_a_bad_csv_file_is_refused_with_its_line_and_nothing_is_written(
    monthly_form: Any, tmp_path: Path
) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "dataelement,period,orgunit,value\nmembers,202001,BP-DX-PTP,9\nmembers,202001,BP-DX,abc\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("reporting-import", str(path), stderr=err)
    assert "values.csv" in err.getvalue() and "abc" in err.getvalue()
    assert not DataValue.objects.exists()


def test_the_rollup_command_rebuilds_what_every_save_kept_current(monthly_form: Any, unit: Any) -> None:
    services.values_import(
        rows=[
            services.ImportRow("members", "202001", "BP-BGM-XPN", "4"),
            services.ImportRow("members", "202001", "BP-DX", "5"),
        ],
        by=SYSTEM,
    )
    selectors.aggregate(
        indicators=[monthly_form.indicators.get(code="members")], unit=unit("BP"), periods=[P.parse("202001")]
    )
    before = sorted(
        Rollup.objects.values_list("ancestor_id", "indicator_id", "option_id", "period", "total", "n")
    )
    call_command("reporting-rollup", stdout=io.StringIO())
    assert (
        sorted(Rollup.objects.values_list("ancestor_id", "indicator_id", "option_id", "period", "total", "n"))
        == before
    )
    assert Rollup.objects.get(ancestor=unit("BP"), period="202001", option_id=0).total == 9
    # The old name (with an underscore) still works for a release, and says so.
    err = io.StringIO()
    call_command("reporting_rollup", stdout=io.StringIO(), stderr=err)
    assert "reporting-rollup" in err.getvalue()
    assert Rollup.objects.get(ancestor=unit("BP"), period="202001", option_id=0).total == 9


def test_the_page_registry_feed_counts_each_units_own_pages(province: Any, unit: Any) -> None:
    if not feeds.available():
        pytest.skip("the page registry is not installed")
    from ketnoi.pages.services import page_register

    page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Trang A",
        url="https://facebook.com/trang.a",
        by=SYSTEM,
    )
    page_register(
        unit=unit("BP-BGM"), platform="zalo_oa", name="Trang B", url="https://zalo.me/123456789", by=SYSTEM
    )
    day = P.parse("209912").end
    assert feeds.feed_values("pages_count", [unit("BP-BGM").pk, unit("BP-DX").pk], day) == {
        unit("BP-BGM").pk: 2.0
    }
    assert feeds.feed_values("", [unit("BP-BGM").pk], day) == {}
