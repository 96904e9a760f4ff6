from __future__ import annotations

import codecs

import pytest

from ketnoi.lib.textfiles import decode_text, detect_encoding

TEXT = 'sep=,\r\n"Date","Primary"\r\n"2025-06-01","24100"\r\n"Ghi chú","Bù Gia Mập"\r\n'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32"),
    ],
)
def test_every_encoding_spreadsheets_write_is_recognised_with_or_without_a_mark(
    data: bytes, encoding: str
) -> None:
    assert detect_encoding(data) == encoding
    assert decode_text(data) == TEXT


def test_windows_1258_is_the_last_resort() -> None:
    data = "Ha\u0300 N\u00f4\u0323i,12\n".encode("cp1258")
    assert detect_encoding(data) == "cp1258"
    assert decode_text(data) == "Ha\u0300 N\u00f4\u0323i,12\n"
