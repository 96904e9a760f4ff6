from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import dashboards, services
from ketnoi.pages.checklist import evaluate
from ketnoi.pages.models import MetricSnapshot, Page

TODAY = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _fixed_day() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bgm_page(unit: Any) -> Page:
    return services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="facebook.com/bugiamaponline",
        platform_id="100064581",
        by=SYSTEM,
    )


def test_editor_registers_a_page_in_the_browser(bob: Any, web_as: Any, unit: Any) -> None:
    browser = web_as(bob)
    form = browser.get("/pages/new/")
    assert form.status_code == 200
    assert "Bù Gia Mập" in form.content.decode()
    assert "Đồng Xoài" not in form.content.decode()
    response = browser.post(
        "/pages/new/",
        {
            "unit": unit("BP-BGM-XPN").pk,
            "platform": "facebook_page",
            "name": "Phú Nghĩa ngày mới",
            "url": "https://m.facebook.com/PhuNghiaNgayMoi/",
            "review_interval_days": 60,
        },
    )
    page = Page.objects.get()
    assert response.status_code == 302
    assert (page.unit.code, page.canonical_url, page.review_interval_days) == (
        "BP-BGM-XPN",
        "facebook.com/phunghiangaymoi",
        60,
    )


def test_editor_cannot_register_a_page_for_another_district_in_the_browser(
    bob: Any, web_as: Any, unit: Any
) -> None:
    response = web_as(bob).post(
        "/pages/new/",
        {"unit": unit("BP-DX").pk, "platform": "facebook_page", "name": "X", "url": "facebook.com/x"},
    )
    assert response.status_code == 200
    assert not Page.objects.exists()


def test_a_duplicate_is_refused_in_the_form_with_a_clear_message(
    bob: Any, web_as: Any, bgm_page: Page
) -> None:
    response = web_as(bob).post(
        "/pages/new/",
        {
            "unit": bgm_page.unit.pk,
            "platform": "facebook_page",
            "name": "Copy",
            "url": "https://www.facebook.com/BuGiaMapOnline/?ref=x",
            "review_interval_days": 90,
        },
    )
    assert "đã được đăng ký" in response.content.decode()
    assert Page.objects.count() == 1


def test_page_list_is_scoped_and_searchable(
    charlie: Any, alice: Any, web_as: Any, bgm_page: Page, django_assert_max_num_queries: Any
) -> None:
    assert "Bù Gia Mập Online" not in web_as(charlie).get("/pages/").content.decode()
    browser = web_as(alice)
    with django_assert_max_num_queries(12):
        page = browser.get("/pages/", {"q": "bu gia map"})
    assert "Bù Gia Mập Online" in page.content.decode()


def test_page_detail_cannot_be_seen_from_another_district(charlie: Any, web_as: Any, bgm_page: Page) -> None:
    assert web_as(charlie).get(f"/pages/{bgm_page.pk}/").status_code == 403


def test_manual_entry_keeps_empty_boxes_missing(bob: Any, web_as: Any, bgm_page: Page) -> None:
    browser = web_as(bob)
    browser.post(f"/pages/{bgm_page.pk}/figures/", {"day": "2025-06-29", "followers": "24828", "likes": ""})
    snap = MetricSnapshot.objects.get()
    assert (snap.followers, snap.likes, snap.source) == (24828, None, "manual")
    detail = browser.get(f"/pages/{bgm_page.pk}/").content.decode()
    assert "24.828" in detail
    assert "29/06/2025" in detail


def test_figures_cannot_be_entered_from_another_district(charlie: Any, web_as: Any, bgm_page: Page) -> None:
    response = web_as(charlie).post(f"/pages/{bgm_page.pk}/figures/", {"day": "2025-06-29", "followers": "1"})
    assert response.status_code == 403
    assert not MetricSnapshot.objects.exists()


def test_import_screen_lists_bad_rows_and_saves_nothing(bob: Any, web_as: Any, bgm_page: Page) -> None:
    data = f"page,date,followers\n{bgm_page.pk},01/06/2025,abc\n{bgm_page.pk},99/06/2025,5\n".encode()
    response = web_as(bob).post("/pages/import/", {"file": SimpleUploadedFile("so-lieu.csv", data)})
    text = response.content.decode()
    assert "so-lieu.csv" in text
    assert "không phải là số nguyên" in text
    assert "99/06/2025" in text
    assert not MetricSnapshot.objects.exists()


