"""Demo report templates and documents: the province's 2017–2020 review of Directive 23-CT/TU, following the
structure and figures of the sample review report, and a commune's monthly report. Idempotent.

The sample's sections on handling individuals (its II.4 "xử lý các trường hợp" and the related parts of
II.5) are not reproduced: the product builds no case files against persons (see DEVELOPING.md).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.documents import services
from ketnoi.documents.models import ReportDocument, ReportTemplate
from ketnoi.lib import periods as P
from ketnoi.units.models import Unit

REVIEW_CODE = "so-ket-ct-23"
MONTHLY_CODE = "bao-cao-thang-xa"
REVIEW_UNIT = "BP"
REVIEW_PERIOD = "2017-2020"
MONTHLY_UNIT = "BP-BGM-XBGM"


def _text(name: str) -> str:
    return resources.files("ketnoi").joinpath("demo_data", name).read_text(encoding="utf-8")


def _fig(code: str) -> dict[str, Any]:
    return {"kind": "figure", "indicator": code}


REVIEW_BLOCKS: dict[str, Any] = {
    "studied_pct": _fig("members_studied_directive_pct"),
    "docs_total": _fig("documents_issued_total"),
    "docs_btg": _fig("documents_issued_propaganda_dept"),
    "radio_tv": _fig("radio_tv_items"),
    "print_online": _fig("print_online_items"),
    "province_pages": _fig("province_level_community_pages"),
    "mailboxes": _fig("official_mailboxes"),
    "pages_total": _fig("official_pages_total"),
    "top_pages_text": {"kind": "top_pages", "limit": 7},
    "top_pages": {"kind": "top_pages", "limit": 10, "title": "Các trang, nhóm chính thức tiêu biểu"},
    "grassroots_total": {"kind": "figure", "pages": "grassroots"},
    "grassroots_note": {"kind": "footnote", "pages": "grassroots"},
    "grassroots_chart": {
        "kind": "chart",
        "pages": "grassroots",
        "title": "Số trang cộng đồng cấp cơ sở theo đơn vị",
    },
    "tasks": {"kind": "tasks", "document": "23-CT/TU", "title": "Tiến độ nhiệm vụ theo đơn vị chủ trì"},
}

MONTHLY_BLOCKS: dict[str, Any] = {
    "posts": _fig("posts_published"),
    "followers": _fig("followers_total"),
    "news": _fig("news_items"),
    "studied_pct": _fig("members_studied_pct"),
    "trainings": _fig("trainings_held"),
    "trained": _fig("people_trained"),
    "posts_by_month": {
        "kind": "table_periods",
        "indicators": ["posts_published", "news_items", "followers_total"],
        "last": 6,
        "title": "Số liệu 6 tháng gần nhất",
    },
    "followers_chart": {
        "kind": "chart",
        "indicator": "followers_total",
        "by": "periods",
        "last": 6,
        "title": "Người theo dõi các trang của xã",
    },
    "tasks": {"kind": "tasks", "document": "38-KH/TU", "title": "Nhiệm vụ được giao"},
}

REVIEW_RECIPIENTS = """Ban Tuyên giáo Trung ương,
Các đồng chí Ủy viên Ban Chấp hành Đảng bộ tỉnh,
Các ban xây dựng Đảng Tỉnh ủy,
Các huyện, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy,
Lưu Văn phòng Tỉnh ủy."""

MONTHLY_RECIPIENTS = """Ban Tuyên giáo và Dân vận Tỉnh ủy (để báo cáo),
Thường trực Đảng ủy xã,
Lưu: VT."""


def review_template(unit: Unit) -> ReportTemplate:
    found = ReportTemplate.objects.filter(code=REVIEW_CODE).first()
    if found is not None:
        return found
    return services.template_create(
        code=REVIEW_CODE,
        unit=unit,
        by=SYSTEM,
        name="Báo cáo sơ kết 03 năm thực hiện Chỉ thị số 23-CT/TU",
        format="party",
        parent_body="",
        issuing_body="Tỉnh ủy Bình Phước",
        issuer_code="TU",
        place="Bình Phước",
        title="Báo cáo",
        subject=(
            "sơ kết thực hiện Chỉ thị số 23-CT/TU của Tỉnh ủy về việc định hướng tiếp cận, chia sẻ thông tin "
            "trên mạng xã hội cho cán bộ, đảng viên, đoàn viên, hội viên các đoàn thể chính trị - xã hội "
            "trên địa bàn tỉnh"
        ),
        body=_text("report_review_23.txt"),
        blocks=REVIEW_BLOCKS,
        recipients=REVIEW_RECIPIENTS,
        signing_capacity="T/M Ban Thường vụ",
        signer_title="Phó Bí thư Thường trực",
        signer_name="Huỳnh Thị Hằng",
    )


def monthly_template(unit: Unit) -> ReportTemplate:
    found = ReportTemplate.objects.filter(code=MONTHLY_CODE).first()
    if found is not None:
        return found
    return services.template_create(
        code=MONTHLY_CODE,
        unit=unit,
        by=SYSTEM,
        name="Báo cáo tháng về công tác thông tin trên mạng của xã",
        format="state",
        parent_body="",
        issuing_body="Ủy ban nhân dân xã Bù Gia Mập",
        issuer_code="UBND",
        place="Bù Gia Mập",
        title="Báo cáo",
        subject="Kết quả công tác thông tin, tuyên truyền trên không gian mạng",
        body=_text("report_monthly_commune.txt"),
        blocks=MONTHLY_BLOCKS,
        recipients=MONTHLY_RECIPIENTS,
        signing_capacity="TM. Ủy ban nhân dân",
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn Minh",
    )


def review_document() -> ReportDocument:
    unit = Unit.objects.get(code=REVIEW_UNIT)
    return services.document_draft(template=review_template(unit), unit=unit, period=REVIEW_PERIOD, by=SYSTEM)


def monthly_document() -> ReportDocument | None:
    unit = Unit.objects.filter(code=MONTHLY_UNIT).first()
    if unit is None:
        return None
    # The latest month the commune's report was approved (the last months may still be open in the demo).
    from ketnoi.reporting.models import Report

    approved = (
        Report.objects.filter(form__code="monthly_comms", unit=unit, status="approved")
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    period = approved or P.for_date("monthly", timezone.localdate()).previous().id
    return services.document_draft(template=monthly_template(unit), unit=unit, period=period, by=SYSTEM)


def load() -> None:
    review_document()
    monthly_document()
