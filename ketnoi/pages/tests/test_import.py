from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services
from ketnoi.pages.imports import ImportFailed, import_metrics, parse_count, template_csv
from ketnoi.pages.models import MetricImport, MetricSnapshot, Page, PageMonth, UnitMonth

pytestmark = pytest.mark.usefixtures("end_of_june_2025")


@pytest.fixture
def pages(unit: Any) -> dict[str, Page]:
    fb = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/BuGiaMapOnline",
        platform_id="100064581",
        by=SYSTEM,
    )
    dx = services.page_register(
        unit=unit("BP-DX"),
        platform="facebook_page",
        name="Đồng Xoài, thành phố tôi yêu",
        url="https://facebook.com/dongxoaitoiyeu",
        platform_id="100077777",
        by=SYSTEM,
    )
    group = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_group",
        name="Bù Gia Mập xin chào",
        url="https://facebook.com/groups/bgmxinchao",
        by=SYSTEM,
    )
    return {"fb": fb, "dx": dx, "group": group}


def meta_utf16(lines: list[str]) -> bytes:
    """As Meta Business Suite writes them: UTF-16 with a BOM, a ``sep=,`` first line, CRLF."""
    return ("\r\n".join(['"sep=,"', *lines]) + "\r\n").encode("utf-16")


def test_the_template_imports_and_a_second_import_changes_nothing(pages: dict[str, Page]) -> None:
    data = (
        "page,date,followers,likes,members,posts,reach,engagement\n"
        f"{pages['fb'].pk},01/06/2025,24000,17000,,3,5000,410\n"
        "https://m.facebook.com/BuGiaMapOnline/?ref=x,29/06/2025,24828,17475,,,,\n"
        "facebook.com/groups/bgmxinchao,29/06/2025,,,9300,12,,\n"
    ).encode()
    result = import_metrics(data=data, file_name="mau.csv", by=SYSTEM)
    assert (result.kind, result.snapshots, result.changed) == ("template", 3, 3)
    snap = MetricSnapshot.objects.get(page=pages["fb"], day=dt.date(2025, 6, 29))
    assert (snap.followers, snap.likes, snap.posts, snap.reach) == (24828, 17475, None, None)
    group = MetricSnapshot.objects.get(page=pages["group"])
    assert (group.members, group.followers, group.posts) == (9300, None, 12)
    before = list(MetricSnapshot.objects.order_by("pk").values())
    again = import_metrics(data=data, file_name="mau.csv", by=SYSTEM)
    assert again.changed == 0
    assert list(MetricSnapshot.objects.order_by("pk").values()) == before
    assert MetricImport.objects.count() == 2
    june = UnitMonth.objects.get(unit=pages["fb"].unit, month=dt.date(2025, 6, 1))
    assert (june.audience, june.pages, june.posts) == (24828 + 9300, 2, 15)


def test_a_malformed_file_lists_every_bad_row_and_changes_nothing(pages: dict[str, Page]) -> None:
    services.metrics_record(
        page=pages["fb"], day=dt.date(2025, 6, 1), values={"followers": 1}, source="manual", by=SYSTEM
    )
    data = (
        "page,date,followers,posts\n"
        f"{pages['fb'].pk},02/06/2025,24000,3\n"
        f"{pages['fb'].pk},31/02/2025,24000,3\n"
        "facebook.com/khongcotrang,03/06/2025,10,1\n"
        f"{pages['fb'].pk},04/06/2025,nhiều,1.5\n"
        f"{pages['fb'].pk},02/06/2025,24001,3\n"
        f"{pages['fb'].pk},05/07/2025,1,1\n"
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="hong.csv", by=SYSTEM)
    found = {(e.line, e.column) for e in failed.value.errors}
    assert found == {
        (3, "date"),
        (4, "page"),
        (5, "followers"),
        (5, "posts"),
        (6, "date"),
        (7, "date"),
    }
    assert "hong.csv" in str(failed.value.message)
    messages = [str(e) for e in failed.value.errors]
    assert "dòng 5, cột “followers”: “nhiều” không phải là số nguyên." in messages
    assert MetricSnapshot.objects.count() == 1
    assert not MetricImport.objects.exists()


