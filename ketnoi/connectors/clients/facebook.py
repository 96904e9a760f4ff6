"""Facebook Graph API: a Page's follower and like counts and its daily engagement.

* ``GET /{page-id}?fields=id,name,followers_count,fan_count`` gives today's counts.
* ``GET /{page-id}/insights?metric=page_follows,page_post_engagements&period=day`` gives daily insights.

Metric history across Meta's 2024-2025 changes: ``page_fans`` (likes) was replaced by ``page_follows`` and the
impressions/reach metrics were retired. To keep the series comparable, ``followers`` always comes from the
Page field ``followers_count`` (the same count ``page_follows`` reports, used only when the field is absent),
``likes`` only from ``fan_count``, and ``reach`` is left missing rather than filled from the new "views"
metrics, which count something else. An insights metric the API no longer knows (error 100) is dropped for
that pull instead of failing it.

Groups: Meta removed API access to groups in April 2024, so groups are never pulled (see services).
Errors: code 190 = token expired/invalid; 4, 17, 32, 613, 80001 = rate limits (with ``X-App-Usage`` and
``X-Business-Use-Case-Usage`` headers saying how long to wait); 100/33 and 803 = unknown object.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ketnoi.connectors.clients.base import Figures, HttpClient, json_body, retry_after_seconds, to_int
from ketnoi.connectors.errors import (
    ConnectorError,
    NotFound,
    PermissionMissing,
    PlatformError,
    RateLimited,
    TokenExpired,
)

PAGE_FIELDS = "id,name,followers_count,fan_count"
INSIGHT_METRICS = ("page_follows", "page_post_engagements")
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
PERMISSION_CODES = frozenset({10, 200, 210, 230, 283})
# Usage above this share of the allowance (per cent) makes the next pull of the app wait a while.
SOFT_USAGE_PERCENT = 90


def usage_wait_seconds(headers: httpx.Headers) -> tuple[int, int]:
    """(seconds to wait before calling again, highest usage in per cent) from Meta's usage headers."""
    highest = 0
    wait_minutes = 0
    app = headers.get("x-app-usage")
    if app:
        try:
            usage = json.loads(app)
            highest = max(
                highest, *(int(usage.get(k, 0)) for k in ("call_count", "total_time", "total_cputime"))
            )
        except (ValueError, TypeError, AttributeError):
            pass
    buc = headers.get("x-business-use-case-usage")
    if buc:
        try:
            for entries in json.loads(buc).values():
                for entry in entries:
                    highest = max(
                        highest,
                        *(int(entry.get(k, 0)) for k in ("call_count", "total_time", "total_cputime")),
                    )
                    wait_minutes = max(wait_minutes, int(entry.get("estimated_time_to_regain_access", 0)))
        except (ValueError, TypeError, AttributeError):
            pass
    if wait_minutes:
        return wait_minutes * 60, highest
    if highest >= 100:
        return 60 * 60, highest
    if highest >= SOFT_USAGE_PERCENT:
        return 30 * 60, highest
    return 0, highest


def graph_error(response: httpx.Response, body: dict[str, Any]) -> ConnectorError:
    err = body.get("error") or {}
    code = to_int(err.get("code"))
    subcode = to_int(err.get("error_subcode"))
    detail = str(err.get("message", ""))
    platform_code = f"{code}/{subcode}" if subcode else code
    status = response.status_code
    if code == 190 or (code == 102 and status == 401):
        return TokenExpired(detail, platform_code=platform_code, http_status=status)
    if code in RATE_LIMIT_CODES or status == 429:
        wait, _ = usage_wait_seconds(response.headers)
        return RateLimited(
            detail,
            platform_code=platform_code,
            http_status=status,
            retry_after=wait or retry_after_seconds(response),
        )
    if code == 803 or (code == 100 and subcode == 33):
        return NotFound(detail, platform_code=platform_code, http_status=status)
    if code in PERMISSION_CODES:
        return PermissionMissing(detail, platform_code=platform_code, http_status=status)
    return PlatformError(detail or "unknown error", platform_code=platform_code, http_status=status)


def _is_unknown_metric(error: ConnectorError) -> bool:
    return error.platform_code == 100 and "metric" in error.detail.lower()


class FacebookClient:
    def __init__(self, base_url: str, **http: Any) -> None:
        self.http = HttpClient(base_url, **http)

    def close(self) -> None:
        self.http.close()

    def _get(self, path: str, token: str, params: dict[str, Any]) -> tuple[dict[str, Any], httpx.Response]:
        response = self.http.request("GET", path, params=params, headers={"Authorization": f"Bearer {token}"})
        body = json_body(response)
        if response.status_code >= 400 or "error" in body:
            raise graph_error(response, body)
        return body, response

    def page_figures(self, page_id: str, token: str) -> Figures:
        if not page_id:
            raise NotFound("the page has no platform id")
        fields, response = self._get(page_id, token, {"fields": PAGE_FIELDS})
        throttle, usage = usage_wait_seconds(response.headers)
        followers = to_int(fields.get("followers_count"))
        likes = to_int(fields.get("fan_count"))
        raw: dict[str, Any] = {"followers_count": followers, "fan_count": likes, "name": fields.get("name")}
        notes: list[str] = []
        engagement: int | None = None
        metrics = list(INSIGHT_METRICS)
        while metrics:
            try:
                insights, response = self._get(
                    f"{page_id}/insights", token, {"metric": ",".join(metrics), "period": "day"}
                )
            except PermissionMissing as exc:
                notes.append(f"insights not readable with this token: {exc.detail}")
                break
            except PlatformError as exc:
                if _is_unknown_metric(exc) and len(metrics) > 1:
                    # One of the metrics was retired: ask for them one by one to keep those that remain.
                    kept = []
                    for metric in metrics:
                        try:
                            self._get(f"{page_id}/insights", token, {"metric": metric, "period": "day"})
                            kept.append(metric)
                        except PlatformError as single:
                            if not _is_unknown_metric(single):
                                raise
                            notes.append(f"metric {metric} is no longer offered by the Graph API")
                    metrics = kept if kept != metrics else []
                    continue
                if _is_unknown_metric(exc):
                    notes.append(f"metric {metrics[0]} is no longer offered by the Graph API")
                    break
                raise
            t2, u2 = usage_wait_seconds(response.headers)
            throttle, usage = max(throttle, t2), max(usage, u2)
            for series in insights.get("data", []):
                values = series.get("values") or []
                latest = to_int(values[-1].get("value")) if values else None
                raw[str(series.get("name"))] = latest
            break
        engagement = raw.get("page_post_engagements")
        if followers is None:
            followers = raw.get("page_follows")
        if usage:
            raw["usage_percent"] = usage
        return Figures(
            values={"followers": followers, "likes": likes, "engagement": engagement},
            raw=raw,
            notes=notes,
            throttle_seconds=throttle,
        )
