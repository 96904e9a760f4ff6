"""The upload guard: hostile files are refused before they are parsed, within 2 s and 256 MB.

Each hostile file is built on the fly (``hostile.py``). The refusal is measured in a fresh Python process
through the entry point that web, API and CLI share (the metrics import, the report template reader,
the text of an attached document), with its address space capped so that a regression fails instead of
taking the machine down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import uploads
from ketnoi.lib.tests import hostile

# Run in a child process: the time, the Python allocations and the peak memory of each refusal.
_MEASURE = r"""
import json, os, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
import django
django.setup()
from django.utils import translation
translation.activate("vi")
import openpyxl, docx  # loaded before measuring: their import is not the refusal's cost
from ketnoi.core.permissions import SYSTEM
from ketnoi.directives.services import extract_text
from ketnoi.pages.imports import import_metrics
from ketnoi.reporting import xlsx

calls = {
    "metrics": lambda data, name: import_metrics(data=data, file_name=name, by=SYSTEM),
    "report_sheet": lambda data, name: xlsx.read_upload(data, filename=name, columns=[], rows=[]),
    "document": lambda data, name: extract_text(name, data),
}
def peak_rss():
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's peak across exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) * 1024

results = {}
for case in sys.argv[1:]:
    entry, path = case.split("=", 1)
    name = os.path.basename(path)
    data = open(path, "rb").read()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        calls[entry](data, name)
        outcome, message = "accepted", ""
    except Exception as exc:
        outcome, message = type(exc).__name__, str(getattr(exc, "message", exc))
    elapsed = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del data
    results[case] = {
        "outcome": outcome,
        "message": message,
        "seconds": elapsed,
        "traced_bytes": traced,
        "peak_rss_bytes": peak_rss(),
    }
print(json.dumps(results))
"""

CASES = {
    "metrics-huge-sheet": ("metrics", "so-lieu.xlsx", hostile.xlsx_huge_dimension),
    "report-huge-sheet": ("report_sheet", "bao-cao.xlsx", hostile.xlsx_huge_dimension),
    "metrics-bomb": ("metrics", "so-lieu-nen.xlsx", hostile.xlsx_bomb),
    "report-bomb": ("report_sheet", "bao-cao-nen.xlsx", hostile.xlsx_bomb),
    "docx-bomb": ("document", "chi-thi.docx", hostile.docx_huge_xml),
    "csv-long-field": ("metrics", "so-lieu.csv", hostile.csv_long_field),
}
LIMIT_SECONDS = 2.0
LIMIT_BYTES = 256 * 1024 * 1024


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every hostile file through its entry point, in one fresh process (whose memory starts small)."""
    folder = tmp_path_factory.mktemp("hostile")
    args = []
    for key, (entry, name, build) in CASES.items():
        path = folder / key / name
        path.parent.mkdir()
        path.write_bytes(build())
        args.append(f"{entry}={path}")
    env = {**os.environ, "KETNOI_DATA_DIR": str(folder / "data"), "KETNOI_ENV": "test"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: measured[arg] for key, arg in zip(CASES, args, strict=True)}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_within_two_seconds_and_256_mb(
    refusals: dict[str, dict[str, Any]], case: str
) -> None:
    result = refusals[case]
    assert result["outcome"] in {"UploadRefused", "TemplateError"}, result
    assert CASES[case][1] in result["message"]
    assert result["seconds"] < LIMIT_SECONDS, result
    assert result["traced_bytes"] < LIMIT_BYTES, result
    assert result["peak_rss_bytes"] < LIMIT_BYTES, result


