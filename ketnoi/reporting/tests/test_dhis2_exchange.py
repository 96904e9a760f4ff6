"""DHIS2's rules for data values on the machine paths: value types, importStrategy, dryRun, the import
summary's shape with DHIS2's error codes, a data set's conflicts, the empty payload, partial import."""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue

# (value type, accepted as DHIS2 accepts them, refused as DHIS2 refuses them), through the EXCHANGE dialect.
VALUE_RULES = [
    ("integer", ["0", "-7", "42", "2147483647"], ["1.5", "+3", "007", "16.000", "2147483648", "abc", "1e3"]),
    ("integer_positive", ["1", "250"], ["0", "-1", "2.5"]),
    ("integer_negative", ["-1", "-250"], ["0", "1", "-2.5"]),
    ("integer_zero_or_positive", ["0", "9"], ["-1", "0.5"]),
    ("number", ["0", "-1.25", "3.5", "1000000"], ["1,5", "3.", ".5", "1 000", "NaN"]),
    ("percentage", ["0", "55", "100"], ["101", "-1", "12.5", "50%"]),
    ("boolean", ["true", "false", "True", "FALSE", "t", "F", "1", "0"], ["yes", "có", "tRuE", "2"]),
    ("true_only", ["true", "1", "T"], ["false", "0", "yes"]),
    ("text", ["Hội nghị quán triệt", "x" * 2000], ["x" * 2001]),
    ("long_text", ["x" * 50_000], ["x" * 50_001]),
]


@pytest.fixture
def typed(province: Any) -> None:
    for vt, _ok, _bad in VALUE_RULES:
        services.indicator_create(code=f"v_{vt}", name=f"Chỉ tiêu {vt}", by=SYSTEM, value_type=vt)


def _post(api: Any, values: list[dict[str, str]], query: str = "", **top: str) -> Any:
    return api.post(f"dataValueSets{query}", {**top, "dataValues": values})


@pytest.mark.parametrize(("vt", "accepted", "refused"), VALUE_RULES)
def test_each_value_type_follows_dhis2s_rules_through_the_api(
    typed: None, admin_user: Any, api_as: Any, vt: str, accepted: list[str], refused: list[str]
) -> None:
    api = api_as(admin_user)
    for i, text in enumerate(accepted):
        value = {"dataElement": f"v_{vt}", "period": f"2020{i + 1:02d}", "orgUnit": "BP", "value": text}
        response = _post(api, [value])
        assert response.status_code == 200, (vt, text[:20], response.content[:300])
    for text in refused:
        value = {"dataElement": f"v_{vt}", "period": "202012", "orgUnit": "BP", "value": text}
        response = _post(api, [value])
        assert response.status_code == 409, (vt, text[:20])
        [conflict] = response.json()["conflicts"]
        assert conflict["errorCode"] == "E7619", conflict
    assert not DataValue.objects.filter(indicator__code=f"v_{vt}", period="202012").exists()


def test_booleans_are_stored_as_dhis2_writes_them(typed: None, admin_user: Any, api_as: Any) -> None:
    api = api_as(admin_user)
    _post(api, [{"dataElement": "v_boolean", "period": "202001", "orgUnit": "BP", "value": "T"}])
    assert DataValue.objects.get(indicator__code="v_boolean").value == "true"
    exported = api.get("dataValueSets?orgUnit=BP&period=202001").json()["dataValues"]
    assert [v["value"] for v in exported] == ["true"]


def _values(*triples: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"dataElement": "members", "period": p, "orgUnit": u, "value": v} for p, u, v in triples]


