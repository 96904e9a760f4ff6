"""Passwords are stored as Argon2id at OWASP's baseline; older PBKDF2 hashes log in and are re-made."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.test import Client

from ketnoi import settings as product_settings

PASSWORD = "test-password-123"


def _production_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = product_settings.PASSWORD_HASHERS  # the suite's own is a fast MD5


def test_a_new_password_is_stored_as_argon2id_with_owasp_parameters(settings: Any) -> None:
    _production_hashers(settings)
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify(PASSWORD, encoded)
    assert not identify_hasher(encoded).verify("another-password-1", encoded)


def test_the_parameters_are_settings(settings: Any) -> None:
    _production_hashers(settings)
    settings.KETNOI_ARGON2_MEMORY_KIB = 65536
    settings.KETNOI_ARGON2_TIME_COST = 3
    assert make_password(PASSWORD).startswith("argon2$argon2id$v=19$m=65536,t=3,p=1$")


def test_a_pbkdf2_hash_from_before_logs_in_and_is_remade_as_argon2id(
    settings: Any, bob: Any, client: Client
) -> None:
    _production_hashers(settings)
    old = PBKDF2PasswordHasher()
    bob.password = old.encode(PASSWORD, old.salt())
    bob.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_weaker_parameters_is_remade_at_login(settings: Any, bob: Any, client: Client) -> None:
    _production_hashers(settings)
    settings.KETNOI_ARGON2_MEMORY_KIB = 8192
    bob.set_password(PASSWORD)
    bob.save(update_fields=["password"])
    assert "m=8192" in bob.password
    settings.KETNOI_ARGON2_MEMORY_KIB = 19456
    assert client.post("/accounts/login/", {"username": "bob", "password": PASSWORD}).status_code == 302
    bob.refresh_from_db()
    assert "m=19456,t=2,p=1" in bob.password
