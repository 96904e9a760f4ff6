"""Aggregates kept up to date after every write of snapshots, so dashboards never scan the snapshots.

* ``PageMonth``: per page and month, the last audience figure of the month (followers, else members,
  else likes) and the month's posts, reach and engagement.
* ``UnitMonth``: per unit and month, the totals over every page in the unit's subtree as it stood on the
  month's last day (a merged or dissolved unit's pages count under the unit that took it over).
* ``Page.latest_day / latest_audience / last_post_day``.

Written in SQL that runs on SQLite and PostgreSQL alike; months are first days of the month.
"""

# ruff: noqa: S608  (SQL assembled from constants and placeholders only)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ketnoi.pages.models import Page
from ketnoi.units import selectors
from ketnoi.units.models import Unit

AUDIENCE = "COALESCE(s.followers, s.members, s.likes)"
# Bounds of "every month" for the refreshes that are not limited to some days.
FIRST_MONTH, AFTER_LAST_MONTH = dt.date(1900, 1, 1), dt.date(2999, 1, 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _in(column: str, ids: list[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "1=1", []
    if not ids:
        return "1=0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def refresh(page_ids: Iterable[int] | None, first_day: dt.date | None, last_day: dt.date | None) -> None:
    """Recompute the aggregates of these pages (all when None) for the months between two days."""
    ids = None if page_ids is None else sorted(set(page_ids))
    if ids is not None and not ids:
        return
    start = month_start(first_day) if first_day else FIRST_MONTH
    end = _next_month(last_day) if last_day else AFTER_LAST_MONTH
    with connection.cursor() as cur:
        where, params = _in("page_id", ids)
        cur.execute(
            f"DELETE FROM pages_pagemonth WHERE {where} AND month >= %s AND month < %s", [*params, start, end]
        )
        where, params = _in("s.page_id", ids)
        if connection.vendor == "postgresql":
            _page_months_postgresql(cur, where, [*params, start, end])
        else:
            _page_months_sqlite(cur, where, [*params, start, end])
        where, params = _in("id", ids)
        cur.execute(
            f"""
            UPDATE pages_page SET
              latest_day = (SELECT MAX(s.day) FROM pages_metricsnapshot s
                            WHERE s.page_id = pages_page.id AND {AUDIENCE} IS NOT NULL),
              last_post_day = (SELECT MAX(s.day) FROM pages_metricsnapshot s
                               WHERE s.page_id = pages_page.id AND s.posts > 0)
            WHERE {where}
            """,
            params,
        )
        cur.execute(
            f"""
            UPDATE pages_page SET latest_audience = (
                SELECT {AUDIENCE} FROM pages_metricsnapshot s
                WHERE s.page_id = pages_page.id AND s.day = pages_page.latest_day)
            WHERE {where}
            """,
            params,
        )
    unit_ids = None if ids is None else _ancestor_ids(ids)
    refresh_units(unit_ids, start, end)


def _page_months_postgresql(cur: Any, where: str, params: list[Any]) -> None:
    """The same rows as the portable statement in one pass and one hash aggregate (no window, no sort): the
    month's audience is the one of its last day with a figure, taken as the greatest [day number, audience]
    pair (days are unique per page)."""
    cur.execute("SET LOCAL work_mem = '64MB'")
    last = "max(ARRAY[s.day - DATE '2000-01-01', s.aud]) FILTER (WHERE s.aud IS NOT NULL)"
    cur.execute(
        f"""
        INSERT INTO pages_pagemonth (page_id, month, audience, audience_day, posts, reach, engagement)
        SELECT s.page_id, s.month, ({last})[2], DATE '2000-01-01' + CAST(({last})[1] AS integer),
               SUM(s.posts), SUM(s.reach), SUM(s.engagement)
        FROM (
            SELECT s.page_id, s.day - (CAST(extract(day FROM s.day) AS integer) - 1) AS month, s.day,
                   {AUDIENCE} AS aud, s.posts, s.reach, s.engagement
            FROM pages_metricsnapshot s
            WHERE {where} AND s.day >= %s AND s.day < %s
        ) s
        GROUP BY s.page_id, s.month
        """,
        params,
    )


def _page_months_sqlite(cur: Any, where: str, params: list[Any]) -> None:
    """The same rows in one pass and one grouping, by SQLite's rule for a query with a single ``max()``:
    its bare columns come from the row that holds the maximum, here the month's last day with an audience
    figure (when no day has one, the maximum is NULL and so is the audience taken from any row)."""
    cur.execute(
        f"""
        INSERT INTO pages_pagemonth (page_id, month, audience, audience_day, posts, reach, engagement)
        SELECT page_id, month, aud, audience_day, posts, reach, engagement FROM (
            SELECT s.page_id, date(s.day, 'start of month') AS month,
                   MAX(CASE WHEN {AUDIENCE} IS NOT NULL THEN s.day END) AS audience_day, {AUDIENCE} AS aud,
                   SUM(s.posts) AS posts, SUM(s.reach) AS reach, SUM(s.engagement) AS engagement
            FROM pages_metricsnapshot s
            WHERE {where} AND s.day >= %s AND s.day < %s
            GROUP BY s.page_id, month
        )
        """,
        params,
    )


def _ancestor_ids(page_ids: list[int]) -> list[int]:
    paths = set(Page.objects.filter(pk__in=page_ids).values_list("unit__path", flat=True))
    prefixes = {p[:i] for p in paths for i in range(Unit.steplen, len(p) + 1, Unit.steplen)}
    return list(Unit.objects.filter(path__in=prefixes).values_list("pk", flat=True))


@dataclass(frozen=True)
class _Span:
    """Months whose last day falls in one stretch of time with one structure: [first, after)."""

    first: dt.date
    after: dt.date
    parents: dict[int, int | None]


def _spans(start: dt.date, end: dt.date) -> list[_Span]:
    """The structures of the months in [start, end): a month counts on the tree of its last day, as the
    reporting roll-up counts a period on the tree of its last day."""
    days = selectors.structure_change_days()
    out = []
    for low, high in zip([None, *days], [*days, None], strict=True):
        first = max(start, month_start(low) if low else FIRST_MONTH)
        after = min(end, month_start(high) if high else AFTER_LAST_MONTH)
        if first < after:
            day = low or (high - dt.timedelta(days=1) if high else dt.date(2000, 1, 1))
            out.append(_Span(first, after, selectors.records_parents_on(day)))
    return out


def _depths(parents: dict[int, int | None]) -> dict[int, int]:
    depth: dict[int, int] = {}

    def of(unit_id: int) -> int:
        chain = []
        current: int | None = unit_id
        while current is not None and current not in depth and current not in chain:
            chain.append(current)
            current = parents.get(current)
        base = depth.get(current, 0) if current is not None else 0
        for k, node in enumerate(reversed(chain), start=1):
            depth[node] = base + k
        return depth[unit_id]

    for unit_id in parents:
        of(unit_id)
    return depth


def _upwards(unit_ids: Iterable[int], parents: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    for unit_id in unit_ids:
        current: int | None = unit_id
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def refresh_units(unit_ids: list[int] | None, start: dt.date, end: dt.date) -> None:
    """Recompute the subtree totals of these units and their ancestors (all units when None) for months in
    [start, end), each month on the tree of its last day: before a reorganisation a page counts in its old
    district, after it in the unit that took it over.

    Per stretch of months with one structure, level by level from the bottom up, each unit from its own
    pages' months and its children's totals, so that the cost follows the children of the units touched,
    not the size of their subtrees (the country's totals are 34 provinces' rows, not every page of the
    country). The structure of the stretch is a temporary table joined on equality, which the database
    can hash. Exact as long as the given units include every unit whose pages or place changed.
    """
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kn_span "
            "(unit_id integer PRIMARY KEY, parent_id integer, depth integer, target integer)"
        )
        for span in _spans(start, end):
            targets = set(span.parents) if unit_ids is None else _upwards(unit_ids, span.parents)
            depths = _depths(span.parents)
            cur.execute("DELETE FROM kn_span")
            cur.executemany(
                "INSERT INTO kn_span (unit_id, parent_id, depth, target) VALUES (%s, %s, %s, %s)",
                [
                    (u, p, depths[u], int(u in targets))
                    for u, p in span.parents.items()
                    if u in targets or p in targets  # the units recomputed and the children they read
                ],
            )
            for depth in sorted({depths[u] for u in targets if u in depths}, reverse=True):
                _refresh_level(cur, depth, span.first, span.after)
        cur.execute("DELETE FROM kn_span")


def _refresh_level(cur: Any, depth: int, start: dt.date, end: dt.date) -> None:
    cur.execute(
        "DELETE FROM pages_unitmonth WHERE month >= %s AND month < %s "
        "AND unit_id IN (SELECT unit_id FROM kn_span WHERE depth = %s AND target = 1)",
        [start, end, depth],
    )
    cur.execute(
        """
        INSERT INTO pages_unitmonth (unit_id, month, audience, pages, posts, reach, engagement)
        SELECT unit_id, month, SUM(audience), SUM(pages), SUM(posts), SUM(reach), SUM(engagement)
        FROM (
            SELECT k.unit_id AS unit_id, pm.month AS month, pm.audience AS audience,
                   CASE WHEN pm.audience IS NULL THEN 0 ELSE 1 END AS pages,
                   pm.posts AS posts, pm.reach AS reach, pm.engagement AS engagement
            FROM kn_span k
            JOIN pages_page p ON p.unit_id = k.unit_id
            JOIN pages_pagemonth pm ON pm.page_id = p.id
            WHERE k.depth = %s AND k.target = 1 AND pm.month >= %s AND pm.month < %s
            UNION ALL
            SELECT k.unit_id, um.month, um.audience, um.pages, um.posts, um.reach, um.engagement
            FROM kn_span k
            JOIN kn_span c ON c.parent_id = k.unit_id
            JOIN pages_unitmonth um ON um.unit_id = c.unit_id
            WHERE k.depth = %s AND k.target = 1 AND um.month >= %s AND um.month < %s
        ) parts
        GROUP BY unit_id, month
        """,
        [depth, start, end, depth, start, end],
    )


def rebuild_all() -> None:
    """Everything from scratch (after a reorganisation of units, or nightly as a safety net)."""
    refresh(None, None, None)
