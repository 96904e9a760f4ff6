"""Encryption at rest of stored secrets (platform tokens and app secrets), and rotation of its key.

Fernet (AES-128-CBC with HMAC-SHA256, timestamped), with the key derived by HKDF-SHA256 from
``settings.KETNOI_ENCRYPTION_KEY`` — a value kept outside the database (the environment), so the
database alone, or a backup of it, never reveals a secret.

Every encrypted column is an ``EncryptedTextField`` (it stores the ciphertext; services call
``encrypt``/``decrypt``). ``ketnoi rotate-key`` finds those columns by their type, in every app, so a
new one is covered without anyone remembering to list it.

Rotating the key without downtime:

1. set ``KETNOI_ENCRYPTION_KEY`` to the new value and ``KETNOI_ENCRYPTION_OLD_KEYS`` to the old one, and
   restart: secrets are written with the new key and read with either (``MultiFernet``);
2. ``ketnoi rotate-key`` re-encrypts every stored secret with the new key (row by row, while the
   product runs);
3. remove the old key from ``KETNOI_ENCRYPTION_OLD_KEYS`` and restart.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import models, transaction

_SALT = b"ketnoi.connectors.v1"
_INFO = b"page-credentials"
BATCH = 200


class UnreadableSecret(Exception):
    """The stored value was encrypted with another key (or altered)."""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A column holding a Fernet ciphertext (ASCII); the empty string means no secret stored."""


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    if not secret:
        raise ValueError("KETNOI_ENCRYPTION_KEY is empty")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> tuple[str, ...]:
    old = tuple(k for k in getattr(settings, "KETNOI_ENCRYPTION_OLD_KEYS", []) if k)
    return (settings.KETNOI_ENCRYPTION_KEY, *old)


def _multi() -> MultiFernet:
    """The current key first (it encrypts), then the old ones (they only decrypt)."""
    return MultiFernet([_fernet(k) for k in _keys()])


def encrypt(plain: str) -> str:
    """Ciphertext (ASCII) for ``plain`` under the current key; the empty string stays empty."""
    if not plain:
        return ""
    return _fernet(settings.KETNOI_ENCRYPTION_KEY).encrypt(plain.encode()).decode("ascii")


def decrypt(cipher: str) -> str:
    if not cipher:
        return ""
    try:
        return _multi().decrypt(cipher.encode("ascii")).decode()
    except InvalidToken as exc:
        raise UnreadableSecret() from exc


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model (of every app, history models included) with its encrypted columns."""
    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names and not model._meta.proxy:
            found.append((model, names))
    return found


def rotate_all() -> dict[str, int]:
    """Re-encrypt every stored secret under the current key: ``{"rotated": n, "unreadable": m}``.

    Each batch of rows is locked and rewritten in its own short transaction, so the product keeps
    working; a value no configured key can read is left as it is and counted.
    """
    multi = _multi()
    rotated = unreadable = 0
    for model, names in encrypted_fields():
        manager: Any = model._base_manager
        ids = list(manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=ids[start : start + BATCH])
                for row in rows.values("pk", *names):
                    changes = {}
                    for name in names:
                        value = row[name]
                        if not value:
                            continue
                        try:
                            changes[name] = multi.rotate(value.encode("ascii")).decode("ascii")
                        except InvalidToken:
                            unreadable += 1
                    if changes:
                        manager.filter(pk=row["pk"]).update(**changes)
                        rotated += len(changes)
    return {"rotated": rotated, "unreadable": unreadable}
