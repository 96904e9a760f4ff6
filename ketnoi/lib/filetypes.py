"""The kinds of file Kết Nối stores: content type by extension, and whether the bytes are of that kind.

A file is accepted only when its extension is one the caller allows AND its first bytes are those of
that format (a PDF starts with ``%PDF-``, a DOCX or XLSX is a ZIP, a PNG or JPEG has its signature, a
text file has no NUL byte outside UTF-16). Sizes and archive bombs are the upload guard's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    signatures: tuple[bytes, ...]  # empty: plain text
    inline: bool  # a browser shows it itself (opened in a tab, not downloaded)


_ZIP = (b"PK\x03\x04",)
TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        FileType(".pdf", "application/pdf", (b"%PDF-",), True),
        FileType(
            ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, False
        ),
        FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, False),
        FileType(".png", "image/png", (b"\x89PNG\r\n\x1a\n",), True),
        FileType(".jpg", "image/jpeg", (b"\xff\xd8\xff",), True),
        FileType(".jpeg", "image/jpeg", (b"\xff\xd8\xff",), True),
        FileType(".txt", "text/plain", (), False),
        FileType(".csv", "text/csv", (), False),
    )
}
UNKNOWN = FileType("", "application/octet-stream", (), False)


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def type_of(name: str) -> FileType:
    """The stored file's type from its name (names were checked against the bytes on upload)."""
    return TYPES.get(extension_of(name), UNKNOWN)


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with its byte-order mark
    return b"\x00" not in head


def problem(name: str, data: bytes, allowed: Iterable[str]) -> str:
    """Why ``data`` named ``name`` cannot be stored: "type" (extension not allowed), "content" (the
    bytes are not of the kind the extension says) or "" when it is fine."""
    extension = extension_of(name)
    if extension not in set(allowed) or extension not in TYPES:
        return "type"
    kind = TYPES[extension]
    head = data[:4096]
    if kind.signatures:
        return "" if head.startswith(kind.signatures) else "content"
    return "" if _is_text(head) else "content"
