"""Data value sets in every DHIS2 format: CSV with ``deleted``, DXF2 XML and ADX, import and export; XML is
read without DTDs or entities."""

from __future__ import annotations

from typing import Any

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.dhis2_xml import adx_period, to_adx_period
from ketnoi.reporting.models import DataValue


def _send(api: Any, path: str, body: bytes | str, content_type: str) -> Any:
    data = body.encode() if isinstance(body, str) else body
    return api.client.post(
        f"/api/v1/{path}", data=data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )


def _seed(monthly_form: Any) -> None:
    rows = [
        services.ImportRow("members", "202001", "BP-BGM", "100"),
        services.ImportRow("trained", "202001", "BP-BGM", "40", comment="Hội nghị & tập huấn <quý I>"),
    ]
    services.values_import(rows=rows, by=SYSTEM)


def test_the_csv_ends_with_dhis2s_deleted_column_and_deleted_true_deletes(
    monthly_form: Any, admin_user: Any, api_as: Any
) -> None:
    _seed(monthly_form)
    api = api_as(admin_user)
    text = b"".join(api.get("dataValueSets.csv?orgUnit=BP&period=202001").streaming_content).decode()
    header, *lines = text.splitlines()
    assert header.split(",")[-2:] == ["followup", "deleted"]
    assert all(line.endswith(",false") for line in lines)
    body = "dataelement,period,orgunit,value,deleted\nmembers,202001,BP-BGM,100,true\n"
    answer = _send(api, "dataValueSets.csv", body, content_type="text/csv").json()
    assert answer["importCount"]["deleted"] == 1
    assert list(DataValue.objects.values_list("indicator__code", flat=True)) == ["trained"]


def test_dxf2_xml_exports_and_imports_back_unchanged(monthly_form: Any, admin_user: Any, api_as: Any) -> None:
    _seed(monthly_form)
    api = api_as(admin_user)
    response = api.get("dataValueSets.xml?orgUnit=BP&period=202001&dataSet=monthly")
    assert response["Content-Type"].startswith("application/xml")
    xml = b"".join(response.streaming_content)
    assert b'xmlns="http://dhis2.org/schema/dxf/2.0"' in xml and b"&amp; t" in xml
    again = _send(api, "dataValueSets", xml, content_type="application/xml").json()
    assert again["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    DataValue.objects.all().delete()
    fresh = _send(api, "dataValueSets?dryRun=false", xml, content_type="application/xml").json()
    assert fresh["importCount"]["imported"] == 2
    assert DataValue.objects.get(indicator__code="trained").comment == "Hội nghị & tập huấn <quý I>"
    negotiated = api.get("dataValueSets?orgUnit=BP&period=202001", HTTP_ACCEPT="application/xml")
    assert b"<dataValueSet" in b"".join(negotiated.streaming_content)


def test_adx_periods_name_dhis2_periods_both_ways() -> None:
    for adx, pid in (
        ("2026-01-26/P7D", "2026W5"),
        ("2026-01-28/P7D", "2026WedW5"),
        ("2026-01-01/P1M", "202601"),
        ("2026-01-01/P2M", "202601B"),
        ("2026-04-01/P3M", "2026Q2"),
        ("2025-11-01/P3M", "2026NovQ1"),
        ("2026-04-01/P6M", "2026AprilS1"),
        ("2026-01-01/P1Y", "2026"),
        ("2026-07-01/P1Y", "2026July"),
        ("2026-01-26/P1D", "20260126"),
        ("2017-01-01/P4Y", "2017-2020"),
    ):
        assert adx_period(adx) == pid, adx
        assert to_adx_period(pid) == adx


def test_adx_imports_a_weekly_form_and_exports_its_groups(
    province: Any, indicators: Any, admin_user: Any, api_as: Any, unit: Any
) -> None:
    services.form_create(
        code="weekly",
        name="Báo cáo tuần",
        period_type="weekly",
        owner=province,
        by=SYSTEM,
        indicators=["members"],
        units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")],
    )
    adx = """<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-02-02T08:00:00Z">
  <group dataSet="weekly" orgUnit="BP-BGM-XPN" period="2026-01-26/P7D">
    <dataValue dataElement="members" value="16"/>
  </group>
  <group dataSet="weekly" orgUnit="BP-BGM-XDK" period="2026-01-26/P7D">
    <dataValue dataElement="members" value="4"><annotation>Đủ</annotation></dataValue>
  </group>
</adx>""".encode()
    api = api_as(admin_user)
    answer = _send(api, "dataValueSets", adx, content_type="application/adx+xml")
    assert answer.status_code == 200, answer.content
    assert answer.json()["importCount"]["imported"] == 2
    assert set(DataValue.objects.values_list("period", "value", "comment")) == {
        ("2026W5", "16", ""),
        ("2026W5", "4", "Đủ"),
    }
    exported = b"".join(api.get("dataValueSets.adx?orgUnit=BP-BGM&dataSet=weekly").streaming_content).decode()
    assert exported.count("<group ") == 2 and 'period="2026-01-26/P7D"' in exported
    assert 'xmlns="urn:ihe:qrph:adx:2015"' in exported


def test_a_bad_adx_period_or_a_wrong_day_is_a_4xx_naming_it(
    monthly_form: Any, admin_user: Any, api_as: Any
) -> None:
    for period in ("2026-01-27/P7D", "2026-13-01/P1M", "202601"):
        adx = f'<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="BP" period="{period}">'
        adx += '<dataValue dataElement="members" value="1"/></group></adx>'
        response = _send(api_as(admin_user), "dataValueSets", adx, "application/adx+xml")
        assert response.status_code == 422 and period in response.content.decode(), period


def test_xml_with_a_doctype_or_entities_is_refused_before_parsing(
    monthly_form: Any, admin_user: Any, api_as: Any, tmp_path: Any
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>
<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">
  <dataValue dataElement="members" period="202001" orgUnit="BP" value="1" comment="&x;"/>
</dataValueSet>"""
    api = api_as(admin_user)
    for content_type in ("application/xml", "application/adx+xml"):
        response = _send(api, "dataValueSets", xxe.encode(), content_type=content_type)
        assert response.status_code == 422 and "BÍ MẬT" not in response.content.decode()
    broken = _send(api, "dataValueSets", b"<dataValueSet><dataValue", "application/xml")
    assert broken.status_code == 422 and "XML" in broken.content.decode()
    assert not DataValue.objects.exists()
