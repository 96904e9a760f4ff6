"""The figures of a unit subtree's dashboard, read from the kept-up aggregates (never from raw snapshots).

Every part is a plain table (a header and rows) so the page can show it, chart it and export it to XLSX.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ketnoi.lib.exports import workbook_bytes
from ketnoi.lib.vn_text import sort_key
from ketnoi.pages.checklist import Result, evaluate, failing_ids
from ketnoi.pages.models import Page, PageMonth, PageStatus, Platform, UnitMonth
from ketnoi.units.models import Unit

SILENT_DAYS = 30
GROWTH_MONTHS = 3
LIST_LIMIT = 100


@dataclass
class Mover:
    page: Page
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def percent(self) -> float | None:
        return None if self.before == 0 else 100.0 * self.change / self.before


@dataclass
class Dashboard:
    unit: Unit
    today: dt.date
    platform_status: list[dict[str, Any]] = field(default_factory=list)
    status_totals: dict[str, int] = field(default_factory=dict)
    series: list[dict[str, Any]] = field(default_factory=list)
    growing: list[Mover] = field(default_factory=list)
    declining: list[Mover] = field(default_factory=list)
    growth_from: dt.date | None = None
    growth_to: dt.date | None = None
    silent: list[Page] = field(default_factory=list)
    silent_count: int = 0
    failing: list[Result] = field(default_factory=list)
    failing_count: int = 0
    grassroots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        return sum(self.status_totals.values())

    @property
    def latest_audience(self) -> int | None:
        return self.series[-1]["audience"] if self.series else None


def series(unit: Unit) -> list[dict[str, Any]]:
    """Monthly totals of the subtree: one indexed read of ``UnitMonth``."""
    rows = UnitMonth.objects.filter(unit=unit).order_by("month")
    return [
        {
            "month": r.month,
            "audience": r.audience,
            "pages": r.pages,
            "posts": r.posts,
            "reach": r.reach,
            "engagement": r.engagement,
        }
        for r in rows.only("month", "audience", "pages", "posts", "reach", "engagement")
    ]


def _platform_status(unit: Unit) -> tuple[list[dict[str, Any]], dict[str, int]]:
    counts = (
        Page.objects.filter(unit__path__startswith=unit.path)
        .values("platform", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PageStatus.values, 0))
    totals = dict.fromkeys(PageStatus.values, 0)
    for row in counts:
        table[row["platform"]][row["status"]] = row["n"]
        totals[row["status"]] += row["n"]
    rows = [
        {"platform": p, "label": str(label), **table[p], "total": sum(table[p].values())}
        for p, label in Platform.choices
        if p in table
    ]
    return rows, totals


def _movers(
    unit: Unit, months: list[dt.date]
) -> tuple[list[Mover], list[Mover], dt.date | None, dt.date | None]:
    if len(months) < 2:
        return [], [], None, None
    after_month = months[-1]
    before_month = months[max(0, len(months) - 1 - GROWTH_MONTHS)]
    rows = PageMonth.objects.filter(
        page__unit__path__startswith=unit.path, month__in=[before_month, after_month], audience__isnull=False
    ).values_list("page_id", "month", "audience")
    values: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for page_id, month, audience in rows:
        if audience is not None:
            values[page_id][month] = audience
    pairs = [(pid, v[before_month], v[after_month]) for pid, v in values.items() if len(v) == 2]
    pairs.sort(key=lambda t: t[2] - t[1])
    up = [p for p in reversed(pairs) if p[2] > p[1]][:10]
    down = [p for p in pairs if p[2] < p[1]][:10]
    pages = Page.objects.select_related("unit").in_bulk([p[0] for p in up + down])
    growing = [Mover(pages[pid], b, a) for pid, b, a in up]
    declining = [Mover(pages[pid], b, a) for pid, b, a in down]
    return growing, declining, before_month, after_month


def _silent(unit: Unit, today: dt.date) -> tuple[list[Page], int]:
    cutoff = today - dt.timedelta(days=SILENT_DAYS)
    qs = (
        Page.objects.filter(unit__path__startswith=unit.path)
        .exclude(status=PageStatus.RETIRED)
        .filter(Q(last_post_day__lt=cutoff) | Q(last_post_day__isnull=True))
        .select_related("unit")
        .order_by("last_post_day", "name_folded")
    )
    return list(qs[:LIST_LIMIT]), qs.count()


def failing_page_ids(unit: Unit, today: dt.date) -> list[int]:
    """Ids of the subtree's pages (not retired) that fail the checklist or are overdue for review, in the
    list's order: every page checked at once from narrow rows (``checklist.failing_ids``)."""
    pages = (
        Page.objects.filter(unit__path__startswith=unit.path)
        .exclude(status=PageStatus.RETIRED)
        .order_by("unit__path", "name_folded", "pk")
    )
    return failing_ids(pages, today=today)


