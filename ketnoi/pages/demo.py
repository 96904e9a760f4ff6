"""Demo pages: the official pages and groups the province's review report names, the grassroots pages it
counts per unit, and three years of believable figures that end on the counts the report gives.

Idempotent: pages are found by their canonical address, and figures are only generated for a page that
has none yet.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import re
from importlib import resources
from typing import Any

from django.utils import timezone

from ketnoi.accounts.models import User
from ketnoi.core.permissions import SYSTEM
from ketnoi.lib.vn_text import fold
from ketnoi.pages import services
from ketnoi.pages.imports.writer import upsert
from ketnoi.pages.models import MetricSnapshot, Page, PageStatus
from ketnoi.units import demo as units_demo
from ketnoi.units.models import Unit

HISTORY_DAYS = 3 * 365
REVIEW_DAY_OFFSETS = (20, 45, 200)  # days since the last review: two on time, one overdue

# (page name, username, role, two-factor) — who administers the named pages in the demo.
ADMINS = {
    "Bù Gia Mập Online": [
        ("bgm.editor", "admin", True),
        ("bgm.admin", "admin", True),
        ("bgm.data", "editor", False),
    ],
    "ĐỒNG XOÀI, THÀNH PHỐ TÔI YÊU": [("dx.editor", "admin", True)],
    "Tự hào Bình Phước": [("admin", "admin", True), ("btg.approver", "admin", False)],
}
OFFICIAL_MAIL = {
    "Tự hào Bình Phước": "tuyengiao@binhphuoc.gov.vn",
    "Bù Gia Mập Online": "vanphong.hu@bugiamap.binhphuoc.gov.vn",
    "Tuyên giáo Bình Phước": "btg.tu@binhphuoc.dcs.vn",
    "ĐỒNG XOÀI, THÀNH PHỐ TÔI YÊU": "dongxoai.online@gmail.com",
}
# A page that stopped posting, to show in the "no post in 30 days" list.
SILENT = {"Bình Long Đất và Người"}
# A page whose audience falls in the last months, to show in the "declining" list.
DECLINING = {"Chơn Thành Đổi mới và phát triển"}
RETIRED = ("Tuyên giáo Bình Phước (trang cũ)", "https://www.facebook.com/tuyengiaobinhphuoc.cu", "BP")
GRASSROOTS_NAMES = ("Tiếng nói {name}", "{name} ngày mới", "Thông tin {name}", "{name} – Chung tay xây dựng")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ketnoi").joinpath("demo_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _page(unit: Unit, name: str, platform: str, url: str, **extra: Any) -> Page:
    from ketnoi.pages.urlnorm import canonical

    page = Page.objects.filter(canonical_url=canonical(url)).first()
    if page is None:
        page = services.page_register(unit=unit, platform=platform, name=name, url=url, by=SYSTEM, **extra)
    return page


def load() -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=HISTORY_DAYS)
    named = _named_pages(today, start)
    grassroots = _grassroots_pages(start)
    _retired_page()
    with_figures = set(MetricSnapshot.objects.values_list("page_id", flat=True).distinct())
    rows: list[tuple[int, dt.date, dict[str, int | None]]] = []
    for page, finals in named:
        if page.pk not in with_figures:
            rows += _daily_history(page, finals, start, today)
    for page in grassroots:
        if page.pk not in with_figures:
            rows += _weekly_history(page, start, today)
    upsert(rows, source="demo", user_id=None)
    load_administrators()


def load_administrators() -> None:
    """Who administers the named pages: demo accounts, once they exist (the demo loads the pages of the
    old tree before it records the 2025 reform and creates the accounts of today's tree)."""
    from ketnoi.pages.urlnorm import canonical

    for name, admins in ADMINS.items():
        row = next(r for r in _rows("pages.csv") if r["name"] == name)
        page = Page.objects.filter(canonical_url=canonical(_named_url(row))).first()
        for username, role, two_factor in admins:
            user = User.objects.filter(username=username).first()
            if page is not None and user is not None and not page.administrators.filter(user=user).exists():
                services.page_administrator_set(
                    page=page, user=user, role=role, two_factor=two_factor, by=SYSTEM
                )


def _named_url(row: dict[str, str]) -> str:
    is_group = row["kind"] == "group"
    return f"https://www.facebook.com/{'groups/' if is_group else ''}{slug(row['name'])}"


def _named_pages(today: dt.date, start: dt.date) -> list[tuple[Page, dict[str, int | None]]]:
    out = []
    for index, row in enumerate(_rows("pages.csv")):
        unit = Unit.objects.get(code=row["unit_code"])
        is_group = row["kind"] == "group"
        platform = "facebook_group" if is_group else "facebook_page"
        page = _page(
            unit,
            row["name"],
            platform,
            _named_url(row),
            platform_id=str(100064500000000 + index * 7919),
            recovery_email=OFFICIAL_MAIL.get(row["name"], ""),
        )
        if page.status == PageStatus.REGISTERED:
            services.page_set_status(
                page=page, status=PageStatus.VERIFIED, by=SYSTEM, on=start + dt.timedelta(days=30)
            )
        if page.last_reviewed_on is None:
            offset = REVIEW_DAY_OFFSETS[index % len(REVIEW_DAY_OFFSETS)]
            Page.objects.filter(pk=page.pk).update(last_reviewed_on=today - dt.timedelta(days=offset))
        finals = {
            "likes": _int(row["likes"]),
            "followers": _int(row["followers"]),
            "members": _int(row["members"]),
        }
        out.append((page, finals))
    return out


def _grassroots_pages(start: dt.date) -> list[Page]:
    pages = []
    for row in _rows("grassroots_pages.csv"):
        parent = Unit.objects.get(code=row["unit_code"])
        # The report counted these pages in 2020: they belong to the communes of the old tree.
        communes = units_demo.communes_before_reform(parent.code)
        for n in range(int(row["grassroots_pages"])):
            if communes:
                owner = communes[n % len(communes)]
                base = owner.name
                round_ = n // len(communes)
            else:
                owner = parent
                base = f"{parent.short_name or parent.name} – Chi bộ {n + 1}"
                round_ = 0
            name = GRASSROOTS_NAMES[round_ % len(GRASSROOTS_NAMES)].format(name=base)
            is_group = n % 3 == 2
            handle = slug(name) + owner.code.lower().replace("-", "")
            url = f"https://www.facebook.com/{'groups/' if is_group else ''}{handle}"
            page = _page(
                owner,
                name,
                "facebook_group" if is_group else "facebook_page",
                url,
                is_grassroots=True,
                platform_id=str(100088800000000 + owner.pk * 100 + n),
            )
            if page.status == PageStatus.REGISTERED and n % 5 != 4:
                services.page_set_status(
                    page=page, status=PageStatus.VERIFIED, by=SYSTEM, on=start + dt.timedelta(days=60 + n)
                )
            pages.append(page)
    return pages


def _retired_page() -> None:
    name, url, code = RETIRED
    page = _page(
        Unit.objects.get(code=code), name, "facebook_page", url, notes="Trang cũ, thay bằng trang mới."
    )
    if page.status != PageStatus.RETIRED:
        services.page_set_status(page=page, status=PageStatus.RETIRED, by=SYSTEM, on=dt.date(2023, 3, 1))


def _curve(final: int, t: float, rng: random.Random, declining: bool) -> int:
    """Logistic growth from about 40% to the final count, with a little day-to-day noise."""
    if declining:
        peak = final * 1.18
        value = (
            peak * (0.4 + 0.6 / (1 + math.exp(-8 * (t - 0.45))))
            if t < 0.85
            else peak - (peak - final) * ((t - 0.85) / 0.15)
        )
    else:
        value = final * (0.4 + 0.6 * (1 / (1 + math.exp(-7 * (t - 0.5)))) / (1 / (1 + math.exp(-3.5))))
    if t < 1.0:
        value *= 1 + rng.uniform(-0.004, 0.004)
    return max(0, round(value))


def _daily_history(
    page: Page, finals: dict[str, int | None], start: dt.date, today: dt.date
) -> list[tuple[int, dt.date, dict[str, int | None]]]:
    rng = random.Random(f"{page.name}-{page.pk}")  # noqa: S311 - demo figures, not security
    rows: list[tuple[int, dt.date, dict[str, int | None]]] = []
    silent_from = today - dt.timedelta(days=45)
    declining = page.name in DECLINING
    for i in range(HISTORY_DAYS + 1):
        day = start + dt.timedelta(days=i)
        t = i / HISTORY_DAYS
        values: dict[str, int | None] = {}
        for key, final in finals.items():
            if final is not None:
                values[key] = final if day == today else _curve(final, t, rng, declining)
        posts = 0 if page.name in SILENT and day >= silent_from else rng.choice((0, 1, 1, 2, 2, 3, 4))
        values["posts"] = posts
        audience = values.get("followers") or values.get("members") or values.get("likes")
        if audience and page.platform == "facebook_page":
            values["reach"] = round(audience * rng.uniform(0.08, 0.25) * (1 + posts / 4))
            values["engagement"] = round((values["reach"] or 0) * rng.uniform(0.02, 0.06))
        rows.append((page.pk, day, values))
    return rows


def _weekly_history(
    page: Page, start: dt.date, today: dt.date
) -> list[tuple[int, dt.date, dict[str, int | None]]]:
    rng = random.Random(f"grassroots-{page.canonical_url}")  # noqa: S311 - demo figures, not security
    final = rng.randrange(600, 6500)
    key = "members" if page.platform == "facebook_group" else "followers"
    weeks = HISTORY_DAYS // 7
    rows: list[tuple[int, dt.date, dict[str, int | None]]] = []
    quiet = rng.random() < 0.15  # some community pages go quiet: they show in the "no post in 30 days" list
    for w in range(weeks + 1):
        day = today - dt.timedelta(days=7 * (weeks - w))
        t = w / weeks
        posts = 0 if quiet and day > today - dt.timedelta(days=60) else rng.randrange(0, 12)
        rows.append((page.pk, day, {key: _curve(final, t, rng, False), "posts": posts}))
    return rows