def test_import_screen_imports_a_good_file(bob: Any, web_as: Any, bgm_page: Page) -> None:
    data = f"page,date,followers\n{bgm_page.pk},01/06/2025,24000\n".encode()
    response = web_as(bob).post("/pages/import/", {"file": SimpleUploadedFile("ok.csv", data)})
    assert response.status_code == 200
    assert MetricSnapshot.objects.get().followers == 24000


def test_checklist_finds_missing_two_factor_leavers_and_overdue_review(
    make_person: Any, bgm_page: Page, unit: Any
) -> None:
    a = make_person("quantri1", "BP-BGM")
    b = make_person("quantri2", "BP-BGM")
    services.page_administrator_set(page=bgm_page, user=a, role="admin", two_factor=True, by=SYSTEM)
    services.page_administrator_set(page=bgm_page, user=b, role="admin", two_factor=True, by=SYSTEM)
    services.page_update(page=bgm_page, by=SYSTEM, recovery_email="vanphong@bugiamap.binhphuoc.gov.vn")
    services.security_review_record(page=bgm_page, by=SYSTEM, on=TODAY - dt.timedelta(days=10))
    bgm_page.refresh_from_db()
    assert evaluate(bgm_page, today=TODAY).ok
    b.left_unit_on = dt.date(2025, 5, 1)
    b.save()
    services.page_administrator_set(page=bgm_page, user=a, role="admin", two_factor=False, by=SYSTEM)
    result = evaluate(bgm_page, today=TODAY + dt.timedelta(days=100))
    assert {c.key for c in result.failed} == {"two_factor", "two_admins", "no_leavers", "reviewed"}
    services.page_update(page=bgm_page, by=SYSTEM, recovery_email="bgm.online@gmail.com")
    assert "recovery_email" in {c.key for c in evaluate(bgm_page, today=TODAY).failed}


def test_unit_admins_see_failing_pages_of_their_unit(make_person: Any, web_as: Any, bgm_page: Page) -> None:
    boss = make_person("truongphong", "BP-BGM", [("unit_admin", "BP-BGM")])
    response = web_as(boss).get("/pages/checklist/")
    assert response.status_code == 200
    assert "Bù Gia Mập Online" in response.content.decode()
    assert web_as(boss).get("/pages/checklist/", {"unit": "BP-DX"}).status_code == 403


def _history(page: Page, audience: list[int], posts_until: dt.date | None = None) -> None:
    for i, value in enumerate(audience):
        day = dt.date(2025, 1 + i, 15)
        services.metrics_record(
            page=page,
            day=day,
            values={"followers": value, "posts": 2 if posts_until is None or day <= posts_until else 0},
            source="manual",
            by=SYSTEM,
        )


