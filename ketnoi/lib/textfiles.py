"""The one way the product turns the bytes of an uploaded text file (CSV, TXT, a CSV request body) into text.

Spreadsheet programs and Meta's exports write UTF-8 (with or without a byte-order mark), UTF-16 in either byte
order (with or without a byte-order mark), and older Vietnamese machines Windows-1258. The order of checks:

1. A byte-order mark says it: UTF-8, UTF-16 little- or big-endian (UTF-32 marks are checked first, since
   UTF-32-LE's mark starts with UTF-16-LE's).
2. No mark, but NUL bytes in every other position of the first kilobyte: UTF-16 without a mark. Text is
   mostly ASCII (digits, commas, Latin letters), so in UTF-16-LE the odd bytes are NUL, in UTF-16-BE the even.
3. Valid UTF-8, else Windows-1258.
"""

from __future__ import annotations

import codecs

_SAMPLE = 1024


def _utf16_order(data: bytes) -> str | None:
    sample = data[: _SAMPLE - (_SAMPLE % 2)]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    # At least 30 % of the characters are ASCII, and NULs sit on one side only.
    if odd_nul >= 0.3 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.3 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data`` by the rules of this module (the name Python's codecs know)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    order = _utf16_order(data)
    if order is not None:
        return order
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def decode_text(data: bytes) -> str:
    """The text of an uploaded file, without a byte-order mark; ``UnicodeDecodeError`` if it is not text in
    the detected encoding (a UTF-16 file cut in the middle of a character, say)."""
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text
