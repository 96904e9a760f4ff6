"""The DHIS2-compatible mount (/api/..., /api/40/...): a published DHIS2 client library (dhis2-client from
PyPI) against a running Kết Nối; Basic (through the login lockout, refused for roles needing a second factor),
ApiToken and Bearer authentication scoped like the user; metadata by code; analytics in DHIS2's shape."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue, Indicator, ReportForm
from ketnoi.reporting.tests import conftest as reporting_fixtures
from ketnoi.units.models import Unit

PASSWORD = "test-password-123"
indicators = reporting_fixtures.indicators  # the reporting tests' fixtures, shared
monthly_form = reporting_fixtures.monthly_form


def _basic(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _get(path: str, auth: str, **params: Any) -> Any:
    return Client().get(path, params, HTTP_AUTHORIZATION=auth)


def test_a_dhis2_client_library_reads_posts_and_analyses_unchanged(
    live_server: Any,
    monthly_form: Any,
    make_person: Any,
    monkeypatch: Any,
) -> None:
    from dhis2_client import DHIS2Client

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_person("bgm_clerk", "BP-BGM", [("data_entry", "BP-BGM"), ("viewer", "BP-BGM")])
    client = DHIS2Client(live_server.url, username="bgm_clerk", password=PASSWORD, retries=0)
    try:
        assert client.get_system_info()["version"].startswith("2.")
        assert client.get_current_user()["organisationUnits"][0]["id"] == "BP-BGM"
        units = {u["id"] for u in client.get_organisation_units()}
        assert units == {"BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK"}  # its subtree, nothing else
        [data_set] = [d for d in client.get_data_sets() if d["id"] == "monthly"]
        assert data_set["periodType"] == "Monthly"
        assert {"members", "trained"} <= {e["dataElement"]["id"] for e in data_set["dataSetElements"]}
        summary = client.post_data_value_set(
            {
                "dataSet": "monthly",
                "period": "202001",
                "dataValues": [
                    {"dataElement": "members", "orgUnit": "BP-BGM-XPN", "value": "100"},
                    {"dataElement": "members", "orgUnit": "BP-BGM-XDK", "value": "50"},
                ],
            }
        )
        assert summary["status"] == "SUCCESS" and summary["importCount"]["imported"] == 2
        table = client.get_analytics_data(dx="members", ou="BP-BGM", pe="202001")
        assert [h["name"] for h in table["headers"]] == ["dx", "ou", "pe", "value"]
        assert table["rows"] == [["members", "BP-BGM", "202001", "150"]]
    finally:
        client.close()
    assert DataValue.objects.count() == 2


def test_every_path_answers_under_a_dhis2_version_too(admin_user: Any, api_as: Any) -> None:
    token = api_as(admin_user).token
    for prefix in ("/api/", "/api/40/", "/api/41/"):
        assert _get(f"{prefix}system/info", f"ApiToken {token}").status_code == 200, prefix
        assert _get(f"{prefix}me", f"Bearer {token}").json()["username"] == "admin"


def test_basic_auth_goes_through_the_login_lockout(province: Any, make_person: Any, settings: Any) -> None:
    make_person("dx_viewer", "BP-DX", [("viewer", "BP-DX")])
    settings.AXES_FAILURE_LIMIT = 3
    assert _get("/api/me", _basic("dx_viewer")).status_code == 200
    for _i in range(3):
        assert _get("/api/me", _basic("dx_viewer", "wrong")).status_code in (401, 429)
    locked = _get("/api/me", _basic("dx_viewer"))
    assert locked.status_code == 429, locked.content  # even the right password, until the lockout ends


def test_basic_auth_is_refused_to_a_role_needing_a_second_factor(
    province: Any, make_person: Any, settings: Any
) -> None:
    settings.KETNOI_REQUIRE_2FA = True
    make_person("bgm_approver", "BP-BGM", [("approver", "BP-BGM")])
    answer = _get("/api/me", _basic("bgm_approver"))
    assert answer.status_code == 401
    assert "ApiToken" in answer.json()["error"]["message"]


def test_a_caller_sees_and_changes_only_their_subtree(
    monthly_form: Any,
    make_person: Any,
    api_as: Any,
) -> None:
    clerk = make_person("dx_clerk", "BP-DX", [("data_entry", "BP-DX")])
    auth = f"ApiToken {api_as(clerk).token}"
    assert _get("/api/organisationUnits/BP-BGM", auth).status_code in (403, 404)
    assert {
        u["id"] for u in _get("/api/organisationUnits", auth, paging="false").json()["organisationUnits"]
    } == {
        "BP-DX",
        "BP-DX-PTP",
    }
    body = {"dataValues": [{"dataElement": "members", "period": "202001", "orgUnit": "BP-BGM", "value": "1"}]}
    answer = Client().post(
        "/api/dataValueSets", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert answer.status_code == 409 and answer.json()["conflicts"][0]["errorCode"] == "E7612"
    assert not DataValue.objects.exists()


def test_metadata_sets_up_a_weekly_form_by_code_and_exports_it(
    admin_user: Any, api_as: Any, province: Any
) -> None:
    auth = f"ApiToken {api_as(admin_user).token}"
    document = {
        "organisationUnits": [{"code": "BP-BGM-NEW", "name": "Xã Mới", "parent": {"id": "BP-BGM"}}],
        "dataElements": [
            {"code": "cases", "name": "Số ca", "valueType": "INTEGER_ZERO_OR_POSITIVE"},
            {"code": "note", "name": "Ghi chú", "valueType": "LONG_TEXT"},
        ],
        "dataSets": [
            {
                "code": "weekly_cases",
                "name": "Báo cáo tuần",
                "periodType": "Weekly",
                "dataSetElements": [{"dataElement": {"id": "cases"}}, {"dataElement": {"code": "note"}}],
                "organisationUnits": [{"id": "BP-BGM-NEW"}, {"id": "BP-BGM-XPN"}],
            }
        ],
    }
    client = Client()
    dry = client.post(
        "/api/metadata?dryRun=true", document, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert dry.json()["stats"]["created"] == 4 and not Unit.objects.filter(code="BP-BGM-NEW").exists()
    done = client.post("/api/metadata", document, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert done.status_code == 200, done.content
    assert done.json()["stats"] == {"created": 4, "updated": 0, "deleted": 0, "ignored": 0, "total": 4}
    form = ReportForm.objects.get(code="weekly_cases")
    assert (form.period_type, form.owner.code) == ("weekly", "BP-BGM")
    assert Indicator.objects.get(code="cases").value_type == "integer_zero_or_positive"
    again = client.post("/api/metadata", document, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert again.json()["stats"]["updated"] == 4
    exported = _get("/api/metadata", auth).json()
    [data_set] = [d for d in exported["dataSets"] if d["id"] == "weekly_cases"]
    assert data_set["periodType"] == "Weekly" and len(data_set["organisationUnits"]) == 2
    assert next(u for u in exported["organisationUnits"] if u["id"] == "BP-BGM-NEW")["parent"] == {
        "id": "BP-BGM",
        "code": "BP-BGM",
    }
    wrong = client.post(
        "/api/dataSets",
        {"code": "bad", "name": "x", "periodType": "Fortnightly"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert wrong.status_code == 422 and "Fortnightly" in wrong.content.decode()


def test_metadata_writes_need_the_users_rights(province: Any, make_person: Any, api_as: Any) -> None:
    viewer = make_person("viewer_bp", "BP", [("viewer", "BP")])
    auth = f"ApiToken {api_as(viewer).token}"
    answer = Client().post(
        "/api/dataElements",
        {"code": "x1", "name": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert answer.status_code == 403
    assert not Indicator.objects.filter(code="x1").exists()


@pytest.fixture
def entered(monthly_form: Any) -> None:
    rows = [
        services.ImportRow("members", pid, unit, value)
        for pid, unit, value in (
            ("202601", "BP-BGM-XPN", "10"),
            ("202602", "BP-BGM-XPN", "20"),
            ("202602", "BP-DX-PTP", "5"),
            ("202512", "BP-BGM-XDK", "7"),
        )
    ]
    services.values_import(rows=rows, by=SYSTEM)


def test_analytics_in_dhis2s_shape_with_relative_periods_keywords_and_filters(
    entered: None, admin_user: Any, api_as: Any, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    auth = f"ApiToken {api_as(admin_user).token}"
    table = (
        Client()
        .get(
            "/api/analytics?dimension=dx:members&dimension=ou:USER_ORGUNIT_CHILDREN&dimension=pe:LAST_3_MONTHS",
            HTTP_AUTHORIZATION=auth,
        )
        .json()
    )
    assert [h["name"] for h in table["headers"]] == ["dx", "ou", "pe", "value"]
    assert {"name", "column", "valueType", "type", "meta"} <= table["headers"][0].keys()
    assert table["metaData"]["dimensions"]["pe"] == ["202512", "202601", "202602"]
    assert sorted(table["rows"]) == [
        ["members", "BP-BGM", "202512", "7"],
        ["members", "BP-BGM", "202601", "10"],
        ["members", "BP-BGM", "202602", "20"],
        ["members", "BP-DX", "202602", "5"],
    ]
    assert (table["height"], table["width"]) == (4, 4)
    assert table["metaData"]["items"]["202601"]["name"] == "Tháng 01/2026"
    filtered = (
        Client()
        .get(
            "/api/analytics?dimension=dx:members&dimension=ou:LEVEL-2&filter=pe:THIS_YEAR",
            HTTP_AUTHORIZATION=auth,
        )
        .json()
    )
    assert [h["name"] for h in filtered["headers"]] == ["dx", "ou", "value"]
    assert sorted(filtered["rows"]) == [["members", "BP-BGM", "30"], ["members", "BP-DX", "5"]]
    bad = Client().get(
        "/api/analytics?dimension=dx:members&dimension=ou:BP&dimension=pe:2026w5", HTTP_AUTHORIZATION=auth
    )
    assert bad.status_code == 422 and "2026w5" in bad.content.decode()