def test_meta_page_level_export_in_utf16_with_description_row_needs_the_page(pages: dict[str, Page]) -> None:
    data = meta_utf16(
        [
            '"Date","Lifetime Total Follows","Facebook Page likes","Reach","New follows","Post engagements"',
            '"Date","Lifetime: The total number of people who follow your Page.","Lifetime likes",'
            '"Daily reach","Daily new follows","Daily engagements"',
            '"2025-06-01T07:00:00+0000","24,100","17,200","5,120","12","430"',
            '"2025-06-02T07:00:00+0000","24,130","17,210","","9","401"',
        ]
    )
    with pytest.raises(ImportFailed):
        import_metrics(data=data, file_name="Insights.csv", by=SYSTEM)
    result = import_metrics(data=data, file_name="Insights.csv", by=SYSTEM, page=pages["fb"])
    assert result.kind == "meta_page"
    rows = list(MetricSnapshot.objects.filter(page=pages["fb"]).order_by("day"))
    assert [(r.day.day, r.followers, r.likes, r.reach, r.engagement) for r in rows] == [
        (1, 24100, 17200, 5120, 430),
        (2, 24130, 17210, None, 401),
    ]


def test_meta_page_export_with_reordered_and_renamed_columns_is_recognised(pages: dict[str, Page]) -> None:
    data = meta_utf16(
        [
            '"Engagement","Extra column","Page followers","Date"',
            '"17","x","24,828","06/28/2025"',
        ]
    )
    import_metrics(data=data, file_name="insights-2025.csv", by=SYSTEM, page=pages["fb"])
    snap = MetricSnapshot.objects.get(page=pages["fb"])
    assert (snap.day, snap.followers, snap.engagement, snap.likes) == (dt.date(2025, 6, 28), 24828, 17, None)


def test_meta_content_export_is_aggregated_per_page_and_day(pages: dict[str, Page]) -> None:
    data = meta_utf16(
        [
            '"Post ID","Page ID","Page name","Title","Description","Publish time","Permalink","Post type",'
            '"Reach","Reactions, comments and shares","Reactions","Comments","Shares","Views"',
            '"100064581_1","100064581","BGM","t","d","06/28/2025 08:00","https://fb.com/1","Photos",'
            '"1,200","80","60","10","10","3000"',
            '"100064581_2","100064581","BGM","t","d","06/28/2025 19:30","https://fb.com/2","Links",'
            '"800","20","15","3","2","900"',
            '"100077777_9","100077777","DX","t","d","06/27/2025 10:00","https://fb.com/9","Videos",'
            '"500","","5","0","1","100"',
        ]
    )
    result = import_metrics(data=data, file_name="content.csv", by=SYSTEM)
    assert result.kind == "meta_content"
    bgm = MetricSnapshot.objects.get(page=pages["fb"])
    assert (bgm.day, bgm.posts, bgm.reach, bgm.engagement, bgm.followers) == (
        dt.date(2025, 6, 28),
        2,
        2000,
        100,
        None,
    )
    dx = MetricSnapshot.objects.get(page=pages["dx"])
    assert (dx.posts, dx.reach, dx.engagement) == (1, 500, 6)
    assert import_metrics(data=data, file_name="content.csv", by=SYSTEM).changed == 0
    pages["fb"].refresh_from_db()
    assert pages["fb"].last_post_day == dt.date(2025, 6, 28)


def test_content_export_with_an_unregistered_page_id_names_the_row(pages: dict[str, Page]) -> None:
    data = meta_utf16(
        [
            '"Page ID","Post ID","Publish time","Reach"',
            '"100064581","a","06/28/2025 08:00","5"',
            '"999","b","06/28/2025 08:00","5"',
        ]
    )
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="c.csv", by=SYSTEM)
    assert [(e.line, e.column) for e in failed.value.errors] == [(4, "Page ID")]
    assert not MetricSnapshot.objects.exists()


def test_xlsx_template_imports(pages: dict[str, Page]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ngày", "Trang", "Người theo dõi", "Bài đăng"])
    sheet.append([dt.date(2025, 6, 20), pages["dx"].pk, 5502, 4])
    buffer = io.BytesIO()
    book.save(buffer)
    import_metrics(data=buffer.getvalue(), file_name="mau.xlsx", by=SYSTEM)
    snap = MetricSnapshot.objects.get(page=pages["dx"])
    assert (snap.day, snap.followers, snap.posts) == (dt.date(2025, 6, 20), 5502, 4)


def test_an_editor_cannot_import_figures_of_another_district_nor_learn_its_pages(
    pages: dict[str, Page], bob: Any
) -> None:
    data = f"page,date,followers\n{pages['fb'].pk},01/06/2025,1\n{pages['dx'].pk},01/06/2025,2\n".encode()
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="x.csv", by=bob)
    refusal = " ".join(str(e) for e in failed.value.errors)
    assert "đơn vị của bạn" in refusal  # "not one of your units' pages"
    assert "Đồng Xoài" not in refusal and "dongxoai" not in refusal
    assert not MetricSnapshot.objects.exists()


