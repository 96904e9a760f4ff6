"""A staff member's personal data on request: exported whole, or erased by pseudonymisation everywhere it
identifies them, with the audit trail kept (web, command line; only someone who manages the person)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from ketnoi.accounts import services
from ketnoi.accounts.models import User
from ketnoi.core.models import SecurityEvent


@pytest.fixture
def carol(make_person: Any, admin_user: Any) -> User:
    person = make_person("carol", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")])
    services.user_update(
        user=person, by=admin_user, full_name="Nguyễn Thị Carol", email="carol@bgm.gov.vn", phone="0912345678"
    )
    services.api_token_create(user=person, name="script", by=person)
    Client().post("/accounts/login/", {"username": "carol", "password": "wrong-password-1"})
    return User.objects.get(pk=person.pk)


def test_the_export_holds_the_account_roles_tokens_history_and_security_events(
    carol: User, admin_user: Any, web_as: Any
) -> None:
    response = web_as(admin_user).get(f"/accounts/people/{carol.pk}/personal-data/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["account"]["full_name"] == "Nguyễn Thị Carol"
    assert document["account"]["email"] == "carol@bgm.gov.vn" and document["account"]["unit"] == "BP-BGM-XPN"
    assert document["roles"] == [{"role": "data_entry", "unit": "BP-BGM-XPN", "valid_until": None}]
    assert [t["name"] for t in document["api_tokens"]] == ["script"]
    assert "token_hash" not in json.dumps(document)
    assert {e["kind"] for e in document["security_events"]} >= {"login_failed", "token_issued"}
    assert any(h["email"] == "carol@bgm.gov.vn" for h in document["account_history"])
    exported = SecurityEvent.objects.get(kind="personal_data_exported")
    assert exported.person == admin_user and exported.detail["person"] == carol.pk


def test_erasure_pseudonymises_the_person_everywhere_and_keeps_the_audit_trail(
    carol: User, admin_user: Any, web_as: Any
) -> None:
    browser = Client()
    browser.force_login(carol)
    events_before = SecurityEvent.objects.filter(person=carol).count()
    client = web_as(admin_user)
    refused = client.post(f"/accounts/people/{carol.pk}/personal-data/erase/", {"confirm": "someone"})
    assert refused.status_code == 302 and User.objects.get(pk=carol.pk).username == "carol"
    client.post(f"/accounts/people/{carol.pk}/personal-data/erase/", {"confirm": "carol"})
    carol.refresh_from_db()
    alias = f"erased-{carol.pk}"
    assert (carol.username, carol.full_name, carol.email, carol.phone) == (alias, alias, "", "")
    assert not carol.is_active and not carol.has_usable_password() and not carol.grants.exists()
    assert not carol.api_tokens.filter(revoked_at__isnull=True).exists()
    assert browser.get("/accounts/me/").status_code == 302
    # Every historical copy of the account carries the pseudonym only.
    for row in carol.history.all():
        assert row.username == alias and row.email == "" and row.phone == ""
        assert "Carol" not in (row.full_name or "")
    # The security trail is kept as it was (it names the account number, never the name) ...
    assert SecurityEvent.objects.filter(person=carol).count() == events_before
    erased = SecurityEvent.objects.get(kind="personal_data_erased")
    assert erased.person == admin_user and erased.detail["person"] == carol.pk
    # ... and the failed-login records that held the user name are gone.
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(username__iexact="carol").exists()
    # Twice is refused, not repeated.
    again = client.post(f"/accounts/people/{carol.pk}/personal-data/erase/", {"confirm": alias})
    assert again.status_code == 302 and SecurityEvent.objects.filter(kind="personal_data_erased").count() == 1


def test_only_someone_who_manages_the_person_exports_or_erases(
    carol: User, charlie: Any, make_person: Any, web_as: Any
) -> None:
    dx_admin = make_person("dx_admin", "BP-DX", [("unit_admin", "BP-DX")])
    client = web_as(dx_admin)
    assert client.get(f"/accounts/people/{carol.pk}/personal-data/").status_code == 403
    assert (
        client.post(f"/accounts/people/{carol.pk}/personal-data/erase/", {"confirm": "carol"}).status_code
        == 403
    )
    assert User.objects.get(pk=carol.pk).username == "carol"
    assert not SecurityEvent.objects.filter(kind__startswith="personal_data").exists()


def test_the_command_line_exports_and_erases_with_confirmation(carol: User) -> None:
    out = io.StringIO()
    call_command("personal-data", "export", "carol", stdout=out)
    assert json.loads(out.getvalue())["account"]["phone"] == "0912345678"
    with pytest.raises(CommandError, match="--yes"):
        call_command("personal-data", "erase", "carol", stdout=io.StringIO())
    call_command("personal-data", "erase", "carol", "--yes", stdout=out)
    assert User.objects.get(pk=carol.pk).username == f"erased-{carol.pk}"
    with pytest.raises(CommandError, match="No account"):
        call_command("personal-data", "export", "carol", stdout=io.StringIO())
