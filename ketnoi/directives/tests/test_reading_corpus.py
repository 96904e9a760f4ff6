"""The directive reader held to a corpus of 32 real-style texts (chỉ thị, kế hoạch, hướng dẫn, công
văn, thông báo kết luận; Party and State formats, some pasted from PDF with both header columns on
one line). Each text's expected heading, tasks and addressees are in corpus/expected.json, written
as a clerk would read the text, not from the parser's output.

The registry is a plain snapshot (no database): a province with three district-level localities and
an enterprise Party committee, the Tỉnh ủy's advisory bodies, departments, press and mass
organisations, and a district with its own bodies and communes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from ketnoi.directives.proposals import Registry, propose_tasks, read_heading, registry_from_units
from ketnoi.units.addressing import addressing_root_path

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@dataclass
class Row:
    id: int
    code: str
    name: str
    kind: str
    level: str
    path: str
    short_name: str = ""
    aliases: str = ""


# code, name, kind, parent code, aliases
UNITS = [
    ("BP", "Tỉnh Bình Phước", "province", None, ""),
    ("BP-BGM", "Huyện Bù Gia Mập", "district", "BP", ""),
    ("BP-DX", "Thành phố Đồng Xoài", "city", "BP", ""),
    ("BP-BL", "Thị xã Bình Long", "town", "BP", ""),
    ("BP-CSBP", "Đảng ủy Công ty Cao su Bình Phước", "enterprise_party_committee", "BP", ""),
    ("BP-BTG", "Ban Tuyên giáo Tỉnh ủy", "party_agency", "BP", "Ban Tuyên giáo"),
    ("BP-BDV", "Ban Dân vận Tỉnh ủy", "party_agency", "BP", "Ban Dân vận"),
    ("BP-BTC", "Ban Tổ chức Tỉnh ủy", "party_agency", "BP", "Ban Tổ chức"),
    ("BP-UBKT", "Ủy ban Kiểm tra Tỉnh ủy", "party_agency", "BP", "Ủy ban Kiểm tra\nUBKT Tỉnh ủy"),
    ("BP-VPTU", "Văn phòng Tỉnh ủy", "party_agency", "BP", "VPTU"),
    ("BP-UBND", "Ủy ban nhân dân tỉnh", "state_agency", "BP", "UBND tỉnh\nBan cán sự đảng UBND tỉnh"),
    ("BP-STTTT", "Sở Thông tin và Truyền thông", "state_agency", "BP", "Sở TT&TT"),
    ("BP-SGDDT", "Sở Giáo dục và Đào tạo", "state_agency", "BP", ""),
    ("BP-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "state_agency", "BP", ""),
    ("BP-CA", "Công an tỉnh", "state_agency", "BP", "Công an tỉnh Bình Phước"),
    ("BP-DPTTH", "Đài Phát thanh - Truyền hình tỉnh", "state_agency", "BP", "Đài PT-TH Bình Phước"),
    ("BP-BAO", "Báo Bình Phước", "state_agency", "BP", ""),
    (
        "BP-MTTQ",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "front",
        "BP",
        "Đảng đoàn Ủy ban Mặt trận Tổ quốc\nUBMTTQ tỉnh\nMặt trận Tổ quốc tỉnh",
    ),
    ("BP-TD", "Tỉnh đoàn", "front", "BP", "Ban Thường vụ Tỉnh đoàn\nĐoàn Thanh niên tỉnh"),
    ("BP-HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "front", "BP", "Hội Phụ nữ tỉnh"),
    ("BP-HND", "Hội Nông dân tỉnh", "front", "BP", ""),
    ("BP-HCCB", "Hội Cựu chiến binh tỉnh", "front", "BP", ""),
    ("BP-LDLD", "Liên đoàn Lao động tỉnh", "front", "BP", "Công đoàn tỉnh"),
    ("BP-BGM-XPN", "Xã Phú Nghĩa", "commune", "BP-BGM", ""),
    ("BP-BGM-XDK", "Xã Đa Kia", "commune", "BP-BGM", ""),
    ("BP-BGM-BTG", "Ban Tuyên giáo Huyện ủy Bù Gia Mập", "party_agency", "BP-BGM", ""),
    ("BP-BGM-CA", "Công an huyện Bù Gia Mập", "state_agency", "BP-BGM", ""),
    ("BP-BGM-VHTT", "Phòng Văn hóa và Thông tin huyện Bù Gia Mập", "state_agency", "BP-BGM", ""),
    ("BP-DX-PTP", "Phường Tân Phú", "ward", "BP-DX", ""),
    ("BP-BL-PAL", "Phường An Lộc", "ward", "BP-BL", ""),
]


def _rows() -> list[Row]:
    rows: dict[str, Row] = {}
    children: dict[str | None, int] = {}
    for index, (code, name, kind, parent, aliases) in enumerate(UNITS, start=1):
        base = rows[parent].path if parent else ""
        children[parent] = children.get(parent, 0) + 1
        level = "province" if parent is None else ("commune" if kind in ("commune", "ward") else "district")
        rows[code] = Row(index, code, name, kind, level, f"{base}{children[parent]:04d}", aliases=aliases)
    return list(rows.values())


ROWS = _rows()


def registry_of(code: str) -> Registry:
    """The registry as the services build it for a document registered by ``code``."""
    unit = next(r for r in ROWS if r.code == code)
    root = addressing_root_path(path=unit.path, kind=unit.kind, name=unit.name)
    return registry_from_units(ROWS, next(r for r in ROWS if r.path == root))


def test_the_corpus_has_at_least_30_texts_of_every_kind_in_both_formats():
    assert len(EXPECTED) >= 30
    assert {e["kind"] for e in EXPECTED.values()} >= {
        "Chỉ thị",
        "Kế hoạch",
        "Hướng dẫn",
        "Công văn",
        "Thông báo",
    }
    texts = [(CORPUS / name).read_text(encoding="utf-8") for name in EXPECTED]
    assert sum("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t for t in texts) >= 8  # State format
    assert sum("ĐẢNG CỘNG SẢN VIỆT NAM" in t for t in texts) >= 15  # Party format


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_heading_is_read_as_a_clerk_reads_it(name):
    expected = EXPECTED[name]
    head = read_heading((CORPUS / name).read_text(encoding="utf-8"))
    assert head.kind == expected["kind"]
    assert head.number == expected["number"]
    assert head.issued_on == dt.date.fromisoformat(expected["issued_on"])
    assert head.issuing_body == expected["issuing_body"]
    assert head.title == expected["title"]
    assert head.signer == expected["signer"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_tasks_and_who_they_address_are_read_as_a_clerk_reads_them(name):
    expected = EXPECTED[name]
    proposals = propose_tasks((CORPUS / name).read_text(encoding="utf-8"), registry_of(expected["unit"]))
    by_number = {p.number: p for p in proposals}
    assert {n: sorted(u.code for u in p.units) for n, p in by_number.items()} == expected["tasks"]
    for number, codes in expected.get("coordinating", {}).items():
        assert sorted(u.code for u in by_number[number].coordinating) == codes, number
    for number, names in expected.get("unmatched", {}).items():
        assert by_number[number].unmatched == names, number
    for number, day in expected.get("due", {}).items():
        assert by_number[number].due_date == dt.date.fromisoformat(day), number
    for number, recurrence in expected.get("recurrence", {}).items():
        assert by_number[number].recurrence == recurrence, number
    flagged = sorted(n for n, p in by_number.items() if p.out_of_scope)
    assert flagged == sorted(expected.get("flagged", []))
    # The closing courtesy sentence is never a task.
    assert not any(p.text.rstrip().endswith("./.") for p in proposals)