def test_unknown_columns_are_explained(pages: dict[str, Page]) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=b"a,b\n1,2\n", file_name="x.csv", by=SYSTEM)
    assert "mẫu" in str(failed.value.errors[0])


def test_the_template_download_imports_as_is(unit: Any) -> None:
    services.page_register(
        unit=unit("BP"), platform="facebook_page", name="Tự hào", url="facebook.com/tuhaobinhphuoc", by=SYSTEM
    )
    services.page_register(
        unit=unit("BP"),
        platform="facebook_group",
        name="Xin chào",
        url="facebook.com/groups/binhphuocxinchao",
        by=SYSTEM,
    )
    result = import_metrics(data=template_csv().encode(), file_name="mau.csv", by=SYSTEM)
    assert result.snapshots == 2


def test_counts_typed_by_people_are_vietnamese_and_counts_in_meta_exports_follow_the_export() -> None:
    assert parse_count("16.000") == 16000
    assert parse_count("16000") == 16000
    assert parse_count("") is None
    with pytest.raises(ValueError, match="không rõ nghĩa"):
        parse_count("16,000")  # sixteen, or sixteen thousand the English way? Refused, never guessed
    with pytest.raises(ValueError):
        parse_count("1,5")
    assert parse_count("16,000", export=True) == 16000  # Meta's English export
    assert parse_count("16.000", export=True) == 16000  # Meta's Vietnamese export
    with pytest.raises(ValueError):
        parse_count("1,5", export=True)
    with pytest.raises(ValueError, match="quá lớn"):
        parse_count("9" * 25)
    with pytest.raises(ValueError, match="quá lớn"):
        parse_count("3000000000", "posts")  # posts is a 32-bit column


def test_command_exits_non_zero_and_writes_nothing_on_bad_rows(
    pages: dict[str, Page], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"page,date,followers\n{pages['fb'].pk},01/06/2025,abc\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-metrics", str(bad), stderr=err)
    assert "bad.csv: dòng 2, cột “followers”" in err.getvalue()
    assert not MetricSnapshot.objects.exists()


def test_command_imports_a_page_level_export_with_page(pages: dict[str, Page], tmp_path: Path) -> None:
    good = tmp_path / "insights.csv"
    good.write_bytes(meta_utf16(['"Date","Page followers"', '"2025-06-01","24,100"']))
    out = io.StringIO()
    call_command("import-metrics", str(good), "--page", str(pages["fb"].pk), stdout=out)
    assert MetricSnapshot.objects.get(page=pages["fb"]).followers == 24100
    assert PageMonth.objects.filter(page=pages["fb"]).count() == 1


def test_an_import_over_existing_figures_keeps_the_figures_it_does_not_give(pages: dict[str, Page]) -> None:
    day = dt.date(2025, 6, 1)
    services.metrics_record(
        page=pages["fb"], day=day, values={"followers": 1, "likes": 5}, source="manual", by=SYSTEM
    )
    data = (
        f"page,date,followers,posts\n{pages['fb'].pk},01/06/2025,2,\n{pages['fb'].pk},02/06/2025,3,1\n"
    ).encode()
    result = import_metrics(data=data, file_name="x.csv", by=SYSTEM)
    assert (result.snapshots, result.changed) == (2, 2)
    first = MetricSnapshot.objects.get(page=pages["fb"], day=day)
    assert (first.followers, first.likes, first.posts, first.source) == (2, 5, None, "import")
    assert import_metrics(data=data, file_name="x.csv", by=SYSTEM).changed == 0
    pages["fb"].refresh_from_db()
    assert (pages["fb"].latest_audience, pages["fb"].latest_day) == (3, dt.date(2025, 6, 2))


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_meta_exports_in_utf16_without_a_byte_order_mark_are_recognised(
    pages: dict[str, Page], encoding: str
) -> None:
    lines = [
        '"Date","Lifetime Total Follows","Facebook Page likes","Reach","New follows","Post engagements"',
        '"2025-06-01T07:00:00+0000","24,100","17,200","5,120","12","430"',
    ]
    data = ("\r\n".join(['"sep=,"', *lines]) + "\r\n").encode(encoding)
    result = import_metrics(data=data, file_name="Insights.csv", by=SYSTEM, page=pages["fb"])
    assert result.kind == "meta_page"
    assert MetricSnapshot.objects.get(page=pages["fb"]).followers == 24100
