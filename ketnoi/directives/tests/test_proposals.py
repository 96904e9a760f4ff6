"""Reading the sample documents against a registry shaped like the demo province."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ketnoi.core.permissions import SYSTEM
from ketnoi.directives import services
from ketnoi.directives.proposals import analyse, propose_tasks, read_heading
from ketnoi.units.services import unit_create

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@pytest.fixture
def registry_units(province, unit):
    bp = unit("BP")
    add = lambda code, name, kind, aliases="": unit_create(  # noqa: E731
        code=code, name=name, kind=kind, level="district", parent=bp, by=SYSTEM, aliases=aliases
    )
    unit_create(
        code="BP-CSBP",
        name="Đảng ủy Công ty Cao su Bình Phước",
        kind="enterprise_party_committee",
        level="district",
        parent=bp,
        by=SYSTEM,
    )
    add("BP-BTC", "Ban Tổ chức Tỉnh ủy", "party_agency", "Ban Tổ chức")
    add("BP-UBKT", "Ủy ban Kiểm tra Tỉnh ủy", "party_agency", "Ủy ban Kiểm tra\nUBKT Tỉnh ủy")
    add("BP-UBND", "Ủy ban nhân dân tỉnh", "state_agency", "UBND tỉnh\nBan cán sự đảng UBND tỉnh")
    add("BP-CA", "Công an tỉnh", "state_agency")
    add(
        "BP-MTTQ",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "front",
        "Đảng đoàn Ủy ban Mặt trận Tổ quốc\nUBMTTQ tỉnh",
    )
    add("BP-TD", "Tỉnh đoàn", "front", "Ban Thường vụ Tỉnh đoàn")
    add("BP-HND", "Hội Nông dân tỉnh", "front")
    return bp


def codes(p):
    return sorted(u.code for u in p.units)


def test_the_directive_is_read_as_a_directive_of_the_provincial_standing_committee():
    head = read_heading(sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"))
    assert head.kind == "Chỉ thị"
    assert head.issuing_body == "Ban Thường vụ Tỉnh ủy"
    assert head.signer == "Lê Thị Thu Hồng"
    assert head.signer_capacity == "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ"
    assert "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy" in head.recipients


def test_the_directive_proposes_its_tasks_numbered_as_in_the_text_with_the_right_bodies(registry_units):
    tasks = propose_tasks(
        sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"), services.registry_for(registry_units)
    )
    by_number = {p.number: p for p in tasks}
    assert list(by_number) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "4",
        "5",
        "6",
        "7",
        "8",
    ]
    districts = ["BP-BGM", "BP-CSBP", "BP-DX"]
    assert codes(by_number["1.1"]) == districts  # "các cấp ủy ... chính quyền" under the province
    assert codes(by_number["3.1"]) == ["BP-UBND"]  # "Ban cán sự đảng UBND tỉnh" is an alias
    assert codes(by_number["4"]) == ["BP-HND", "BP-MTTQ", "BP-TD"]  # Đảng đoàn MTTQ + the mass organisations
    assert codes(by_number["5"]) == ["BP-UBKT"]
    assert codes(by_number["6"]) == ["BP-BTC"]
    assert codes(by_number["7"]) == districts  # "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"
    assert codes(by_number["8"]) == ["BP-BTG"]
    assert by_number["8"].recurrence == "quarterly"  # "định kỳ báo cáo"
    assert "Quán triệt cán bộ" in by_number["1.1"].text  # continuation paragraph kept with its dash


def test_duties_of_individual_persons_and_quotas_are_flagged_and_not_ticked(registry_units):
    tasks = {
        p.number: p
        for p in propose_tasks(
            sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"), services.registry_for(registry_units)
        )
    }
    for number in ("2.1", "2.2", "2.3", "2.4"):
        assert tasks[number].addressed_to_individuals
        assert not tasks[number].selected
        assert tasks[number].units == []
    assert "per_person_quota" in tasks["2.3"].out_of_scope
    assert "enforcement_on_individuals" in tasks["1.4"].out_of_scope
    assert tasks["6"].selected


def test_the_district_letter_resolves_huyen_bodies_relative_to_its_district_and_lists_the_unmatched(
    registry_units, unit
):
    result = analyse(sample("cong-van-huyen-uy-1189-CV-HU.txt"), services.registry_for(unit("BP-BGM")))
    assert result["number"] == "1189-CV/HU"
    assert result["kind"] == "Công văn"
    assert result["issued_on"] == "2023-11-20"
    assert result["issuing_body"] == "Ban Thường vụ Huyện ủy"
    assert [r["number"] for r in result["references"]] == ["85-QĐ/TW", "53/2022/NĐ-CP"]
    tasks = {t["number"]: t for t in result["tasks"]}
    assert list(tasks) == ["1", "1.1", "1.2", "1.3", "1.4"]
    # "các tổ chức cơ sở Đảng trực thuộc Huyện ủy" = the district's communes
    assert sorted(tasks["1"]["unit_codes"]) == ["BP-BGM-XDK", "BP-BGM-XPN"]
    assert tasks["1.3"]["unmatched_bodies"] == ["Công an huyện"]
    assert tasks["1.3"]["unit_codes"] == []  # never the provincial police
    assert "enforcement_on_individuals" in tasks["1.3"]["out_of_scope"]
    assert tasks["1.2"]["unmatched_bodies"] == ["UBND huyện"]


def test_a_district_body_in_the_registry_is_matched_from_its_short_name_in_the_letter(registry_units, unit):
    unit_create(
        code="BP-BGM-CA",
        name="Công an huyện Bù Gia Mập",
        kind="state_agency",
        level="commune",
        parent=unit("BP-BGM"),
        by=SYSTEM,
    )
    result = analyse(sample("cong-van-huyen-uy-1189-CV-HU.txt"), services.registry_for(unit("BP-BGM")))
    tasks = {t["number"]: t for t in result["tasks"]}
    assert tasks["1.3"]["unit_codes"] == ["BP-BGM-CA"]


def test_the_review_report_proposes_only_its_section_of_tasks(registry_units):
    tasks = propose_tasks(
        sample("bao-cao-so-ket-chi-thi-23-CT-TU.txt"), services.registry_for(registry_units)
    )
    assert [p.number for p in tasks] == ["1", "2", "3", "4", "5", "6", "7"]
    assert codes(tasks[3]) == ["BP-BTG"]
    assert codes(tasks[6]) == ["BP-BTG"]  # "Giao Ban Tuyên giáo Tỉnh ủy ..."


def test_a_directive_not_among_the_samples_with_ordinals_and_lettered_points(registry_units):
    text = """QUYẾT ĐỊNH
