"""Encryption at rest of platform tokens (Fernet: AES-128-CBC with HMAC-SHA256, timestamped).

The Fernet key is derived with HKDF-SHA256 from ``settings.KETNOI_ENCRYPTION_KEY``, so the database alone
(or a backup of it) never reveals a token. Changing the setting makes stored tokens unreadable: they have to
be entered again (``credential_status`` then says so).
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_SALT = b"ketnoi.connectors.v1"
_INFO = b"page-credentials"


class UnreadableSecret(Exception):
    """The stored value was encrypted with another key (or altered)."""


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    if not secret:
        raise ValueError("KETNOI_ENCRYPTION_KEY is empty")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str) -> str:
    """Ciphertext (ASCII) for ``plain``; the empty string stays empty (nothing stored)."""
    if not plain:
        return ""
    return _fernet(settings.KETNOI_ENCRYPTION_KEY).encrypt(plain.encode()).decode("ascii")


def decrypt(cipher: str) -> str:
    if not cipher:
        return ""
    try:
        return _fernet(settings.KETNOI_ENCRYPTION_KEY).decrypt(cipher.encode("ascii")).decode()
    except InvalidToken as exc:
        raise UnreadableSecret() from exc


def last4(plain: str) -> str:
    """The last four characters, the only part of a token ever shown again."""
    return plain[-4:] if len(plain) >= 8 else ""
