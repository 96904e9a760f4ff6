"""Encryption at rest of platform tokens: the rule lives in ``ketnoi.core.crypto`` (one key, rotated by
``ketnoi rotate-key``); this module adds what only connectors need."""

from __future__ import annotations

from ketnoi.core.crypto import EncryptedTextField, UnreadableSecret, decrypt, encrypt

__all__ = ["EncryptedTextField", "UnreadableSecret", "decrypt", "encrypt", "last4"]


def last4(plain: str) -> str:
    """The last four characters, the only part of a token ever shown again."""
    return plain[-4:] if len(plain) >= 8 else ""
