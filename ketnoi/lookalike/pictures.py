"""Perceptual hashes of avatars and covers (imagehash's pHash and dHash), as 64-bit integers.

A picture is checked like every image upload of the product (``publishing.images.check_and_resize``: type by
content, size, pixels) before it is hashed.
"""

from __future__ import annotations

import io

import imagehash
from PIL import Image

from ketnoi.core.exceptions import ValidationError
from ketnoi.publishing.images import check_and_resize


def checked(raw: bytes, *, name: str, field: str) -> bytes:
    """The picture as it will be stored (JPEG, no metadata), or a 422 naming ``field`` and the file."""
    try:
        return check_and_resize(io.BytesIO(raw), name=name, size=len(raw)).content
    except ValidationError as exc:
        raise ValidationError(exc.message, fields={field: exc.message}) from exc


def hashes(picture: bytes) -> tuple[int, int]:
    """(pHash, dHash) of a picture already checked by ``checked``."""
    with Image.open(io.BytesIO(picture)) as image:
        image.load()
        rgb = image.convert("RGB")
    return int(str(imagehash.phash(rgb)), 16), int(str(imagehash.dhash(rgb)), 16)


def as_hex(value: int | None) -> str:
    return "" if value is None else f"{value:016x}"


def from_hex(text: str) -> int | None:
    return int(text, 16) if text else None
