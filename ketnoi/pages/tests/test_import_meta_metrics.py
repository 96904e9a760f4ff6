"""Meta's per-metric daily exports, the Vietnamese template, refusals naming the line, the template's sample
rows on the importer's own pages, and no post text kept (issue 11 item 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services
from ketnoi.pages.imports import ImportFailed, import_metrics, template_csv
from ketnoi.pages.models import MetricSnapshot, Page

pytestmark = pytest.mark.usefixtures("end_of_june_2025")


@pytest.fixture
def page(unit: Any) -> Page:
    return services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/BuGiaMapOnline",
        platform_id="100064581",
        by=SYSTEM,
    )


def _meta_metric(metric: str, rows: list[tuple[str, str]]) -> bytes:
    lines = ["sep=,", f'"{metric}"', '"Date","Primary"', *(f'"{d}","{v}"' for d, v in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")  # UTF-16 with its BOM, as Meta writes it


def test_a_per_metric_export_of_a_kept_figure_is_imported_for_the_chosen_page(page: Page) -> None:
    data = _meta_metric("Facebook reach", [("2025-06-01T00:00:00", "1200"), ("2025-06-02T00:00:00", "1350")])
    result = import_metrics(data=data, file_name="Reach.csv", by=SYSTEM, page=page)
    assert result.kind == "meta_metric"
    figures = dict(MetricSnapshot.objects.filter(page=page).values_list("day", "reach"))
    assert figures == {dt.date(2025, 6, 1): 1200, dt.date(2025, 6, 2): 1350}


@pytest.mark.parametrize("metric", ["Facebook follows", "Views"])
def test_a_per_metric_export_of_a_figure_not_kept_says_so_by_name(page: Page, metric: str) -> None:
    data = _meta_metric(metric, [("2025-06-01T00:00:00", "17")])
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="x.csv", by=SYSTEM, page=page)
    message = str(failed.value.errors[0])
    assert f"“{metric}”" in message and "không lưu" in message
    assert not MetricSnapshot.objects.filter(page=page).exists()


def test_the_template_with_vietnamese_headers_is_accepted(page: Page) -> None:
    data = "Trang,Ngày,Người theo dõi,Lượt thích,Bài đăng\nhttps://facebook.com/BuGiaMapOnline,01/06/2025,16.000,15.000,4\n"
    result = import_metrics(data=data.encode(), file_name="mau.csv", by=SYSTEM)
    assert result.kind == "template"
    assert MetricSnapshot.objects.get(page=page, day=dt.date(2025, 6, 1)).followers == 16000


def test_a_refused_page_names_the_line_that_names_it(page: Page, unit: Any, charlie: Any) -> None:
    services.page_register(
        unit=unit("BP-DX"), platform="facebook_page", name="Đồng Xoài", url="facebook.com/dongxoai", by=SYSTEM
    )
    data = (
        "page,date,followers\n"
        "https://facebook.com/dongxoai,01/06/2025,10\n"
        "https://facebook.com/BuGiaMapOnline,01/06/2025,16000\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data.encode(), file_name="mau.csv", by=charlie)
    assert [e.line for e in failed.value.errors] == [3]
    assert str(failed.value.errors[0]).startswith("dòng 3")


def test_the_template_sample_rows_are_the_importers_own_pages(page: Page, bob: Any, charlie: Any) -> None:
    mine = template_csv(bob)
    assert "https://facebook.com/BuGiaMapOnline" in mine and "tuhaobinhphuoc" not in mine
    assert "BuGiaMapOnline" not in template_csv(charlie)  # another district's person gets sample addresses


def test_a_meta_post_level_import_stores_none_of_the_posts_text(page: Page) -> None:
    marker = "ZQXW-bài-viết-riêng-của-ai-đó-7731"
    data = (
        "Post ID,Page ID,Page name,Title,Description,Permalink,Publish time,Post type,"
        "Reach,Reactions,Comments,Shares\n"
        f'1,100064581,Bù Gia Mập Online,"{marker} tiêu đề","{marker} nội dung",'
        f"https://facebook.com/{marker},06/01/2025 08:00,Photo,1200,30,4,2\n"
    )
    result = import_metrics(data=data.encode(), file_name="content.csv", by=SYSTEM)
    assert result.snapshots == 1
    found: list[str] = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        found += [
            f"{model._meta.label}.{name}"
            for name in text_fields
            if model._default_manager.filter(**{f"{name}__icontains": "ZQXW"}).exists()
        ]
    assert found == [], f"post text was stored in {found}"