def test_dashboard_shows_growth_movers_silent_pages_and_grassroots(
    alice: Any, web_as: Any, unit: Any, bgm_page: Page
) -> None:
    dx = services.page_register(
        unit=unit("BP-DX"), platform="facebook_page", name="Đồng Xoài", url="facebook.com/dongxoai", by=SYSTEM
    )
    services.page_register(
        unit=unit("BP-BGM-XPN"),
        platform="facebook_group",
        name="Phú Nghĩa",
        url="facebook.com/groups/phunghia",
        is_grassroots=True,
        by=SYSTEM,
    )
    _history(bgm_page, [1000, 1100, 1200, 1300, 1400, 1500])
    _history(dx, [900, 880, 860, 840, 820, 800], posts_until=dt.date(2025, 3, 31))
    board = dashboards.build(unit("BP"), TODAY)
    assert [r["audience"] for r in board.series] == [1900, 1980, 2060, 2140, 2220, 2300]
    assert [m.page.name for m in board.growing] == ["Bù Gia Mập Online"]
    assert board.growing[0].change == 300
    assert [m.page.name for m in board.declining] == ["Đồng Xoài"]
    assert {p.name for p in board.silent} == {"Đồng Xoài", "Phú Nghĩa"}
    assert [(r["unit"].code, r["count"]) for r in board.grassroots] == [("BP-BGM", 1)]
    assert board.status_totals["registered"] == 3
    response = web_as(alice).get("/pages/dashboard/", {"unit": "BP"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "/vendor/plotly-" in text
    assert "2.300" in text
    assert "board-charts" in text


def test_dashboard_of_a_district_counts_only_its_subtree(
    bob: Any, web_as: Any, unit: Any, bgm_page: Page
) -> None:
    _history(bgm_page, [1000, 1100])
    board = dashboards.build(unit("BP-BGM"), TODAY)
    assert board.total_pages == 1
    assert web_as(bob).get("/pages/dashboard/", {"unit": "BP-DX"}).status_code == 403
    assert web_as(bob).get("/pages/dashboard/").status_code == 200


def test_dashboard_exports_every_table_to_xlsx(alice: Any, web_as: Any, bgm_page: Page) -> None:
    from openpyxl import load_workbook

    _history(bgm_page, [1000, 1100])
    response = web_as(alice).get("/pages/dashboard.xlsx", {"unit": "BP"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7
    series = book.worksheets[1]
    assert [c.value for c in series[1]][:2] == ["Tháng", "Người theo dõi"]
    assert series.cell(row=3, column=2).value == 1100


def test_dashboard_queries_do_not_grow_with_pages(
    alice: Any, web_as: Any, unit: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        page = services.page_register(
            unit=unit("BP-BGM"),
            platform="facebook_page",
            name=f"Trang {i}",
            url=f"facebook.com/trang{i}",
            by=SYSTEM,
        )
        _history(page, [100 + i, 120 + i])
    browser = web_as(alice)
    with django_assert_max_num_queries(25):
        assert browser.get("/pages/dashboard/", {"unit": "BP"}).status_code == 200


def test_demo_loads_the_reports_pages_twice_without_change(db: Any) -> None:
    from ketnoi.accounts import demo as accounts_demo
    from ketnoi.pages import demo
    from ketnoi.pages.models import UnitMonth
    from ketnoi.units import demo as units_demo

    units_demo.load()
    accounts_demo.load()
    demo.load()
    counts = (Page.objects.count(), MetricSnapshot.objects.count())
    demo.load()
    assert (Page.objects.count(), MetricSnapshot.objects.count()) == counts
    page = Page.objects.get(canonical_url="facebook.com/tuhaobinhphuoc")
    last = MetricSnapshot.objects.filter(page=page).latest("day")
    assert (last.day, last.followers, last.likes) == (TODAY, 20000, 16000)
    assert Page.objects.filter(unit__code__startswith="BP-LN", is_grassroots=True).count() == 16
    assert Page.objects.filter(is_grassroots=True).count() == 133
    assert UnitMonth.objects.filter(unit__code="BP").count() >= 36
    assert Page.objects.get(canonical_url="facebook.com/tuyengiaobinhphuoc.cu").status == "retired"


def test_a_viewer_cannot_open_the_register_or_import_screens(make_person: Any, web_as: Any) -> None:
    viewer = make_person("xem", "BP", [("viewer", "BP")])
    browser = web_as(viewer)
    assert browser.get("/pages/new/").status_code == 403
    assert browser.get("/pages/import/").status_code == 403
    assert "Nhập số liệu" not in browser.get("/pages/").content.decode()


def test_nightly_rebuild_gives_the_same_aggregates_as_the_writes(unit: Any, bgm_page: Page) -> None:
    from ketnoi.pages.models import PageMonth, UnitMonth
    from ketnoi.pages.tasks import aggregates_rebuild_nightly

    _history(bgm_page, [1000, 1100, 1200])
    before = sorted(UnitMonth.objects.values_list("unit_id", "month", "audience", "pages", "posts"))
    UnitMonth.objects.all().delete()
    PageMonth.objects.all().delete()
    aggregates_rebuild_nightly.call_local()
    assert sorted(UnitMonth.objects.values_list("unit_id", "month", "audience", "pages", "posts")) == before
    assert len(before) == 2 * 3  # the page's district and the province, three months each


def test_dashboard_xlsx_carries_no_formula_from_a_page_name(alice: Any, web_as: Any, unit: Any) -> None:
    from openpyxl import load_workbook

    services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name='=HYPERLINK("http://evil.example","bấm")',
        url="facebook.com/trang.la",
        by=SYSTEM,
    )
    response = web_as(alice).get("/pages/dashboard.xlsx", {"unit": "BP"})
    cells = [
        c
        for ws in load_workbook(io.BytesIO(response.content)).worksheets
        for row in ws.iter_rows()
        for c in row
    ]
    names = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(n.startswith("'=") for n in names)
    assert all(c.data_type != "f" for c in cells)