def test_the_refusal_says_in_vietnamese_what_is_too_big(settings: Any) -> None:
    from django.utils import translation

    with translation.override("vi"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(hostile.xlsx_bomb(), name="so-lieu.xlsx", kind="metrics")
    assert refused.value.status == 413
    assert "so-lieu.xlsx" in str(refused.value.message)
    assert "xl/worksheets/sheet1.xml" in str(refused.value.message)
    assert "giải nén" in str(refused.value.message)


def test_a_sheet_declaring_the_whole_grid_is_refused_by_its_declaration() -> None:
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(hostile.xlsx_huge_dimension(), name="a.xlsx", kind="metrics")
    assert time.perf_counter() - started < 0.5
    assert "1.048.576" in str(refused.value.message) or "1,048,576" in str(refused.value.message)


def test_a_sheet_using_a_far_cell_without_declaring_it_is_refused_by_its_cells() -> None:
    sheet = (
        hostile._SHEET_HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="900000"><c r="B900000"><v>1</v></c></row></sheetData></worksheet>'
    ).encode()
    with pytest.raises(uploads.UploadRefused):
        uploads.check(hostile._xlsx(sheet), name="a.xlsx", kind="report_sheet")


def test_a_sheet_with_too_many_real_cells_is_refused_while_it_is_streamed() -> None:
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    head = (hostile._SHEET_HEAD + "<sheetData>").encode()
    data = hostile._xlsx(head, row, 4000, b"</sheetData></worksheet>")
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(data, name="a.xlsx", kind="report_sheet")
    assert "300.000" in str(refused.value.message) or "300,000" in str(refused.value.message)


def test_an_ordinary_workbook_and_csv_pass() -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["page", "date", "followers"])
    for day in range(1, 29):
        sheet.append(["https://facebook.com/x", f"{day:02d}/02/2025", 1000 + day])
    out = io.BytesIO()
    book.save(out)
    uploads.check(out.getvalue(), name="a.xlsx", kind="metrics")
    uploads.check(b"page,date,followers\r\nx,01/02/2025,1\r\n", name="a.csv", kind="metrics")


def test_a_damaged_archive_is_left_to_its_reader_which_refuses_it(db: Any) -> None:
    from ketnoi.pages.imports import ImportFailed, import_metrics

    data = hostile.xlsx_huge_dimension()[:600]
    uploads.check(data, name="a.xlsx", kind="metrics")
    with pytest.raises(ImportFailed):
        import_metrics(data=data, file_name="a.xlsx", by=SYSTEM)


def test_an_archive_whose_directory_lies_about_a_size_is_refused_as_damaged() -> None:
    data = bytearray(hostile.xlsx_bomb(2))
    directory = data.rfind(b"PK\x01\x02")  # the sheet's entry in the central directory
    data[directory + 24 : directory + 28] = (1000).to_bytes(4, "little")  # unpacked size: 1000 bytes
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(bytes(data), name="a.xlsx", kind="metrics")
    assert "hỏng" in str(refused.value.message) or "damaged" in str(refused.value.message)


def test_a_line_longer_than_the_csv_reader_takes_is_refused_with_its_line_number() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(hostile.csv_long_field(), name="a.csv", kind="metrics")
    assert "2" in str(refused.value.fields["file"])


def test_a_utf16_line_is_measured_in_its_own_newlines() -> None:
    text = "page,date,followers\r\n" + "x,01/02/2025,1\r\n" * 5
    uploads.check(b"\xff\xfe" + text.encode("utf-16-le"), name="a.csv", kind="metrics")
    with pytest.raises(uploads.UploadRefused):
        long_line = "page,date\r\n" + "a" * 70_000 + "\r\n"
        uploads.check(b"\xff\xfe" + long_line.encode("utf-16-le"), name="a.csv", kind="metrics")


def test_json_nested_too_deep_is_a_validation_error_not_a_stack_overflow() -> None:
    from ketnoi.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        uploads.loads_json("[" * 100_000 + "]" * 100_000, name="body")
    assert refused.value.status == 422
    with pytest.raises(ValidationError):
        uploads.loads_json("[" * 70 + "]" * 70, name="body")
    assert uploads.loads_json('{"a": [[1]]}', name="body") == {"a": [[1]]}


def test_the_size_limit_of_each_kind_comes_from_settings(settings: Any) -> None:
    settings.KETNOI_UPLOAD_LIMITS_MB = {**settings.KETNOI_UPLOAD_LIMITS_MB, "metrics": 1}
    assert uploads.max_bytes("metrics") == 1024 * 1024
    with pytest.raises(uploads.UploadRefused):
        uploads.check_size(1024 * 1024 + 1, name="a.csv", kind="metrics")
    uploads.check_size(1024 * 1024, name="a.csv", kind="metrics")
    assert "1 MB" in uploads.limit_text("metrics")