def checklist_results(ids: Sequence[int], today: dt.date) -> list[Result]:
    """The checklists of the pages shown (one screen's ids), loaded in three queries whatever their number."""
    loaded = Page.objects.select_related("unit").prefetch_related("administrators__user").in_bulk(ids)
    return [evaluate(loaded[pk], today=today) for pk in ids]


def failing_pages(
    unit: Unit, today: dt.date, limit: int | None = LIST_LIMIT, offset: int = 0
) -> tuple[list[Result], int]:
    """Pages of the subtree (not retired) that fail the checklist or are overdue for review: all of them are
    checked from narrow rows, and only those shown (``offset``, ``limit``: one screen's page) are loaded."""
    ids = failing_page_ids(unit, today)
    shown = ids[offset : offset + limit] if limit else ids[offset:]
    return checklist_results(shown, today), len(ids)


def grassroots(unit: Unit) -> list[dict[str, Any]]:
    """Grassroots pages per unit directly under ``unit`` (each counting its whole subtree), as the review
    report's footnote gives them."""
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1))
    rows = (
        Page.objects.filter(unit__path__startswith=unit.path, is_grassroots=True)
        .exclude(status=PageStatus.RETIRED)
        .values_list("unit__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_child: dict[int, int] = defaultdict(int)
    own = 0
    by_prefix = {c.path: c.pk for c in children}
    step = Unit.steplen
    for path, n in rows:
        child = by_prefix.get(path[: (unit.depth + 1) * step])
        if child is None:
            own += n
        else:
            per_child[child] += n
    ranked = sorted(
        (c for c in children if per_child[c.pk]), key=lambda c: (-per_child[c.pk], sort_key(c.name))
    )
    out: list[dict[str, Any]] = [{"unit": c, "count": per_child[c.pk]} for c in ranked]
    if own:
        out.insert(0, {"unit": unit, "count": own})
    return out


def build(unit: Unit, today: dt.date, until: dt.date | None = None) -> Dashboard:
    """The dashboard of today; with ``until``, its monthly series ends in that month (a past date's view)."""
    board = Dashboard(unit=unit, today=today)
    board.platform_status, board.status_totals = _platform_status(unit)
    board.series = [r for r in series(unit) if until is None or r["month"] <= until]
    months = [r["month"] for r in board.series]
    board.growing, board.declining, board.growth_from, board.growth_to = _movers(unit, months)
    board.silent, board.silent_count = _silent(unit, today)
    board.failing, board.failing_count = failing_pages(unit, today)
    board.grassroots = grassroots(unit)
    return board


def xlsx(board: Dashboard) -> bytes:
    """Every table of the dashboard, one sheet each, with Vietnamese headers."""

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet(title[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(list(row))
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"

    statuses = [str(label) for _value, label in PageStatus.choices]
    sheet(
        _("By platform and status"),
        [_("Platform"), *statuses, _("Total")],
        [[r["label"], *(r[s] for s in PageStatus.values), r["total"]] for r in board.platform_status],
    )
    sheet(
        _("Audience by month"),
        [_("Month"), _("Audience"), _("Pages with figures"), _("Posts"), _("Reach"), _("Engagement")],
        [
            [r["month"], r["audience"], r["pages"], r["posts"], r["reach"], r["engagement"]]
            for r in board.series
        ],
    )
    mover_header = [_("Page"), _("Unit"), _("Before"), _("After"), _("Change"), _("Change (%)")]
    for title, movers in ((_("Fastest growing"), board.growing), (_("Declining"), board.declining)):
        sheet(
            title,
            mover_header,
            [
                [
                    m.page.name,
                    m.page.unit.name,
                    m.before,
                    m.after,
                    m.change,
                    round(m.percent, 1) if m.percent else None,
                ]
                for m in movers
            ],
        )
    sheet(
        _("No post in 30 days"),
        [_("Page"), _("Unit"), _("Last post")],
        [[p.name, p.unit.name, p.last_post_day] for p in board.silent],
    )
    sheet(
        _("Failing the checklist"),
        [_("Page"), _("Unit"), _("Failed checks")],
        [[r.page.name, r.page.unit.name, "; ".join(c.label for c in r.failed)] for r in board.failing],
    )
    sheet(
        _("Grassroots pages"),
        [_("Unit"), _("Grassroots pages")],
        [[r["unit"].name, r["count"]] for r in board.grassroots],
    )
    return workbook_bytes(book)