def test_import_strategies_create_update_and_delete(monthly_form: Any, admin_user: Any, api_as: Any) -> None:
    api = api_as(admin_user)
    assert _post(api, _values(("202001", "BP-BGM", "10"))).json()["importCount"]["imported"] == 1
    both = _values(("202001", "BP-BGM", "11"), ("202002", "BP-BGM", "20"))
    created = _post(api, both, "?importStrategy=CREATE").json()["importCount"]
    assert created == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert DataValue.objects.get(period="202001").value == "10"  # CREATE leaves existing values
    updated = _post(
        api, _values(("202001", "BP-BGM", "12"), ("202003", "BP-BGM", "30")), "?importStrategy=UPDATE"
    )
    assert updated.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    assert not DataValue.objects.filter(period="202003").exists()
    gone = _post(
        api, _values(("202001", "BP-BGM", "anything"), ("202004", "BP-BGM", "1")), "?importStrategy=DELETE"
    )
    assert gone.json()["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 1}
    assert sorted(DataValue.objects.values_list("period", flat=True)) == ["202002"]
    refused = _post(api, [], "?importStrategy=MERGE")
    assert refused.status_code == 422 and "importStrategy" in refused.content.decode()


def test_a_dry_run_answers_the_summary_and_writes_nothing(
    monthly_form: Any, admin_user: Any, api_as: Any
) -> None:
    body = _post(api_as(admin_user), _values(("202001", "BP-BGM", "10")), "?dryRun=true").json()
    assert (body["status"], body["dryRun"], body["importCount"]["imported"]) == ("SUCCESS", True, 1)
    assert not DataValue.objects.exists()


def test_an_empty_payload_is_an_empty_successful_import(admin_user: Any, api_as: Any, province: Any) -> None:
    api = api_as(admin_user)
    for payload in ({}, {"dataValues": []}):
        response = api.post("dataValueSets", payload)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "SUCCESS" and body["conflicts"] == []
        assert body["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}


def test_a_data_set_adds_dhis2s_conflicts(monthly_form: Any, admin_user: Any, api_as: Any, unit: Any) -> None:
    services.indicator_create(code="outside", name="Ngoài biểu mẫu", by=SYSTEM)
    values = [
        {"dataElement": "outside", "period": "202001", "orgUnit": "BP-BGM", "value": "1"},
        {"dataElement": "members", "period": "2020Q1", "orgUnit": "BP-BGM", "value": "1"},
        {"dataElement": "members", "period": "202001", "orgUnit": "BP-BTG", "value": "1"},
        {"dataElement": "members", "period": "202001", "orgUnit": "BP-BGM", "value": "1"},
    ]
    response = _post(api_as(admin_user), values, dataSet="monthly")
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "ERROR"
    assert [c["errorCode"] for c in body["conflicts"]] == ["E7633", "E7632", "E7636"]
    assert body["importCount"] == {"imported": 0, "updated": 0, "ignored": 4, "deleted": 0}
    assert not DataValue.objects.exists()


def test_partial_import_writes_the_good_values_and_lists_the_bad(
    monthly_form: Any, admin_user: Any, api_as: Any
) -> None:
    values = _values(("202001", "BP-BGM", "10"), ("202001", "NOWHERE", "1"), ("2020W99", "BP-BGM", "1"))
    values.append({"dataElement": "nothing", "period": "202001", "orgUnit": "BP-BGM", "value": "1"})
    values.append({"dataElement": "members", "period": "202002", "orgUnit": "BP-BGM", "value": "1,5"})
    response = _post(api_as(admin_user), values, "?atomicMode=NONE")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "WARNING"
    assert body["importCount"] == {"imported": 1, "updated": 0, "ignored": 4, "deleted": 0}
    assert sorted(c["errorCode"] for c in body["conflicts"]) == ["E7610", "E7611", "E7612", "E7619"]
    assert any("2020W99" in c["value"] for c in body["conflicts"])
    assert list(DataValue.objects.values_list("value", flat=True)) == ["10"]


def test_dhis2s_documented_sample_payload_imports_as_in_dhis2(
    province: Any, admin_user: Any, api_as: Any, unit: Any
) -> None:
    # The sample of DHIS2's Web API guide ("Sending data values"), its ids used as our codes.
    for code in ("f7n9E0hX8qk", "Ix2HsbDMLea", "eY5ehpbEsB7"):
        services.indicator_create(code=code, name=code, by=SYSTEM)
    services.form_create(
        code="pBOMPrpg1QX",
        name="Mẫu DHIS2",
        period_type="monthly",
        owner=province,
        by=SYSTEM,
        indicators=["f7n9E0hX8qk", "Ix2HsbDMLea", "eY5ehpbEsB7"],
        units=[unit("BP-BGM")],
    )
    sample = {
        "dataSet": "pBOMPrpg1QX",
        "completeDate": "2014-02-03",
        "period": "201401",
        "orgUnit": "BP-BGM",
        "dataValues": [
            {"dataElement": "f7n9E0hX8qk", "value": "1"},
            {"dataElement": "Ix2HsbDMLea", "value": "2"},
            {"dataElement": "eY5ehpbEsB7", "value": "3"},
        ],
    }
    body = api_as(admin_user).post("dataValueSets", sample).json()
    assert (body["status"], body["importCount"]) == (
        "SUCCESS",
        {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0},
    )
    again = api_as(admin_user).post("dataValueSets", sample).json()
    assert again["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
