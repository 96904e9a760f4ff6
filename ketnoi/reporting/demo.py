"""Demo data of periodic reporting, loaded by `ketnoi demo` after the units and accounts. Idempotent.

* ``review_2017_2020``: the 2017–2020 review form; its indicators carry the codes of
  ``demo_data/province_figures.csv`` and the province's values are the review report's figures.
  Every demo unit may report it.
* ``monthly_comms``: a monthly form reported by every demo unit, with two years of believable values
  (the 24 months before the current one). Most reports were approved; some were submitted late,
  some never came, and the last month still has units missing, so completeness has something to show.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from importlib import resources

from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import services
from ketnoi.reporting.models import (
    Disaggregation,
    Indicator,
    Report,
    ReportForm,
    ReportStatus,
)
from ketnoi.reporting.periods import form_deadline
from ketnoi.units.models import Unit

# code -> (Vietnamese name, value type, unit of measure, aggregation over units, over time)
REVIEW_INDICATORS: dict[str, tuple[str, str, str, str, str]] = {
    "members_studied_directive_pct": (
        "Tỷ lệ cán bộ, đảng viên học tập, quán triệt chỉ thị",
        "percentage",
        "%",
        "average",
        "last",
    ),
    "documents_issued_total": (
        "Số văn bản chỉ đạo, hướng dẫn đã ban hành",
        "integer",
        "văn bản",
        "sum",
        "sum",
    ),
    "documents_issued_propaganda_dept": (
        "Trong đó: văn bản của Ban Tuyên giáo Tỉnh ủy",
        "integer",
        "văn bản",
        "sum",
        "sum",
    ),
    "radio_tv_items": (
        "Số tin, bài trên Đài Phát thanh – Truyền hình tỉnh",
        "integer",
        "tin, bài",
        "sum",
        "sum",
    ),
    "print_online_items": (
        "Số tin, bài trên Báo Bình Phước (in và điện tử)",
        "integer",
        "tin, bài",
        "sum",
        "sum",
    ),
    "official_mailboxes": (
        "Số hộp thư công vụ đã cấp cho cán bộ, công chức",
        "integer",
        "hộp thư",
        "sum",
        "last",
    ),
    "province_level_community_pages": (
        "Số trang của Mặt trận và các tổ chức chính trị – xã hội cấp tỉnh",
        "integer",
        "trang",
        "sum",
        "last",
    ),
    "district_level_community_pages": ("Số trang của cấp ủy cấp huyện", "integer", "trang", "sum", "last"),
    "official_pages_total": (
        "Tổng số trang, nhóm chính thức trên mạng xã hội",
        "integer",
        "trang",
        "sum",
        "last",
    ),
    "posts_on_two_province_pages": ("Số bài đăng trên hai trang cấp tỉnh", "integer", "bài", "sum", "sum"),
}

PLATFORMS = [
    ("facebook", "Facebook"),
    ("zalo", "Zalo"),
    ("youtube", "YouTube"),
    ("website", "Trang thông tin điện tử"),
]

# code, name, value type, unit of measure, over units, over time, formula, disaggregation, feed
MONTHLY_INDICATORS: list[tuple[str, str, str, str, str, str, str, str, str]] = [
    (
        "posts_published",
        "Số bài đăng trên các trang chính thức",
        "integer",
        "bài",
        "sum",
        "sum",
        "",
        "platform",
        "",
    ),
    ("followers_total", "Tổng số người theo dõi các trang", "integer", "người", "sum", "last", "", "", ""),
    ("news_items", "Số tin, bài tuyên truyền đã đăng", "integer", "tin, bài", "sum", "sum", "", "", ""),
    ("members_total", "Số cán bộ, đảng viên", "integer", "người", "sum", "last", "", "", ""),
    (
        "members_studied",
        "Số cán bộ, đảng viên đã học tập chỉ thị",
        "integer",
        "người",
        "sum",
        "last",
        "",
        "",
        "",
    ),
    (
        "members_studied_pct",
        "Tỷ lệ cán bộ, đảng viên đã học tập chỉ thị",
        "percentage",
        "%",
        "sum",
        "last",
        "members_studied / members_total * 100",
        "",
        "",
    ),
    ("trainings_held", "Số lớp tập huấn kỹ năng số đã mở", "integer", "lớp", "sum", "sum", "", "", ""),
    ("people_trained", "Số lượt người được tập huấn", "integer", "lượt", "sum", "sum", "", "", ""),
    (
        "pages_registered",
        "Số trang chính thức đã đăng ký",
        "integer",
        "trang",
        "sum",
        "last",
        "",
        "",
        "pages_count",
    ),
]


def _figures() -> list[dict[str, str]]:
    text = resources.files("ketnoi").joinpath("demo_data", "province_figures.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load() -> None:
    from ketnoi.units import demo as units_demo

    # Today's province owns the forms; every unit of its tree (those merged or dissolved in 2025 sit under
    # their successors) reports for the periods in which it existed.
    root = units_demo.today_root()
    units = list(Unit.objects.filter(path__startswith=root.path).order_by("path"))
    _review(root, Unit.objects.get(code=units_demo.OLD_ROOT), units)
    _monthly(root, units)


def _review(owner: Unit, province: Unit, units: list[Unit]) -> None:
    for code, (name, vtype, uom, over_units, over_time) in REVIEW_INDICATORS.items():
        if not Indicator.objects.filter(code=code).exists():
            services.indicator_create(
                code=code,
                name=name,
                value_type=vtype,
                unit_of_measure=uom,
                unit_aggregation=over_units,
                time_aggregation=over_time,
                by=SYSTEM,
            )
    form = ReportForm.objects.filter(code="review_2017_2020").first()
    if form is None:
        form = services.form_create(
            code="review_2017_2020",
            name="Sơ kết giai đoạn 2017–2020 về công tác thông tin, tuyên truyền trên không gian mạng",
            period_type="custom",
            span_years=4,
            span_anchor=2017,
            owner=owner,
            by=SYSTEM,
            indicators=list(REVIEW_INDICATORS),
            units=units,
            deadline_days=30,
            reminder_days=7,
        )
        services.rule_create(
            form=form,
            left="documents_issued_propaganda_dept",
            operator="<=",
            right="documents_issued_total",
            by=SYSTEM,
            name="Văn bản của Ban Tuyên giáo không vượt tổng số văn bản",
        )
    else:
        form.units.add(*units)
    if Report.objects.filter(form=form, unit=province, period="2017-2020").exists():
        return
    values = {row["indicator"]: row["value"] for row in _figures() if row["indicator"] in REVIEW_INDICATORS}
    services.report_values_save(
        form=form,
        unit=province,
        period="2017-2020",
        values=values,
        by=SYSTEM,
        reason="Báo cáo sơ kết 2017–2020",
    )
    report = Report.objects.get(form=form, unit=province, period="2017-2020")
    services.report_submit(report=report, by=SYSTEM)
    services.report_approve(report=report, by=SYSTEM)


def _monthly(province: Unit, units: list[Unit]) -> None:
    platform = Disaggregation.objects.filter(code="platform").first()
    if platform is None:
        services.disaggregation_create(code="platform", name="Nền tảng", options=PLATFORMS, by=SYSTEM)
    for code, name, vtype, uom, over_units, over_time, formula, dis, feed in MONTHLY_INDICATORS:
        if Indicator.objects.filter(code=code).exists():
            continue
        services.indicator_create(
            code=code,
            name=name,
            value_type=vtype,
            unit_of_measure=uom,
            unit_aggregation=over_units,
            time_aggregation=over_time,
            formula=formula,
            disaggregation=Disaggregation.objects.get(code=dis) if dis else None,
            feed=feed,
            min_value=0 if not formula else None,
            by=SYSTEM,
        )
    form = ReportForm.objects.filter(code="monthly_comms").first()
    if form is None:
        form = services.form_create(
            code="monthly_comms",
            name="Báo cáo tháng về công tác thông tin trên mạng",
            period_type="monthly",
            owner=province,
            by=SYSTEM,
            indicators=[row[0] for row in MONTHLY_INDICATORS],
            units=units,
            deadline_days=5,
            reminder_days=2,
        )
        services.form_set_indicators(
            form=form,
            indicators=[row[0] for row in MONTHLY_INDICATORS],
            required=["members_total"],
            by=SYSTEM,
        )
        services.rule_create(
            form=form,
            left="members_studied",
            operator="<=",
            right="members_total",
            by=SYSTEM,
            name="Số đã học tập không vượt số cán bộ, đảng viên",
        )
        services.rule_create(
            form=form,
            left="people_trained",
            operator="<=",
            right="trainings_held * 200",
            severity="warning",
            by=SYSTEM,
            name="Mỗi lớp tập huấn thường dưới 200 lượt người",
        )
    if Report.objects.filter(form=form).exists():
        return
    today = timezone.localdate()
    current = P.for_date("monthly", today)
    months: list[P.Period] = []
    p = current.previous()
    while len(months) < 24:
        months.append(p)
        p = p.previous()
    months.reverse()
    _monthly_values(form, units, months, today)


def _monthly_values(form: ReportForm, units: list[Unit], months: list[P.Period], today: dt.date) -> None:
    """Believable figures: stocks that grow slowly, flows that vary by season, per unit size."""
    rows: list[services.ImportRow] = []
    reports: list[Report] = []
    now = timezone.now()
    last = months[-1]
    for unit in units:
        rng = random.Random(f"ketnoi-demo-{unit.code}")  # noqa: S311 - believable demo figures, not secrets
        size = {"province": 6.0, "district": 2.5}.get(unit.level, 1.0) * rng.uniform(0.7, 1.3)
        members = int(rng.uniform(60, 140) * size)
        studied_share = rng.uniform(0.55, 0.8)
        followers = int(rng.uniform(400, 3000) * size)
        punctual = rng.random()
        for i, month in enumerate(months):
            if not unit.is_active_on(month.end):
                continue
            deadline = form_deadline(form, month)
            roll = rng.random()
            is_last = month == last
            # Missing: a few reports every month, more for the month just ended.
            if roll < (0.35 if is_last and punctual < 0.6 else 0.06):
                continue
            members = max(10, members + rng.randint(-2, 4))
            studied_share = min(0.99, studied_share + rng.uniform(0, 0.02))
            followers = int(followers * rng.uniform(1.0, 1.04))
            trainings = rng.choice([0, 0, 1, 1, 2]) if unit.level != "grassroots" else rng.choice([0, 1])
            season = 1.3 if month.start.month in (1, 2, 9) else 1.0  # Tết and National Day campaigns
            values = {
                "followers_total": followers,
                "news_items": int(rng.uniform(4, 12) * size * season),
                "members_total": members,
                "members_studied": int(members * studied_share),
                "trainings_held": trainings,
                "people_trained": trainings * rng.randint(15, 60),
            }
            for opt, weight in (("facebook", 10), ("zalo", 5), ("youtube", 1), ("website", 3)):
                rows.append(
                    services.ImportRow(
                        "posts_published",
                        month.id,
                        unit.code,
                        str(int(rng.uniform(0.5, 1.5) * weight * size * season)),
                        opt,
                    )
                )
            for code, v in values.items():
                rows.append(services.ImportRow(code, month.id, unit.code, str(v)))
            late_days = rng.randint(1, 12) if rng.random() < (0.25 if punctual < 0.3 else 0.08) else 0
            submitted = dt.datetime.combine(
                deadline + dt.timedelta(days=late_days if late_days else -rng.randint(0, 4)),
                dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)),
                tzinfo=timezone.get_current_timezone(),
            )
            submitted = min(submitted, now)
            approved = i < len(months) - 2 or rng.random() < 0.3
            reports.append(
                Report(
                    form=form,
                    unit=unit,
                    period=month.id,
                    period_start=month.start,
                    period_end=month.end,
                    deadline=deadline,
                    status=ReportStatus.APPROVED if approved else ReportStatus.SUBMITTED,
                    submitted_at=submitted,
                    approved_at=min(submitted + dt.timedelta(days=rng.randint(1, 5)), now)
                    if approved
                    else None,
                )
            )
    services.values_import(rows=rows, by=SYSTEM, source="Dữ liệu minh họa")
    for month in months[-3:]:
        services.feed_refresh(form=form, period=month.id, by=SYSTEM)
    # Seeded workflow states of past months: no history rows (nobody acted on them in this product).
    Report.objects.bulk_create(reports, batch_size=1000)
