"""Checking and resizing the images of a story on upload (Pillow).

An upload is refused with a message naming the file when it is too large or has too many pixels (a
decompression bomb), by the one upload guard (``ketnoi.lib.uploads``, kind ``image``), or when it is not a
JPEG, PNG or WebP image (by its content, not its name) or is damaged. Accepted images
are turned upright, shrunk to at most ``MAX_EDGE`` pixels on the long side and stored as JPEG, which also
drops their metadata (camera, place where the photo was taken).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import uploads

MAX_EDGE = 2048
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_IMAGES = 10


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    width: int
    height: int


def check_and_resize(stream: IO[bytes], *, name: str, size: int) -> CheckedImage:
    """The image as it will be stored, or a ValidationError that names the file and the reason."""
    field = {"images": name}
    uploads.check_size(size, name=name, kind="image", field="images")
    raw = stream.read(uploads.max_bytes("image") + 1)
    uploads.check_size(len(raw), name=name, kind="image", field="images")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a readable image (JPEG, PNG or WebP).") % {"name": name}, fields=field
        ) from None
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}, fields=field)
    uploads.check_image_pixels(width, height, name=name, field="images")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
            rgb = upright.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a readable image (JPEG, PNG or WebP).") % {"name": name}, fields=field
        ) from None
    rgb.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)
    return CheckedImage(out.getvalue(), rgb.width, rgb.height)
