"""Expiry warnings to the page's administrators, and what happens when the encryption key changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ketnoi.connectors import services
from ketnoi.connectors.crypto import UnreadableSecret, decrypt, encrypt
from ketnoi.connectors.models import ConnectorNotice, CredentialStatus, PageCredential
from ketnoi.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def test_administrators_are_warned_once_a_week_before_the_token_expires(make_page, make_person, fake):
    from ketnoi.pages.services import page_administrator_set

    page = make_page("facebook_page", "1111222233", unit_code="BP-BGM")
    lan = make_person("lan", "BP-BGM", [("editor", "BP-BGM")])
    lan.email = "lan@bgm.gov.vn"
    lan.save()
    page_administrator_set(page=page, user=lan, role="admin", two_factor=True, by=SYSTEM)
    expires = timezone.now() + dt.timedelta(days=10)
    services.credential_set(page=page, access_token="EAAB-expiring-token-1", expires_at=expires, by=SYSTEM)

    assert services.warn_expiring() == 0  # ten days ahead: not yet
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert services.warn_expiring() == 1
        assert services.warn_expiring() == 0  # once per expiry

    notice = ConnectorNotice.objects.get(user=lan)
    assert notice.kind == "expiring"
    assert expires.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y") in notice.message
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Mã truy cập của")
    assert "EAAB-expiring-token-1" not in mail.outbox[0].body


def test_without_page_administrators_the_units_editors_are_warned(make_page, make_person, bob, fake):
    page = make_page("youtube", "UCwarn000000000000000001", unit_code="BP-BGM-XPN")
    services.credential_set(
        page=page, access_token="ya29.expiring", expires_at=timezone.now() + dt.timedelta(days=2), by=SYSTEM
    )
    make_person("dx.editor", "BP-DX", [("editor", "BP-DX")])

    assert services.warn_expiring() == 1

    # Nobody on the commune: the nearest unit up the tree with editors (Bù Gia Mập) is told.
    assert list(ConnectorNotice.objects.values_list("user__username", flat=True)) == ["bob"]


def test_a_zalo_token_that_renews_itself_is_not_warned_about_but_its_refresh_token_is(make_page, bob, fake):
    page = make_page("zalo_oa", "4318555555555555555", unit_code="BP-BGM")
    services.credential_set(
        page=page,
        access_token="zalo-access-w",
        expires_at=timezone.now() + dt.timedelta(hours=20),
        refresh_token="zalo-refresh-w",
        app_id="app-w",
        app_secret="secret-w",
        by=SYSTEM,
    )
    assert services.warn_expiring() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=85)):
        assert services.warn_expiring() == 1


def test_tokens_encrypted_with_another_key_are_reported_as_unreadable(make_page, settings, fake):
    page = make_page("facebook_page", "9999888877", unit_code="BP-BGM")
    services.credential_set(page=page, access_token="EAAB-old-key-token", expires_at=None, by=SYSTEM)
    settings.KETNOI_ENCRYPTION_KEY = "a different key after a careless restore"

    with pytest.raises(UnreadableSecret):
        decrypt(PageCredential.objects.get(page=page).access_token_enc)
    run = services.pull_execute(services.pull_enqueue(page=page, by=SYSTEM).pk)

    assert run.error_code == "unreadable"
    assert "khóa mã hóa đã thay đổi" in run.error_message
    assert PageCredential.objects.get(page=page).status == CredentialStatus.EXPIRED
    assert not fake.calls()


def test_encryption_is_authenticated_and_randomised():
    first, second = encrypt("same-token"), encrypt("same-token")
    assert first != second
    assert decrypt(first) == decrypt(second) == "same-token"
    tampered = first[:-6] + ("A" if first[-6] != "A" else "B") + first[-5:]
    with pytest.raises(UnreadableSecret):
        decrypt(tampered)
