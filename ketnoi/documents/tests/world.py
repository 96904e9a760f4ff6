"""A small province with every kind of figure a report reads, built through the apps' services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.directives import services as directive_services
from ketnoi.directives.models import TaskStatus
from ketnoi.documents import demo, services
from ketnoi.documents.models import ReportDocument, ReportTemplate
from ketnoi.pages import services as page_services
from ketnoi.pages.imports.writer import upsert
from ketnoi.reporting import demo as reporting_demo
from ketnoi.units.models import Unit
from ketnoi.units.services import unit_create


def units() -> Unit:
    """The conftest ``province`` as a plain function (module fixtures cannot use function fixtures)."""
    bp = Unit.objects.filter(code="BP").first()
    if bp is not None:
        return bp
    bp = unit_create(
        code="BP", name="Tỉnh Bình Phước", kind="province", level="province", parent=None, by=SYSTEM
    )
    bgm = unit_create(
        code="BP-BGM", name="Huyện Bù Gia Mập", kind="district", level="district", parent=bp, by=SYSTEM
    )
    dx = unit_create(
        code="BP-DX", name="Thành phố Đồng Xoài", kind="city", level="district", parent=bp, by=SYSTEM
    )
    unit_create(
        code="BP-BGM-XPN", name="Xã Phú Nghĩa", kind="commune", level="commune", parent=bgm, by=SYSTEM
    )
    unit_create(code="BP-DX-PTP", name="Phường Tân Phú", kind="ward", level="commune", parent=dx, by=SYSTEM)
    unit_create(
        code="BP-BTG",
        name="Ban Tuyên giáo Tỉnh ủy",
        kind="party_agency",
        level="district",
        parent=bp,
        by=SYSTEM,
    )
    return bp


def _page(unit: str, name: str, url: str, figures: dict[str, int], grassroots: bool = False) -> None:
    page = page_services.page_register(
        unit=Unit.objects.get(code=unit),
        platform="facebook_page",
        name=name,
        url=url,
        by=SYSTEM,
        is_grassroots=grassroots,
    )
    if figures:
        upsert([(page.pk, timezone.localdate(), figures)], source="manual", user_id=None)


def build() -> dict[str, Any]:
    """Figures of the review (the sample's), two official pages, three grassroots pages, a directive whose
    tasks are one done and one overdue, and the demo review template."""
    bp = units()
    everyone = list(Unit.objects.order_by("path"))
    reporting_demo._review(bp, bp, everyone)
    _page(
        "BP-BGM",
        "Bù Gia Mập Online",
        "https://facebook.com/bugiamaponline",
        {"likes": 17475, "followers": 24828},
    )
    _page(
        "BP", "Tự hào Bình Phước", "https://facebook.com/tuhaobinhphuoc", {"likes": 16000, "followers": 20000}
    )
    _page("BP-BGM-XPN", "Phú Nghĩa Ngày Mới", "https://facebook.com/phunghiangaymoi", {}, True)
    _page("BP-BGM", "Đa Kia Quê Tôi", "https://facebook.com/dakiaquetoi", {}, True)
    _page("BP-DX-PTP", "Tân Phú Hôm Nay", "https://facebook.com/tanphuhomnay", {}, True)
    directive = directive_services.document_create(
        unit=bp,
        by=SYSTEM,
        kind="chi_thi",
        number="23-CT/TU",
        title="Chỉ thị về định hướng tiếp cận, chia sẻ thông tin trên mạng xã hội",
        issued_on=dt.date(2017, 4, 17),
        read_heading=False,
    )
    done = directive_services.task_create(
        document=directive,
        lead_unit=Unit.objects.get(code="BP-BGM"),
        text="Tổ chức học tập, quán triệt Chỉ thị",
        by=SYSTEM,
        due_date=dt.date(2017, 12, 31),
    )
    directive_services.task_report_progress(
        task=done, by=SYSTEM, status=TaskStatus.DONE, note="Đã quán triệt."
    )
    directive_services.task_create(
        document=directive,
        lead_unit=Unit.objects.get(code="BP-DX"),
        text="Xây dựng trang cộng đồng của thành phố",
        by=SYSTEM,
        due_date=dt.date(2018, 6, 30),
    )
    template = demo.review_template(bp)
    return {"province": bp, "template": template}


def review_draft() -> ReportDocument:
    template = ReportTemplate.objects.get(code=demo.REVIEW_CODE)
    return services.document_draft(
        template=template, unit=Unit.objects.get(code="BP"), period=demo.REVIEW_PERIOD, by=SYSTEM
    )
