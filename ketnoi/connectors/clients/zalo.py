"""Zalo Official Account API: the OA's follower count, and the OAuth v4 token refresh.

* ``GET {oa}/v2.0/oa/getoa`` with header ``access_token`` returns
  ``{"error": 0, "message": "Success", "data": {"oa_id", "name", "num_follower", ...}}``.
  Failures come back as HTTP 200 with a negative ``error``: -216 (access token invalid), -124 (access token
  expired), -32 (rate limit exceeded), -201 (bad parameter), others.
* ``POST {oauth}/v4/oa/access_token`` with header ``secret_key`` and the form ``app_id``,
  ``grant_type=refresh_token``, ``refresh_token`` returns a *new pair*
  ``{"access_token", "refresh_token", "expires_in": "90000"}`` (about 25 hours). Each refresh token works
  once: a reused one is answered ``{"error": -14014, "error_name": "Invalid refresh token", ...}``. So the
  refresh is never retried, and the caller stores (commits) the new pair before it uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ketnoi.connectors.clients.base import Figures, HttpClient, json_body, to_int
from ketnoi.connectors.errors import (
    ConnectorError,
    PlatformError,
    RateLimited,
    RefreshRejected,
    TokenExpired,
)

TOKEN_ERRORS = frozenset({-216, -124, -220, -230})
RATE_ERRORS = frozenset({-32})
# Documented refresh-token errors of the OAuth v4 endpoint (invalid, expired, wrong app).
REFRESH_ERRORS = frozenset({-14014, -14019, -14020, -14002, -14003})


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def zalo_error(response: httpx.Response, body: dict[str, Any]) -> ConnectorError:
    code = to_int(body.get("error"))
    detail = str(body.get("message") or body.get("error_description") or body.get("error_name") or "")
    status = response.status_code
    if code in TOKEN_ERRORS or status == 401:
        return TokenExpired(detail, platform_code=code, http_status=status)
    if code in RATE_ERRORS or status == 429:
        return RateLimited(detail, platform_code=code, http_status=status)
    return PlatformError(detail or "unknown error", platform_code=code, http_status=status)


class ZaloClient:
    def __init__(self, oa_url: str, oauth_url: str, **http: Any) -> None:
        self.http = HttpClient(oa_url, **http)
        self.oauth = HttpClient(oauth_url, **http)

    def close(self) -> None:
        self.http.close()
        self.oauth.close()

    def oa_figures(self, token: str) -> Figures:
        response = self.http.request("GET", "v2.0/oa/getoa", headers={"access_token": token})
        body = json_body(response)
        if response.status_code >= 400 or to_int(body.get("error")) not in (0, None):
            raise zalo_error(response, body)
        data = body.get("data") or {}
        followers = to_int(data.get("num_follower"))
        return Figures(
            values={"followers": followers},
            raw={"num_follower": followers, "oa_id": data.get("oa_id"), "name": data.get("name")},
        )

    def refresh(self, *, app_id: str, secret_key: str, refresh_token: str) -> TokenPair:
        response = self.oauth.request(
            "POST",
            "v4/oa/access_token",
            headers={"secret_key": secret_key},
            data={"app_id": app_id, "grant_type": "refresh_token", "refresh_token": refresh_token},
            retry=False,
        )
        body = json_body(response)
        code = to_int(body.get("error"))
        if code not in (0, None) or not body.get("access_token") or not body.get("refresh_token"):
            detail = str(body.get("error_description") or body.get("error_name") or body.get("message") or "")
            if code in REFRESH_ERRORS or response.status_code in (400, 401):
                raise RefreshRejected(detail, platform_code=code, http_status=response.status_code)
            raise PlatformError(
                detail or "no token in the answer", platform_code=code, http_status=response.status_code
            )
        return TokenPair(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            expires_in=to_int(body.get("expires_in")) or 90000,
        )
