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


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(date_trunc('month', s.day) AS date)"
    return "date(s.day, 'start of month')"


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
    start = month_start(first_day) if first_day else dt.date(1900, 1, 1)
    end = _next_month(last_day) if last_day else dt.date(2999, 1, 1)
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

    Given units are recomputed from the bottom up, each from its own pages' months and its children's
    totals, so that the cost follows the children of the units touched, not the size of their subtrees
    (the country's totals are 34 provinces' rows, not every page of the country). This is exact as long as
    the given units include every ancestor of what changed, as every caller's do.
    """
    if unit_ids is None:
        _units_from_scratch(start, end)
        return
    levels: dict[int, list[int]] = {}
    for pk, depth in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "depth"):
        levels.setdefault(depth, []).append(pk)
    with connection.cursor() as cur:
        for depth in sorted(levels, reverse=True):
            ids = sorted(levels[depth])
            where, params = _in("unit_id", ids)
            cur.execute(
                f"DELETE FROM pages_unitmonth WHERE {where} AND month >= %s AND month < %s",
                [*params, start, end],
            )
            own, own_params = _in("p.unit_id", ids)
            parents, parent_params = _in("a.id", ids)
            cur.execute(
                f"""
                INSERT INTO pages_unitmonth (unit_id, month, audience, pages, posts, reach, engagement)
                SELECT unit_id, month, SUM(audience), SUM(pages), SUM(posts), SUM(reach), SUM(engagement)
                FROM (
                    SELECT p.unit_id AS unit_id, pm.month AS month, pm.audience AS audience,
                           CASE WHEN pm.audience IS NULL THEN 0 ELSE 1 END AS pages,
                           pm.posts AS posts, pm.reach AS reach, pm.engagement AS engagement
                    FROM pages_pagemonth pm JOIN pages_page p ON p.id = pm.page_id
                    WHERE {own} AND pm.month >= %s AND pm.month < %s
                    UNION ALL
                    SELECT a.id, um.month, um.audience, um.pages, um.posts, um.reach, um.engagement
                    FROM units_unit a
                    JOIN units_unit c ON c.depth = a.depth + 1 AND c.path > a.path
                         AND substr(c.path, 1, length(a.path)) = a.path
                    JOIN pages_unitmonth um ON um.unit_id = c.id
                    WHERE {parents} AND um.month >= %s AND um.month < %s
                ) parts
                GROUP BY unit_id, month
                """,
                [*own_params, start, end, *parent_params, start, end],
            )


def _units_from_scratch(start: dt.date, end: dt.date) -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM pages_unitmonth WHERE month >= %s AND month < %s", [start, end])
        cur.execute(
            """
            INSERT INTO pages_unitmonth (unit_id, month, audience, pages, posts, reach, engagement)
            SELECT a.id, pm.month, SUM(pm.audience), COUNT(pm.audience), SUM(pm.posts), SUM(pm.reach),
                   SUM(pm.engagement)
            FROM pages_pagemonth pm
            JOIN pages_page p ON p.id = pm.page_id
            JOIN units_unit u ON u.id = p.unit_id
            JOIN units_unit a ON substr(u.path, 1, length(a.path)) = a.path
            WHERE pm.month >= %s AND pm.month < %s
            GROUP BY a.id, pm.month
            """,
            [start, end],
        )


def rebuild_all() -> None:
    """Everything from scratch (after a reorganisation of units, or nightly as a safety net)."""
    refresh(None, None, None)