Số: 12-QĐ/TU
Bình Phước, ngày 05 tháng 3 năm 2025

Ban Thường vụ Tỉnh ủy đề nghị:

Một là, Ban Tuyên giáo Tỉnh uỷ chủ trì, phối hợp với Công an tỉnh xây dựng kế hoạch
tuyên truyền, hoàn thành trước ngày 30/6/2025.

Hai là, các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy:
a) Quán triệt nội dung đến chi bộ;
b) Báo cáo kết quả hằng quý về Ban Tuyên giáo Tỉnh ủy.

Ba là, Ban Tổ chức Tinh uy hướng dẫn việc đánh giá.

Nơi nhận:
- Như trên,
- Lưu Văn phòng Tỉnh ủy.
"""
    result = analyse(text, services.registry_for(registry_units))
    assert result["number"] == "12-QĐ/TU"
    assert result["issued_on"] == "2025-03-05"
    tasks = {t["number"]: t for t in result["tasks"]}
    assert list(tasks) == ["1", "2.a", "2.b", "3"]
    assert tasks["1"]["unit_codes"] == ["BP-BTG"]
    assert tasks["1"]["coordinating_unit_codes"] == ["BP-CA"]
    assert tasks["1"]["due_date"] == "2025-06-30"
    assert sorted(tasks["2.b"]["unit_codes"]) == ["BP-BGM", "BP-CSBP", "BP-DX"]
    assert tasks["2.b"]["recurrence"] == "quarterly"
    assert tasks["3"]["unit_codes"] == ["BP-BTC"]  # tolerant of the missing diacritics


def test_propose_tasks_command_prints_json_for_a_text_file(registry_units):
    out = StringIO()
    call_command(
        "propose-tasks", str(SAMPLES / "cong-van-huyen-uy-1189-CV-HU.txt"), "--unit", "BP-BGM", stdout=out
    )
    result = json.loads(out.getvalue())
    assert result["number"] == "1189-CV/HU"
    assert result["number_parts"]["issuer_code"] == "HU"
    assert result["tasks"][0]["number"] == "1"


def test_propose_tasks_command_reads_docx_and_pdf(registry_units, tmp_path):
    import docx

    document = docx.Document()
    for para in sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt").split("\n\n"):
        document.add_paragraph(para.strip())
    path = tmp_path / "chi-thi.docx"
    document.save(path)
    out = StringIO()
    call_command("propose-tasks", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert result["kind"] == "Chỉ thị"
    assert [t["number"] for t in result["tasks"]][-1] == "8"

    from pypdf import PdfWriter

    pdf = tmp_path / "empty.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with pdf.open("wb") as f:
        writer.write(f)
    out = StringIO()
    call_command("propose-tasks", str(pdf), stdout=out)
    assert json.loads(out.getvalue())["tasks"] == []


def test_propose_tasks_command_refuses_other_files_with_a_clear_message(registry_units, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "notes.odt"
    bad.write_bytes(b"x")
    with pytest.raises(CommandError, match=r"notes\.odt"):
        call_command("propose-tasks", str(bad))
