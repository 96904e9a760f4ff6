"""Hostile files, built on the fly (nothing large is kept in the repository or written uncompressed).

Each builder returns the bytes of a file as an attacker would upload it. The archives are real zip files
that unpack to what they claim: the bombs are made by streaming repeated XML through zlib.
"""

from __future__ import annotations

import io
import struct
import zlib

_CONTENT_TYPES_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _deflated(data: bytes, *, final: bool) -> bytes:
    """Raw deflate of ``data`` by a fresh compressor: such pieces may be put one after another."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _member(head: bytes, block: bytes, repeat: int, tail: bytes) -> tuple[bytes, int, int]:
    """(deflated bytes, crc32, unpacked size) of ``head + block * repeat + tail``.

    The block is deflated once and its compressed form repeated: a gigabyte of XML in a second, as a
    real zip bomb is made, instead of feeding the gigabyte through zlib.
    """
    unit = _deflated(block, final=False)
    crc = zlib.crc32(head)
    for _ in range(repeat):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    body = _deflated(head, final=False) + unit * repeat + _deflated(tail, final=True)
    return body, crc, len(head) + len(block) * repeat + len(tail)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive from already deflated members (name, deflated, crc32, unpacked size)."""
    out = io.BytesIO()
    directory = io.BytesIO()
    for name, body, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(body), size, len(encoded), 0)
        )
        out.write(encoded)
        out.write(body)
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                *(0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(body), size, len(encoded)),
                *(0, 0, 0, 0, 0, offset),
            )
        )
        directory.write(encoded)
    start = out.tell()
    out.write(directory.getvalue())
    count = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory.getvalue()), start, 0))
    return out.getvalue()


def _small(name: str, text: str) -> tuple[str, bytes, int, int]:
    data = text.encode()
    return name, _deflated(data, final=True), zlib.crc32(data), len(data)


def _xlsx(head: bytes, block: bytes = b"", repeat: int = 0, tail: bytes = b"") -> bytes:
    return _zip(
        [
            _small("[Content_Types].xml", _CONTENT_TYPES_XLSX),
            _small("_rels/.rels", _RELS),
            _small("xl/workbook.xml", _WORKBOOK),
            _small("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", *_member(head, block, repeat, tail)),
        ]
    )


def xlsx_huge_dimension() -> bytes:
    """About 1.6 KB: a sheet that declares (and uses) the last cell of Excel's grid, XFD1048576."""
    sheet = (
        _SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>page</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>date</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>followers</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _xlsx(sheet.encode())


def xlsx_bomb(unpacked_mb: int = 1024) -> bytes:
    """About 1 MB that unpacks to ``unpacked_mb`` MB of sheet XML (rows of ten numbers each)."""
    row = b"".join(b'<c t="n"><v>1234567890</v></c>' for _ in range(10))
    block = (b"<row>" + row + b"</row>") * 2000  # ~0.66 MB
    repeat = unpacked_mb * 1024 * 1024 // len(block)
    return _xlsx((_SHEET_HEAD + "<sheetData>").encode(), block, repeat, b"</sheetData></worksheet>")


def docx_huge_xml(unpacked_mb: int = 1400) -> bytes:
    """A .docx whose document.xml unpacks to ``unpacked_mb`` MB of paragraphs."""
    paragraph = "<w:p><w:r><w:t>Chỉ thị số 23-CT/TU</w:t></w:r></w:p>".encode()
    block = paragraph * 20_000
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        b'openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    )
    return _zip(
        [
            _small(
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.document.main+xml"/></Types>',
            ),
            _small(
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
            ),
            (
                "word/document.xml",
                *_member(head, block, unpacked_mb * 1024 * 1024 // len(block), b"</w:body></w:document>"),
            ),
        ]
    )


def csv_long_field(characters: int = 131_073) -> bytes:
    """The metrics template with one field longer than Python's csv reader takes."""
    return ("page,date,followers\r\nhttps://facebook.com/x" + "a" * characters + ",31/01/2025,1\r\n").encode()


def csv_quoted_field_over_lines(characters: int = 140_000, line: int = 1000) -> str:
    """A DHIS2 CSV whose quoted comment runs over many short lines to more than 131.072 characters."""
    comment = "\n".join("x" * line for _ in range(characters // line + 1))
    return (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
        f'lastupdated,comment,followup\nmembers,202501,BP,,,1,,,"{comment}",\n'
    )
