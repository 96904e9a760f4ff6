"""YouTube Data API v3: a channel's statistics.

``GET /channels?part=statistics&id={channel-id}`` (or ``forHandle=@name``) costs 1 quota unit and returns
``subscriberCount``, ``viewCount``, ``videoCount`` (as strings) and ``hiddenSubscriberCount``. A hidden
subscriber count is recorded as missing, not zero. The default quota is 10,000 units a day, reset at
midnight Pacific time; the caller reserves units *before* each call (``QuotaGuard``) so pulls stop before
the quota. Errors: 401 = token expired/invalid; 403 ``quotaExceeded`` / ``dailyLimitExceeded`` = quota
used up; 403 ``rateLimitExceeded`` / ``userRateLimitExceeded`` or HTTP 429 = slow down; an empty ``items``
list = unknown channel.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from ketnoi.connectors.clients.base import Figures, HttpClient, json_body, retry_after_seconds, to_int
from ketnoi.connectors.errors import (
    ConnectorError,
    NotFound,
    PermissionMissing,
    PlatformError,
    QuotaExhausted,
    RateLimited,
    TokenExpired,
)

COST_CHANNELS_LIST = 1
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class QuotaGuard(Protocol):
    def reserve(self, units: int) -> None:
        """Count ``units`` against today's quota, or raise QuotaExhausted when they do not fit."""

    def exhausted(self) -> None:
        """The platform says the quota is used up: no more calls today."""


def youtube_error(response: httpx.Response, body: dict[str, Any]) -> ConnectorError:
    err = body.get("error") or {}
    status = response.status_code
    reasons = {str(e.get("reason", "")) for e in err.get("errors", []) if isinstance(e, dict)}
    reason = next(iter(sorted(reasons)), "") or str(err.get("status", ""))
    detail = str(err.get("message", ""))
    if status == 401:
        return TokenExpired(detail, platform_code=reason, http_status=status)
    if reasons & QUOTA_REASONS:
        return QuotaExhausted(detail, platform_code=reason, http_status=status)
    if status == 429 or reasons & RATE_REASONS:
        return RateLimited(
            detail, platform_code=reason, http_status=status, retry_after=retry_after_seconds(response)
        )
    if status == 404 or "channelNotFound" in reasons:
        return NotFound(detail, platform_code=reason, http_status=status)
    if status == 403:
        return PermissionMissing(detail, platform_code=reason, http_status=status)
    return PlatformError(detail or "unknown error", platform_code=reason or None, http_status=status)


def is_api_key(token: str) -> bool:
    """Google API keys (for public data) start with ``AIza``; anything else is an OAuth access token."""
    return token.startswith("AIza") and len(token) == 39


class YouTubeClient:
    def __init__(self, base_url: str, quota: QuotaGuard, **http: Any) -> None:
        self.http = HttpClient(base_url, **http)
        self.quota = quota

    def close(self) -> None:
        self.http.close()

    def channel_figures(self, channel: str, token: str) -> Figures:
        if not channel:
            raise NotFound("the channel has no platform id")
        params: dict[str, Any] = {"part": "statistics"}
        if channel.startswith("@"):
            params["forHandle"] = channel
        else:
            params["id"] = channel
        headers: dict[str, str] = {}
        if is_api_key(token):
            params["key"] = token
        else:
            headers["Authorization"] = f"Bearer {token}"
        self.quota.reserve(COST_CHANNELS_LIST)
        response = self.http.request("GET", "channels", params=params, headers=headers)
        body = json_body(response)
        if response.status_code >= 400 or "error" in body:
            error = youtube_error(response, body)
            if isinstance(error, QuotaExhausted):
                self.quota.exhausted()
            raise error
        items = body.get("items") or []
        if not items:
            raise NotFound("no channel with this id", http_status=response.status_code)
        stats = items[0].get("statistics") or {}
        hidden = bool(stats.get("hiddenSubscriberCount"))
        subscribers = None if hidden else to_int(stats.get("subscriberCount"))
        raw = {
            "subscriberCount": subscribers,
            "hiddenSubscriberCount": hidden,
            "viewCount": to_int(stats.get("viewCount")),
            "videoCount": to_int(stats.get("videoCount")),
        }
        notes = ["the channel hides its subscriber count"] if hidden else []
        return Figures(
            values={"followers": subscribers, "posts": to_int(stats.get("videoCount"))},
            raw=raw,
            notes=notes,
            quota_units=COST_CHANNELS_LIST,
        )
