"""National-scale data for the official-pages benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_pages_bench \\
        python bench/pages_generate.py --scale 0.05 --out "$(mktemp -d)"

Builds, in the database, a country root with 34 provinces, 20 communes each, and 400 × scale pages per
province spread over the province and its communes; then writes ``snapshots.csv`` in the product's
import template (page id, date dd/mm/yyyy, followers, likes, members, posts, reach, engagement) with
``days`` daily rows per page (three years by default: about 15 million rows at scale 1). Groups carry
members only and Facebook pages stop giving likes on 2025-01-01 (Meta's change), so the file has the
gaps real data has.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

PROVINCES = 34
PAGES_PER_PROVINCE = 400
COMMUNES_PER_PROVINCE = 20
LIKES_END = dt.date(2025, 1, 1)


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()


def build_registry(scale: float) -> tuple[Any, list[Any], list[tuple[int, str]]]:
    """Country, provinces and pages (fresh tables). Returns (country, provinces, [(page id, platform)])."""
    from django.core.management import call_command
    from django.db import connection

    from ketnoi.lib.vn_text import fold
    from ketnoi.pages.models import Page
    from ketnoi.units.models import Unit, UnitVersion

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "TRUNCATE pages_metricsnapshot, pages_pagemonth, pages_unitmonth, pages_metricimport, "
                "pages_pageadministrator, pages_securityreview, pages_historicalpage, pages_page CASCADE"
            )
        else:
            for table in (
                "metricsnapshot",
                "pagemonth",
                "unitmonth",
                "metricimport",
                "historicalpage",
                "page",
            ):
                cur.execute(f"DELETE FROM pages_{table}")
    Unit.objects.filter(code__startswith="VN").delete()
    country = Unit.add_root(code="VN", name="Cả nước", name_folded="ca nuoc", kind="other", level="province")
    provinces = []
    for p in range(PROVINCES):
        province = country.add_child(
            code=f"VN-P{p:02d}", name=f"Tỉnh {p + 1}", name_folded=fold(f"Tỉnh {p + 1}"), kind="province"
        )
        for c in range(COMMUNES_PER_PROVINCE):
            province.add_child(
                code=f"VN-P{p:02d}-X{c:02d}",
                name=f"Xã {c + 1} tỉnh {p + 1}",
                name_folded=fold(f"Xã {c + 1} tỉnh {p + 1}"),
                kind="commune",
                level="commune",
            )
            province.refresh_from_db()  # treebeard keeps numchild on the parent row
        provinces.append(province)
    # The structure over time, as the units services write it: the dashboards count each month on the tree
    # of its last day (``units.selectors.records_parents_on``), which is read from the unit versions.
    versions = [UnitVersion(unit=country, parent=None, name=country.name)]
    for province in provinces:
        versions.append(UnitVersion(unit=province, parent=country, name=province.name))
        versions += [
            UnitVersion(unit=commune, parent=province, name=commune.name)
            for commune in Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1)
        ]
    UnitVersion.objects.bulk_create(versions, batch_size=2000)
    per_province = max(1, round(PAGES_PER_PROVINCE * scale))
    pages = []
    for province in provinces:
        communes = list(Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1))
        owners = [province, *communes]
        for n in range(per_province):
            platform = "facebook_group" if n % 4 == 3 else "facebook_page"
            handle = f"{province.code.lower()}n{n}"
            pages.append(
                Page(
                    unit=owners[n % len(owners)],
                    platform=platform,
                    name=f"Trang {n} {province.name}",
                    name_folded=fold(f"Trang {n} {province.name}"),
                    url=f"https://facebook.com/{handle}",
                    canonical_url=f"facebook.com/{handle}",
                    platform_id=str(100000000000 + len(pages)),
                    status="verified",
                    is_grassroots=n % 3 == 0,
                )
            )
    Page.objects.bulk_create(pages, batch_size=2000)
    made = list(
        Page.objects.filter(unit__path__startswith=country.path).values_list("pk", "platform").order_by("pk")
    )
    return country, provinces, made


def write_snapshots(path: Path, pages: list[tuple[int, str]], days: int, end: dt.date) -> int:
    """The template CSV with ``days`` daily rows per page, ending on ``end``. Returns the row count."""
    rng = random.Random(42)
    start = end - dt.timedelta(days=days - 1)
    dates = [(start + dt.timedelta(days=i)) for i in range(days)]
    texts = [d.strftime("%d/%m/%Y") for d in dates]
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["page", "date", "followers", "likes", "members", "posts", "reach", "engagement"])
        for pk, platform in pages:
            final = rng.randrange(500, 200_000)
            group = platform == "facebook_group"
            for i, day in enumerate(dates):
                t = i / max(1, days - 1)
                audience = round(final * (0.4 + 0.6 / (1 + math.exp(-6 * (t - 0.5)))))
                posts = (pk + i) % 5
                if group:
                    writer.writerow([pk, texts[i], "", "", audience, posts, "", ""])
                else:
                    likes = round(audience * 0.8) if day < LIKES_END else ""
                    reach = audience // 7 + posts * 13
                    writer.writerow([pk, texts[i], audience, likes, "", posts, reach, reach // 20])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=0.05, help="share of 400 pages per province (1 = national)"
    )
    parser.add_argument("--days", type=int, default=3 * 365)
    parser.add_argument("--out", type=Path, required=True, help="directory for snapshots.csv")
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    _country, _provinces, pages = build_registry(args.scale)
    rows = write_snapshots(args.out / "snapshots.csv", pages, args.days, timezone.localdate())
    print(
        f"{len(pages)} pages, {rows} rows in {args.out / 'snapshots.csv'} ({time.perf_counter() - t0:.1f} s)"
    )


if __name__ == "__main__":
    main()
