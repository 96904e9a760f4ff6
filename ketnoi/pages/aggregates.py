"""Aggregates kept up to date after every write of snapshots, so dashboards never scan the snapshots.

* ``PageMonth``: per page and month, the last audience figure of the month (followers, else members,
  else likes) and the month's posts, reach and engagement.
* ``UnitMonth``: per unit and month, the totals over every page in the unit's subtree.
* ``Page.latest_day / latest_audience / last_post_day``.

Written in SQL that runs on SQLite and PostgreSQL alike; months are first days of the month.
"""

# ruff: noqa: S608  (SQL assembled from constants and placeholders only)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection

from ketnoi.pages.models import Page
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


def refresh_units(unit_ids: list[int] | None, start: dt.date, end: dt.date) -> None:
    """Recompute the subtree totals of these units (all when None) for months in [start, end).

    Level by level from the bottom up, each unit from its own pages' months and its children's totals, so
    that the cost follows the children of the units touched, not the size of their subtrees (the
    country's totals are 34 provinces' rows, not every page of the country). A child finds its parent by
    an equality on the path, which the database can hash. Exact as long as the given units include every
    ancestor of what changed, as every caller's do.
    """
    step = Unit.steplen
    # Per level, deepest first: (which units, which child rows to read).
    levels: list[tuple[str, list[Any], str, list[Any]]] = []
    if unit_ids is None:
        depths = sorted(set(Unit.objects.values_list("depth", flat=True)), reverse=True)
        levels = [("u.depth = %s", [d], "c.depth = %s", [d + 1]) for d in depths]
    else:
        by_depth: dict[int, list[int]] = {}
        for pk, depth in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "depth"):
            by_depth.setdefault(depth, []).append(pk)
        with connection.cursor() as cur:
            for d in sorted(by_depth, reverse=True):
                where, params = _in("u.id", sorted(by_depth[d]))
                cur.execute(
                    f"SELECT c.id FROM units_unit c JOIN units_unit u "
                    f"ON u.path = substr(c.path, 1, length(c.path) - {step}) WHERE {where}",
                    params,
                )
                children = _in("um.unit_id", sorted(r[0] for r in cur.fetchall()))
                levels.append((where, params, *children))
    with connection.cursor() as cur:
        for where, params, child_where, child_params in levels:
            cur.execute(
                "DELETE FROM pages_unitmonth WHERE month >= %s AND month < %s "
                f"AND unit_id IN (SELECT u.id FROM units_unit u WHERE {where})",
                [start, end, *params],
            )
            cur.execute(
                f"""
                INSERT INTO pages_unitmonth (unit_id, month, audience, pages, posts, reach, engagement)
                SELECT unit_id, month, SUM(audience), SUM(pages), SUM(posts), SUM(reach), SUM(engagement)
                FROM (
                    SELECT u.id AS unit_id, pm.month AS month, pm.audience AS audience,
                           CASE WHEN pm.audience IS NULL THEN 0 ELSE 1 END AS pages,
                           pm.posts AS posts, pm.reach AS reach, pm.engagement AS engagement
                    FROM pages_pagemonth pm
                    JOIN pages_page p ON p.id = pm.page_id
                    JOIN units_unit u ON u.id = p.unit_id
                    WHERE {where} AND pm.month >= %s AND pm.month < %s
                    UNION ALL
                    SELECT u.id, um.month, um.audience, um.pages, um.posts, um.reach, um.engagement
                    FROM pages_unitmonth um
                    JOIN units_unit c ON c.id = um.unit_id
                    JOIN units_unit u ON u.path = substr(c.path, 1, length(c.path) - {step})
                    WHERE {child_where} AND um.month >= %s AND um.month < %s
                ) parts
                GROUP BY unit_id, month
                """,
                [*params, start, end, *child_params, start, end],
            )


def rebuild_all() -> None:
    """Everything from scratch (after a reorganisation of units, or nightly as a safety net)."""
    refresh(None, None, None)
