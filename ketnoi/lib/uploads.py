"""The one guard every upload and import passes before its file is parsed (web, API and CLI alike).

A file is measured before anything reads it in full: its size as sent; for a zip archive (.xlsx, .docx)
the uncompressed size of every member and of all of them together, as the archive's directory declares
them (Python's zip reader never inflates a member past its declared size); for a spreadsheet the sheet
dimensions it declares and the rows, columns and cells it really holds, counted while the sheet's XML is
streamed in small pieces; for text the length of its longest line and its number of lines; for JSON its
nesting. A file over any limit is refused with ``UploadRefused`` (HTTP 413) naming the file and the
limit, in a few milliseconds and a few megabytes of memory, whatever the file claims to be.

Size limits are set per kind of file (``KETNOI_UPLOAD_LIMITS_MB`` in settings, each with an environment
override, listed in the README); the structural limits below are fixed per kind.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketnoi.core.exceptions import ValidationError

Kind = Literal["metrics", "report_sheet", "data_values", "document", "evidence", "image"]

MB = 1024 * 1024
# Python's csv module refuses a field longer than this (``csv.field_size_limit()``); no line may be longer.
MAX_LINE_BYTES = 131_072
MAX_JSON_DEPTH = 64
_CHUNK = 1024 * 1024


class UploadRefused(ValidationError):
    """A file over one of the limits; nothing of it was parsed."""

    status = 413
    code = "upload_refused"
    default_message = gettext_lazy("The file is too large.")


@dataclass(frozen=True)
class Limits:
    """What one kind of file may hold (besides its size, which is a setting)."""

    member_bytes: int  # one member of an archive, uncompressed
    total_bytes: int  # all members of an archive, uncompressed
    members: int  # entries in an archive
    rows: int  # rows of a sheet, lines of a text file
    columns: int  # columns of a sheet
    cells: int  # cells of all sheets together


LIMITS: dict[str, Limits] = {
    # Page metrics: a province's year of daily figures is a few hundred thousand rows of 8 to 60 columns.
    "metrics": Limits(256 * MB, 320 * MB, 200, 5_000_000, 300, 12_000_000),
    # A report template: the units under one unit by the form's indicators; read whole by openpyxl.
    "report_sheet": Limits(64 * MB, 96 * MB, 200, 50_000, 2_000, 300_000),
    # dataValueSets JSON or CSV: one line per value.
    "data_values": Limits(0, 0, 0, 2_000_000, 0, 0),
    # Official documents and evidence (.docx, .pdf, .txt, .xlsx, images).
    # Their text is read whole (python-docx builds the document's tree), so one part stays small.
    "document": Limits(24 * MB, 96 * MB, 2_000, 1_000_000, 1_000, 1_000_000),
    "evidence": Limits(24 * MB, 96 * MB, 2_000, 1_000_000, 1_000, 1_000_000),
    # A story's image (JPEG, PNG or WebP): its size, then its pixels (``check_image_pixels``).
    "image": Limits(0, 0, 0, 0, 0, 0),
}
# An image's pixels as its header declares them, checked before it is decoded (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000
DEFAULT_MB: dict[str, int] = {
    "metrics": 64,
    "report_sheet": 10,
    "data_values": 20,
    "document": 20,
    "evidence": 20,
    "image": 10,
}


def max_bytes(kind: Kind) -> int:
    """The largest file of this kind that is accepted, in bytes (from settings)."""
    configured: dict[str, int] = getattr(settings, "KETNOI_UPLOAD_LIMITS_MB", {})
    return int(configured.get(kind, DEFAULT_MB[kind])) * MB


def largest_upload_bytes() -> int:
    """The largest file of any kind: a request body above this is refused before it is read."""
    return max(max_bytes(kind) for kind in DEFAULT_MB)  # type: ignore[arg-type]


def limit_text(kind: Kind) -> str:
    """The size limit in a sentence for the upload forms."""
    return _("Files of at most %(size)s MB.") % {"size": _n(max_bytes(kind) // MB)}


def limit_help(kind: Kind) -> Any:
    """``limit_text`` evaluated when shown (a form field's help text), in the reader's language."""
    return lazy(limit_text, str)(kind)


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _refuse(name: str, message: str, field: str = "file") -> UploadRefused:
    return UploadRefused(f"{name}: {message}", fields={field: message})


# --- Size as sent -----------------------------------------------------------------------------------


def check_size(size: int, *, name: str, kind: Kind, field: str = "file") -> None:
    """Refuse a file larger than its kind allows; called with the size a request or a file system declares."""
    limit = max_bytes(kind)
    if size > limit:
        raise _refuse(
            name,
            _("the file is %(size)s MB; files of this kind may be at most %(limit)s MB.")
            % {"size": _n(-(-size // MB)), "limit": _n(limit // MB)},
            field,
        )


def check_image_pixels(width: int, height: int, *, name: str, field: str = "file") -> None:
    """Refuse an image whose declared dimensions exceed ``MAX_IMAGE_PIXELS``, before it is decoded."""
    if width * height > MAX_IMAGE_PIXELS:
        raise _refuse(
            name,
            _("the image has %(w)s × %(h)s pixels; at most %(limit)s million are accepted.")
            % {"w": _n(width), "h": _n(height), "limit": _n(MAX_IMAGE_PIXELS // 1_000_000)},
            field,
        )


def read_uploaded(upload: Any, *, kind: Kind) -> bytes:
    """The bytes of an uploaded file (Django's ``UploadedFile``), read only once its size passed.

    The import that receives them calls ``check`` on their contents (so the API and the CLI do too).
    """
    name = str(getattr(upload, "name", "") or "file")
    check_size(int(getattr(upload, "size", 0) or 0), name=name, kind=kind)
    data: bytes = upload.read(max_bytes(kind) + 1)
    check_size(len(data), name=name, kind=kind)
    return data


def read_path(path: Path, *, kind: Kind) -> bytes:
    """The bytes of a file named on the command line, read only once its size passed."""
    check_size(path.stat().st_size, name=path.name, kind=kind)
    with path.open("rb") as handle:
        data = handle.read(max_bytes(kind) + 1)
    check_size(len(data), name=path.name, kind=kind)
    return data


# --- Contents ---------------------------------------------------------------------------------------


def check(data: bytes, *, name: str, kind: Kind, lines: bool = True) -> None:
    """Every limit of ``kind`` on a file already in memory; raises ``UploadRefused``.

    ``lines=False`` for JSON, which may well be one long line (its nesting is ``loads_json``'s to check).
    """
    check_size(len(data), name=name, kind=kind)
    if data[:4] == b"PK\x03\x04":
        check_archive(io.BytesIO(data), name=name, kind=kind)
    elif lines and (kind in ("metrics", "data_values") or name.lower().endswith((".csv", ".txt", ".tsv"))):
        check_text(data, name=name, kind=kind)


def check_archive(handle: IO[bytes], *, name: str, kind: Kind) -> None:
    """A zip archive (.xlsx, .docx): members, their declared sizes, then each sheet's dimensions and cells."""
    limits = LIMITS[kind]
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # no directory to read: the file's own reader (zip too) refuses it with its message
    with archive:
        members = archive.infolist()
        if len(members) > limits.members:
            raise _refuse(
                name,
                _("the archive holds %(count)s parts; at most %(limit)s are accepted.")
                % {"count": _n(len(members)), "limit": _n(limits.members)},
            )
        total = 0
        for member in members:
            if member.file_size > limits.member_bytes:
                raise _refuse(
                    name,
                    _("part “%(part)s” unpacks to %(size)s MB; at most %(limit)s MB are accepted.")
                    % {
                        "part": member.filename[:80],
                        "size": _n(-(-member.file_size // MB)),
                        "limit": _n(limits.member_bytes // MB),
                    },
                )
            total += member.file_size
        if total > limits.total_bytes:
            raise _refuse(
                name,
                _("the file unpacks to %(size)s MB; at most %(limit)s MB are accepted.")
                % {"size": _n(-(-total // MB)), "limit": _n(limits.total_bytes // MB)},
            )
        sheets = [m for m in members if _SHEET_PATH.match(m.filename)]
        cells = 0
        try:
            for member in sheets:
                with archive.open(member) as stream:
                    cells += _check_sheet(stream, cells, name=name, limits=limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise _refuse(name, _("the file is damaged or is not a valid Office file.")) from None


_SHEET_PATH = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*)/?>")
_REF = re.compile(rb"\br=\"([A-Za-z]{0,4})(\d{0,8})\"")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})$")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream in pieces that never split a tag: each piece ends at a '>' (the rest goes to the next)."""
    rest = b""
    while True:
        piece = stream.read(_CHUNK)
        if not piece:
            if rest:
                yield rest
            return
        piece = rest + piece
        cut = piece.rfind(b">") + 1
        if cut == 0 and len(piece) > 4 * _CHUNK:  # a "tag" of megabytes: no sheet has one
            yield piece
            rest = b""
            continue
        yield piece[:cut]
        rest = piece[cut:]


def _check_sheet(stream: IO[bytes], cells_before: int, *, name: str, limits: Limits) -> int:
    """Rows, columns and cells of one sheet, declared and real; returns its cells."""

    def too_many(rows: int, columns: int) -> None:
        if rows > limits.rows or columns > limits.columns:
            raise _refuse(
                name,
                _(
                    "the sheet has %(rows)s rows and %(columns)s columns; at most %(max_rows)s rows and "
                    "%(max_columns)s columns are accepted."
                )
                % {
                    "rows": _n(rows),
                    "columns": _n(columns),
                    "max_rows": _n(limits.rows),
                    "max_columns": _n(limits.columns),
                },
            )

    rows = max_row = max_column = cells = 0
    declared = False
    for piece in _chunks(stream):
        if not declared:
            declared = True
            found = _DIMENSION.search(piece)
            if found:
                last = found.group(1).decode("ascii", "replace").split(":")[-1]
                corner = _CELL_REF.match(last)
                if corner:
                    too_many(int(corner.group(2)), _column_number(corner.group(1)))
        for attrs in _ROW.findall(piece):
            rows += 1
            ref = _REF.search(attrs)
            number = int(ref.group(2)) if ref and ref.group(2) else rows
            rows = max(rows, number)
        row_cells = 0
        for attrs in _CELL.findall(piece):
            row_cells += 1
            ref = _REF.search(attrs)
            if ref and ref.group(1):
                max_column = max(max_column, _column_number(ref.group(1).decode("ascii")))
        cells += row_cells
        max_row = max(max_row, rows)
        too_many(max_row, max_column)
        if cells_before + cells > limits.cells:
            raise _refuse(
                name,
                _("the workbook has more than %(limit)s filled cells.") % {"limit": _n(limits.cells)},
            )
    return cells


def check_text(data: bytes, *, name: str, kind: Kind) -> None:
    """Lines of a text file (CSV): none longer than the CSV reader takes, not more than the kind allows."""
    limits = LIMITS[kind]
    newline = b"\n\x00" if data[:2] == b"\xff\xfe" or (len(data) > 1 and data[1] == 0) else b"\n"
    if data[:2] == b"\xfe\xff" or (len(data) > 1 and data[0] == 0):
        newline = b"\x00\n"
    start = line = 0
    size = len(data)
    while start < size:
        end = data.find(newline, start)
        if end < 0:
            end = size
        line += 1
        if end - start > MAX_LINE_BYTES:
            raise _refuse(
                name,
                _("line %(line)s is longer than %(limit)s characters; no line may be longer.")
                % {"line": _n(line), "limit": _n(MAX_LINE_BYTES)},
            )
        if line > limits.rows:
            raise _refuse(
                name,
                _("the file has more than %(limit)s lines.") % {"limit": _n(limits.rows)},
            )
        start = end + len(newline)


def loads_json(text: str | bytes, *, name: str) -> Any:
    """``json.loads`` refusing (422) nesting deeper than ``MAX_JSON_DEPTH`` instead of overflowing the stack.

    Raises ``json.JSONDecodeError`` for text that is not JSON, as ``json.loads`` does.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
        deep = True
    else:
        deep = _depth(value) > MAX_JSON_DEPTH
    if deep:
        message = _("the JSON is nested more than %(limit)s levels deep.") % {"limit": MAX_JSON_DEPTH}
        raise ValidationError(f"{name}: {message}", fields={"body": message}, code="too_deep")
    return value


def _depth(value: Any) -> int:
    """Nesting of a parsed JSON value, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((v, level + 1) for v in item)
    return deepest
