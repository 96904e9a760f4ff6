"""The security audit trail: each security event leaves one structured record (who, what, when in UTC,
the client's address behind the trusted proxy, the unit), the table is append-only for the application
and (by trigger) for the database, administrators filter, page and export it, and retention prunes it."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from openpyxl import load_workbook

from ketnoi.accounts import services as accounts
from ketnoi.core.audit import prune_security_events, security_event
from ketnoi.core.models import AppendOnly, SecurityEvent
from ketnoi.core.permissions import SYSTEM

PASSWORD = "test-password-123"
CLIENT = "203.0.113.5"


def _kinds(**filters: Any) -> list[str]:
    return list(SecurityEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def _login(username: str, password: str) -> Any:
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=CLIENT,
    )


def test_a_login_and_a_failed_login_record_the_person_the_unit_and_the_client_behind_the_proxy(
    bob: Any, settings: Any
) -> None:
    settings.KETNOI_TRUSTED_PROXIES = ["127.0.0.1"]
    _login("bob", "wrong-password-1")
    _login("bob", PASSWORD)
    failed, login = SecurityEvent.objects.filter(person=bob).order_by("id")
    assert (failed.kind, login.kind) == ("login_failed", "login")
    assert login.address == CLIENT and failed.address == CLIENT
    assert login.unit.code == "BP-BGM" and login.at.utcoffset() == dt.timedelta(0)
    assert failed.username == "" and login.detail == {}


def test_a_failed_login_for_no_account_keeps_the_name_typed_and_no_person(province: Any) -> None:
    _login("nobody-here", "whatever-123")
    event = SecurityEvent.objects.get(kind="login_failed")
    assert event.person is None and event.username == "nobody-here" and event.address == "127.0.0.1"


def test_a_refused_page_and_a_refused_api_call_are_recorded_with_the_unit(
    bob: Any, web_as: Any, api_as: Any, unit: Any
) -> None:
    accounts.api_token_create(user=bob, name="x", by=bob)
    client = web_as(bob)
    assert client.get("/accounts/people/").status_code == 403
    refused = SecurityEvent.objects.filter(kind="access_refused", person=bob)
    assert refused.count() == 1 and refused.get().detail["path"] == "/accounts/people/"
    response = api_as(bob).patch("units/BP-BGM", {"short_name": "Đổi tên"})
    assert response.status_code == 403
    assert refused.count() == 2
    event = refused.order_by("-id").first()
    assert event is not None and event.unit == unit("BP-BGM")
    assert event.detail == {"method": "PATCH", "path": "/api/v1/units/BP-BGM"}


def test_tokens_passwords_roles_and_deactivation_each_leave_an_event(
    bob: Any, admin_user: Any, unit: Any
) -> None:
    before = SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    token, _raw = accounts.api_token_create(user=bob, name="script", by=bob)
    accounts.api_token_revoke(token=token, by=bob)
    accounts.user_set_password(user=bob, password="a-new-long-password-42", by=admin_user)
    grant = accounts.role_grant(user=bob, unit=unit("BP-BGM-XPN"), role="viewer", by=admin_user)
    accounts.role_revoke(grant=grant, by=admin_user)
    accounts.user_update(user=bob, by=admin_user, is_active=False)
    assert _kinds(id__gt=before) == [
        "token_issued",
        "token_revoked",
        "password_reset",
        "role_changed",
        "role_changed",
        "account_deactivated",
    ]
    mine = SecurityEvent.objects.filter(id__gt=before, detail__person=bob.pk)
    assert mine.exclude(kind="token_issued").count() == 5
    grant_event = SecurityEvent.objects.filter(kind="role_changed", id__gt=before).order_by("id").first()
    assert grant_event is not None
    assert grant_event.person == admin_user and grant_event.unit.code == "BP-BGM-XPN"
    assert grant_event.detail == {"person": bob.pk, "role": "viewer", "action": "grant"}
    # A token's event names it by number and visible prefix, never by its secret.
    issued = SecurityEvent.objects.get(kind="token_issued", person=bob)
    assert _raw not in str(issued.detail) and issued.detail["prefix"] == token.prefix


def test_the_application_cannot_change_or_delete_an_event(province: Any) -> None:
    event = security_event("login_failed", None, None, "192.0.2.1", username="x")
    event.detail = {"changed": True}
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.filter(pk=event.pk).update(kind="login")
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError, match="unknown"):
        security_event("made_up", SYSTEM)


def test_the_database_refuses_an_update_of_an_event(province: Any) -> None:
    event = security_event("login_failed", None, None, "192.0.2.1", username="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_securityevent SET kind = 'login' WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).kind == "login_failed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_on_postgresql_the_database_refuses_a_delete_outside_the_retention_command(province: Any) -> None:
    event = security_event("login_failed", None, None, "192.0.2.1", username="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_securityevent WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_retention_removes_only_events_older_than_the_setting(province: Any, settings: Any) -> None:
    settings.KETNOI_SECURITY_EVENT_DAYS = 365
    with time_machine.travel(dt.datetime(2024, 1, 1, tzinfo=dt.UTC)):
        old = security_event("login_failed", None, None, "192.0.2.1", username="old")
    with time_machine.travel(dt.datetime(2024, 12, 1, tzinfo=dt.UTC)):
        kept = security_event("login_failed", None, None, "192.0.2.1", username="kept")
    with time_machine.travel(dt.datetime(2025, 2, 1, tzinfo=dt.UTC)):
        assert prune_security_events() == 1
        out = io.StringIO()
        call_command("prune-security-events", stdout=out)
    assert "0 " in out.getvalue()
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()


def _seed(unit: Any) -> None:
    security_event("login", SYSTEM, unit("BP-BGM-XPN"), "192.0.2.10", {"n": 1})
    security_event("login_failed", None, unit("BP-DX"), "192.0.2.11", username="dx-person")
    security_event("token_issued", SYSTEM, unit("BP-BGM"), "192.0.2.12")
    security_event("login_failed", None, None, "192.0.2.13", username="anyone")


def test_a_system_administrator_filters_by_kind_unit_subtree_date_and_person(
    admin_user: Any, web_as: Any, unit: Any
) -> None:
    _seed(unit)
    client = web_as(admin_user)
    page = client.get("/accounts/security/")
    assert page.status_code == 200 and "192.0.2.13" in page.content.decode()
    only_bgm = client.get("/accounts/security/", {"unit": "BP-BGM"}).content.decode()
    assert "192.0.2.10" in only_bgm and "192.0.2.12" in only_bgm and "192.0.2.11" not in only_bgm
    failed = client.get("/accounts/security/", {"kind": "login_failed"}).content.decode()
    assert "192.0.2.11" in failed and "192.0.2.10" not in failed
    assert "192.0.2.11" in client.get("/accounts/security/", {"person": "DX-PERSON"}).content.decode()
    today = dt.datetime.now(tz=dt.UTC).date()
    future = (today + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    assert "192.0.2.10" not in client.get("/accounts/security/", {"since": future}).content.decode()
    bad_date = client.get("/accounts/security/", {"since": "31/02/2025"})
    assert bad_date.status_code == 200 and "192.0.2.10" not in bad_date.content.decode()


def test_a_unit_administrator_reads_only_the_events_of_the_units_they_manage(
    make_person: Any, bob: Any, web_as: Any, unit: Any, client: Client
) -> None:
    _seed(unit)
    admin = make_person("bgm_admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    body = web_as(admin).get("/accounts/security/").content.decode()
    assert "192.0.2.10" in body and "192.0.2.12" in body
    assert "192.0.2.11" not in body and "192.0.2.13" not in body
    assert web_as(admin).get("/accounts/security/", {"unit": "BP-DX"}).status_code == 403
    client.force_login(bob)
    assert client.get("/accounts/security/").status_code == 403
    assert client.get("/accounts/security/export.csv").status_code == 403


def test_the_trail_is_exported_as_csv_and_xlsx_with_the_filter(
    admin_user: Any, web_as: Any, unit: Any
) -> None:
    _seed(unit)
    client = web_as(admin_user)
    csv_text = client.get("/accounts/security/export.csv", {"unit": "BP-BGM"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3 and "Thời gian (UTC)" in lines[0] and "BP-BGM-XPN" in csv_text
    xlsx = client.get("/accounts/security/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row == 1 + SecurityEvent.objects.count()
    assert client.get("/accounts/security/export.pdf").status_code == 404
