"""The REST contract: dataValueSets (JSON and CSV), analytics, forms, completeness, report workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue, ReportStatus


def _dvs(*values: tuple[str, str, str, Any]) -> dict[str, Any]:
    return {
        "dataSet": "monthly",
        "dataValues": [{"dataElement": e, "period": p, "orgUnit": u, "value": v} for e, p, u, v in values],
    }


def test_a_dhis2_shaped_import_by_codes_answers_counts_and_the_totals_appear_at_once(
    monthly_form: Any, clerk: Any, api_as: Any
) -> None:
    api = api_as(clerk)
    r = api.post(
        "dataValueSets",
        _dvs(
            ("members", "202001", "BP-BGM-XPN", "100"),
            ("members", "202002", "BP-BGM-XDK", 50),
            ("trained", "202001", "BP-BGM-XPN", ""),
        ),
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["responseType"], body["status"], body["conflicts"]) == ("ImportSummary", "SUCCESS", [])
    assert body["importCount"] == {"imported": 2, "updated": 0, "ignored": 1, "deleted": 0}
    r = api.post(
        "dataValueSets",
        _dvs(("members", "202001", "BP-BGM-XPN", "120"), ("members", "202002", "BP-BGM-XDK", "50")),
    )
    assert r.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    r = api.get("analytics", {"dx": "members;studied_pct", "ou": "BP-BGM", "pe": "2020Q1;202001"})
    assert r.status_code == 200
    body = r.json()
    assert ["members", "2020Q1", "BP-BGM", "170"] in body["rows"]
    assert ["members", "202001", "BP-BGM", "120"] in body["rows"]
    assert body["metaData"]["items"]["2020Q1"]["name"] == "Quý 1/2020"


def test_a_bad_value_rejects_the_whole_request_and_writes_nothing(
    monthly_form: Any, clerk: Any, api_as: Any
) -> None:
    r = api_as(clerk).post(
        "dataValueSets",
        _dvs(
            ("members", "202001", "BP-BGM-XPN", "100"),
            ("members", "202001", "BP-BGM-XDK", "nhiều"),
            ("nope", "202001", "BP-BGM-XDK", "1"),
            ("members", "2020Q9", "BP-BGM-XDK", "1"),
            ("members", "202001", "NOWHERE", "1"),
        ),
    )
    assert r.status_code == 409
    body = r.json()
    assert body["status"] == "ERROR"
    assert body["importCount"]["imported"] == 0
    assert len(body["conflicts"]) == 4
    text = " ".join(c["value"] for c in body["conflicts"])
    assert (
        "Xã Đa Kia" in text and "nhiều" in text and "nope" in text and "2020Q9" in text and "NOWHERE" in text
    )
    assert "line 2" in text or "dòng 2" in text
    assert not DataValue.objects.exists()


def test_an_import_cannot_change_units_outside_the_callers_subtree(
    monthly_form: Any, clerk: Any, api_as: Any
) -> None:
    r = api_as(clerk).post("dataValueSets", _dvs(("members", "202001", "BP-DX-PTP", "1")))
    assert r.status_code == 409
    refusal = r.json()["conflicts"][0]["value"]
    # Answered as an unknown unit: the refusal names only what the caller typed, nothing it may not see.
    assert "BP-DX-PTP" in refusal and "Phường Tân Phú" not in refusal
    unknown = api_as(clerk).post("dataValueSets", _dvs(("members", "202001", "BP-NOWHERE", "1")))
    assert refusal.replace("BP-DX-PTP", "X") == unknown.json()["conflicts"][0]["value"].replace(
        "BP-NOWHERE", "X"
    )
    assert not DataValue.objects.exists()


def test_units_and_indicators_may_be_given_by_name(monthly_form: Any, clerk: Any, api_as: Any) -> None:
    r = api_as(clerk).post("dataValueSets", _dvs(("Số đảng viên", "202001", "xa phu nghia", "7")))
    assert r.status_code == 200, r.content
    assert DataValue.objects.get().unit.code == "BP-BGM-XPN"


def test_csv_in_dhis2_column_order_imports_and_exports(monthly_form: Any, clerk: Any, api_as: Any) -> None:
    api = api_as(clerk)
    text = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup\n"
        "members,202001,BP-BGM-XPN,,,100,,,,false\n"
        "trained,202001,BP-BGM-XPN,default,,40,,,đã kiểm tra,false\n"
    )
    r = api.client.post(
        "/api/v1/dataValueSets",
        data=text.encode(),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert r.status_code == 200, r.content
    assert r.json()["importCount"]["imported"] == 2
    r = api.get("dataValueSets.csv", {"orgUnit": "BP-BGM", "period": "202001"})
    lines = b"".join(r.streaming_content).decode().splitlines()
    assert lines[0].startswith("dataelement,period,orgunit,categoryoptioncombo")
    assert "members,202001,BP-BGM-XPN,default,default,100,clerk" in lines[1]
    assert "đã kiểm tra" in lines[2]
    r = api.get(
        "dataValueSets",
        {"orgUnit": "BP-BGM", "dataSet": "monthly", "startDate": "2020-01-01", "endDate": "2020-12-31"},
    )
    assert [v["value"] for v in r.json()["dataValues"]] == ["100", "40"]


def test_a_bad_csv_line_is_named(monthly_form: Any, clerk: Any, api_as: Any) -> None:
    api = api_as(clerk)
    text = "dataelement,period,orgunit,value\nmembers,202001,BP-BGM-XPN,10\nmembers,,BP-BGM-XPN,3\n"
    r = api.client.post(
        "/api/v1/dataValueSets.csv",
        data=text.encode(),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert r.status_code == 422
    assert "3" in str(r.json()["error"]["fields"])
    assert not DataValue.objects.exists()


def test_values_cannot_be_exported_or_analysed_outside_the_callers_subtree(
    monthly_form: Any, clerk: Any, api_as: Any
) -> None:
    api = api_as(clerk)
    assert api.get("dataValueSets", {"orgUnit": "BP-DX"}).status_code == 403
    assert api.get("analytics", {"dx": "members", "ou": "BP", "pe": "2020"}).status_code == 403
    assert api.get("completeness", {"form": "monthly", "ou": "BP-DX", "pe": "202001"}).status_code == 403
    assert api.get("analytics", {"dx": "members", "ou": "BP-BGM", "pe": "2020"}).status_code == 200


def test_forms_list_their_code_name_and_period_type(
    monthly_form: Any, clerk: Any, api_as: Any, charlie: Any
) -> None:
    body = api_as(clerk).get("forms").json()
    assert body[0]["code"] == "monthly" and body[0]["period_type"] == "monthly"
    assert "members" in body[0]["indicators"]
    assert api_as(clerk).get("forms/monthly").json()["units"][0] == "BP"


def test_forms_are_not_listed_to_someone_without_any_role(
    monthly_form: Any, make_person: Any, api_as: Any
) -> None:
    nobody = make_person("nobody", "BP")
    assert api_as(nobody).get("forms").json() == []
    assert api_as(nobody).get("forms/monthly").status_code == 403


def test_completeness_lists_the_missing_units(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, api_as: Any
) -> None:
    with time_machine.travel(dt.datetime(2020, 2, 1, 3, tzinfo=dt.UTC)):
        saved = services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"members": "1"}, by=clerk
        )
        services.report_submit(report=saved.report, by=clerk)
    body = api_as(approver).get("completeness", {"form": "monthly", "ou": "BP-BGM", "pe": "202001"}).json()
    assert body["expected"] == 3 and body["on_time"] == 1 and body["late"] == 0
    assert sorted(u["code"] for u in body["missing"]) == ["BP-BGM", "BP-BGM-XDK"]


def test_the_report_workflow_over_the_api(
    monthly_form: Any, clerk: Any, district_approver: Any, api_as: Any, charlie: Any
) -> None:
    api = api_as(clerk)
    url = "reports/monthly/BP-BGM-XPN/202001"
    r = api.put(url, {"values": {"members": "10", "trained": "20"}})
    assert r.status_code == 422
    assert "trained" in r.json()["error"]["fields"]
    r = api.put(url, {"values": {"members": "10", "trained": "2"}})
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert api_as(charlie).put(url, {"values": {"members": "11"}}).status_code == 403
    assert api.post(f"{url}/submit").json()["status"] == "submitted"
    assert api.post(f"{url}/approve").status_code == 403
    r = api_as(district_approver).post(f"{url}/return", {"reason": "Kiểm tra lại"})
    assert r.json()["status"] == "returned" and r.json()["reason"] == "Kiểm tra lại"
    api.post(f"{url}/submit")
    assert api_as(district_approver).post(f"{url}/approve").json()["status"] == ReportStatus.APPROVED
    assert api.put(url, {"values": {"members": "12"}}).status_code == 409


def test_anonymous_callers_get_nothing(monthly_form: Any) -> None:
    assert Client().get("/api/v1/forms").status_code == 401
    assert (
        Client().post("/api/v1/dataValueSets", data="{}", content_type="application/json").status_code == 401
    )


@pytest.mark.parametrize(
    "body", ["not json", '{"dataValues": 3}', '{"dataValues": [{"dataElement": "members"}]}']
)
def test_malformed_documents_get_a_clear_message(
    monthly_form: Any, clerk: Any, api_as: Any, body: str
) -> None:
    api = api_as(clerk)
    r = api.client.post(
        "/api/v1/dataValueSets",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"]


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le", "utf-16", "utf-8-sig"])
def test_a_csv_body_in_utf16_with_or_without_a_byte_order_mark_is_read(
    monthly_form: Any, clerk: Any, api_as: Any, encoding: str
) -> None:
    api = api_as(clerk)
    text = "dataelement,period,orgunit,value,comment\nmembers,202001,BP-BGM-XPN,100,đã kiểm tra\n"
    r = api.client.post(
        "/api/v1/dataValueSets.csv",
        data=text.encode(encoding),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert r.status_code == 200, r.content
    assert DataValue.objects.get().comment == "đã kiểm tra"
