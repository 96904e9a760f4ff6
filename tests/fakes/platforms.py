"""A local stand-in for the Facebook Graph API, the YouTube Data API and the Zalo OA API.

A real HTTP server (``ThreadingHTTPServer`` on 127.0.0.1, any free port) that answers with the documented
request and response shapes of the three platforms, including their error bodies, rate-limit answers with
their headers, expired tokens and Zalo's one-time refresh tokens. Tests start it (``FakePlatforms().start()``)
and point the ``KETNOI_*_URL`` settings at it; ``python -m tests.fakes.serve --port N`` runs it by hand.

Paths (the base URLs to configure are in ``urls()``)::

    /facebook/v23.0/{page-id}?fields=...            /facebook/v23.0/{page-id}/insights?metric=...
    /youtube/v3/channels?part=statistics&id=...
    /zalo-oa/v2.0/oa/getoa                          /zalo-oauth/v4/oa/access_token   (POST)

Scripted faults (``fail_next(platform, kind, times)``): ``http_429``, ``server_error``, ``graph_app_limit``
(code 4 with ``X-App-Usage`` at 100%), ``graph_page_limit`` (code 32 with ``X-Business-Use-Case-Usage``),
``rate_limit`` (YouTube 403 rateLimitExceeded, Zalo -32), ``quota`` (YouTube 403 quotaExceeded),
``disconnect``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GRAPH_VERSION = "v23.0"
# Insights metrics the fake Graph API still serves; page_fans and the impressions metrics are retired.
GRAPH_METRICS = frozenset(
    {"page_follows", "page_post_engagements", "page_daily_follows_unique", "page_media_view"}
)
ZALO_ACCESS_SECONDS = 90000  # 25 hours
YOUTUBE_DAILY_QUOTA = 10000


@dataclass
class FbPage:
    page_id: str
    name: str
    followers: int | None
    likes: int | None
    engagement: int


@dataclass
class YtChannel:
    channel_id: str
    subscribers: int
    views: int
    videos: int
    hidden: bool = False
    handle: str = ""


@dataclass
class ZaloOA:
    oa_id: str
    name: str
    followers: int
    app_id: str


@dataclass
class Call:
    platform: str
    method: str
    path: str
    token: str
    at: float


@dataclass
class State:
    fb_pages: dict[str, FbPage] = field(default_factory=dict)
    fb_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires at (epoch seconds)
    yt_channels: dict[str, YtChannel] = field(default_factory=dict)
    yt_tokens: dict[str, float] = field(default_factory=dict)
    yt_units: int = 0
    yt_quota: int = YOUTUBE_DAILY_QUOTA
    zalo_apps: dict[str, str] = field(default_factory=dict)  # app id -> secret key
    zalo_oas: dict[str, ZaloOA] = field(default_factory=dict)
    zalo_access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (oa id, expires at)
    zalo_refresh: dict[str, str] = field(default_factory=dict)  # unused refresh token -> oa id
    zalo_used_refresh: set[str] = field(default_factory=set)
    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    calls: list[Call] = field(default_factory=list)


class FakePlatforms:
    handler_base: type[BaseHTTPRequestHandler]  # set below, once _Handler exists

    def __init__(self) -> None:
        self.state = State()
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> FakePlatforms:
        fake = self

        class Handler(self.handler_base):  # type: ignore[name-defined]
            platforms = fake

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-platforms",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base(self) -> str:
        if self._server is None:
            raise RuntimeError("start() the server first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def urls(self) -> dict[str, str]:
        """The settings that point the connectors at this server."""
        return {
            "KETNOI_FACEBOOK_GRAPH_URL": f"{self.base}/facebook/{GRAPH_VERSION}",
            "KETNOI_YOUTUBE_API_URL": f"{self.base}/youtube/v3",
            "KETNOI_ZALO_OA_URL": f"{self.base}/zalo-oa",
            "KETNOI_ZALO_OAUTH_URL": f"{self.base}/zalo-oauth",
        }

    # --- fixtures --------------------------------------------------------------------------------
    def add_facebook_page(
        self,
        page_id: str,
        token: str,
        *,
        name: str = "Trang",
        followers: int | None = 1000,
        likes: int | None = 900,
        engagement: int = 50,
        expires_in: float = 60 * 24 * 3600,
    ) -> FbPage:
        with self.lock:
            page = FbPage(page_id, name, followers, likes, engagement)
            self.state.fb_pages[page_id] = page
            self.state.fb_tokens[token] = time.time() + expires_in
            return page

    def add_youtube_channel(
        self,
        channel_id: str,
        token: str,
        *,
        subscribers: int = 1000,
        views: int = 50000,
        videos: int = 40,
        hidden: bool = False,
        handle: str = "",
    ) -> YtChannel:
        with self.lock:
            channel = YtChannel(channel_id, subscribers, views, videos, hidden, handle)
            self.state.yt_channels[channel_id] = channel
            self.state.yt_tokens[token] = time.time() + 3600 * 24 * 365
            return channel

    def add_zalo_oa(
        self,
        oa_id: str,
        *,
        app_id: str,
        secret_key: str,
        access_token: str,
        refresh_token: str,
        followers: int = 1000,
        name: str = "OA",
        expires_in: float = ZALO_ACCESS_SECONDS,
    ) -> ZaloOA:
        with self.lock:
            oa = ZaloOA(oa_id, name, followers, app_id)
            self.state.zalo_apps[app_id] = secret_key
            self.state.zalo_oas[oa_id] = oa
            self.state.zalo_access[access_token] = (oa_id, time.time() + expires_in)
            self.state.zalo_refresh[refresh_token] = oa_id
            return oa

    def expire_token(self, token: str) -> None:
        with self.lock:
            for table in (self.state.fb_tokens, self.state.yt_tokens):
                if token in table:
                    table[token] = time.time() - 1
            if token in self.state.zalo_access:
                oa_id, _ = self.state.zalo_access[token]
                self.state.zalo_access[token] = (oa_id, time.time() - 1)

    def fail_next(self, platform: str, kind: str, times: int = 1) -> None:
        with self.lock:
            self.state.faults[platform].extend([kind] * times)

    def calls(self, platform: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.state.calls if platform is None or c.platform == platform]

    def _fault(self, platform: str) -> str | None:
        with self.lock:
            queue = self.state.faults[platform]
            return queue.pop(0) if queue else None


def _token_ok(table: dict[str, float], token: str) -> bool | None:
    """True valid, False expired, None unknown."""
    if token not in table:
        return None
    return table[token] > time.time()


class _Handler(BaseHTTPRequestHandler):
    platforms: FakePlatforms
    protocol_version = "HTTP/1.1"
    server_version = "FakePlatforms/1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    # --- plumbing --------------------------------------------------------------------------------
    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def _query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[-1] for k, v in parse_qs(raw).items()}

    def _log(self, platform: str, token: str) -> None:
        with self.platforms.lock:
            self.platforms.state.calls.append(
                Call(platform, self.command, urlsplit(self.path).path, token, time.time())
            )

    def _common_fault(self, platform: str) -> str | None:
        fault = self.platforms._fault(platform)
        if fault == "disconnect":
            self.close_connection = True
            self.connection.shutdown(2)
            return "done"
        if fault == "server_error":
            self._send(503, {"error": {"message": "Service temporarily unavailable", "code": 2}})
            return "done"
        if fault == "http_429":
            self._send(429, {"error": {"code": 429, "message": "Too Many Requests"}}, {"Retry-After": "120"})
            return "done"
        return fault

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(f"/facebook/{GRAPH_VERSION}/"):
            self._facebook(path[len(f"/facebook/{GRAPH_VERSION}/") :])
        elif path == "/youtube/v3/channels":
            self._youtube()
        elif path == "/zalo-oa/v2.0/oa/getoa":
            self._zalo_getoa()
        else:
            self._send(404, {"error": {"message": "Unknown path", "code": 404}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/zalo-oauth/v4/oa/access_token":
            self._zalo_refresh()
        else:
            self._send(404, {"error": {"message": "Unknown path", "code": 404}})

    # --- Facebook Graph API ----------------------------------------------------------------------
    def _fb_error(
        self,
        status: int,
        code: int,
        message: str,
        subcode: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        error: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": secrets.token_urlsafe(8),
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        self._send(status, {"error": error}, headers)

    def _facebook(self, rest: str) -> None:
        query = self._query()
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else query.get("access_token", "")
        self._log("facebook", token)
        fault = self._common_fault("facebook")
        if fault == "done":
            return
        if fault == "graph_app_limit":
            usage = json.dumps({"call_count": 100, "total_cputime": 20, "total_time": 35})
            return self._fb_error(
                403, 4, "(#4) Application request limit reached", headers={"X-App-Usage": usage}
            )
        if fault == "graph_page_limit":
            parts = rest.split("/")
            usage = json.dumps(
                {
                    parts[0]: [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 30,
                            "total_time": 40,
                            "estimated_time_to_regain_access": 25,
                        }
                    ]
                }
            )
            return self._fb_error(
                403,
                32,
                "(#32) Page request limit reached",
                headers={"X-Business-Use-Case-Usage": usage},
            )
        state = self.platforms.state
        with self.platforms.lock:
            valid = _token_ok(state.fb_tokens, token)
        if valid is None:
            return self._fb_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if valid is False:
            return self._fb_error(
                400,
                190,
                "Error validating access token: Session has expired on Sunday, 22-Nov-26.",
                subcode=463,
            )
        parts = rest.strip("/").split("/")
        page = state.fb_pages.get(parts[0])
        if page is None:
            return self._fb_error(
                400,
                100,
                f"Unsupported get request. Object with ID '{parts[0]}' does not exist, cannot be loaded "
                "due to "
                "missing permissions, or does not support this operation.",
                subcode=33,
            )
        low_usage = {"X-App-Usage": json.dumps({"call_count": 3, "total_cputime": 1, "total_time": 2})}
        if len(parts) == 1:
            wanted = [f for f in query.get("fields", "id,name").split(",") if f]
            known: dict[str, Any] = {
                "id": page.page_id,
                "name": page.name,
                "followers_count": page.followers,
                "fan_count": page.likes,
            }
            body = {k: known[k] for k in wanted if k in known and known[k] is not None}
            body["id"] = page.page_id
            return self._send(200, body, low_usage)
        if parts[1] == "insights":
            metrics = [m for m in query.get("metric", "").split(",") if m]
            if not metrics or any(m not in GRAPH_METRICS for m in metrics):
                return self._fb_error(400, 100, "(#100) The value must be a valid insights metric")
            day = time.strftime("%Y-%m-%dT08:00:00+0000", time.gmtime())
            values = {
                "page_follows": page.followers or 0,
                "page_post_engagements": page.engagement,
                "page_daily_follows_unique": 3,
                "page_media_view": page.engagement * 20,
            }
            data = [
                {
                    "name": m,
                    "period": query.get("period", "day"),
                    "values": [{"value": values[m], "end_time": day}],
                    "title": m,
                    "description": m,
                    "id": f"{page.page_id}/insights/{m}/{query.get('period', 'day')}",
                }
                for m in metrics
            ]
            return self._send(200, {"data": data, "paging": {}}, low_usage)
        return self._fb_error(400, 100, "(#100) Tried accessing nonexisting field")

    # --- YouTube Data API v3 ---------------------------------------------------------------------
    def _yt_error(self, status: int, reason: str, domain: str, message: str, status_text: str) -> None:
        self._send(
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "errors": [{"message": message, "domain": domain, "reason": reason}],
                    "status": status_text,
                }
            },
        )

    def _youtube(self) -> None:
        query = self._query()
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else query.get("key", "")
        self._log("youtube", token)
        fault = self._common_fault("youtube")
        if fault == "done":
            return
        state = self.platforms.state
        with self.platforms.lock:
            if fault != "quota":
                state.yt_units += 1  # channels.list costs one unit, even when it fails
            over = fault == "quota" or state.yt_units > state.yt_quota
            valid = _token_ok(state.yt_tokens, token)
        if over:
            return self._yt_error(
                403,
                "quotaExceeded",
                "youtube.quota",
                "The request cannot be completed because you have exceeded your quota.",
                "PERMISSION_DENIED",
            )
        if fault == "rate_limit":
            return self._yt_error(
                403,
                "rateLimitExceeded",
                "youtube.quota",
                "The request rate is higher than allowed.",
                "PERMISSION_DENIED",
            )
        if valid is not True:
            return self._yt_error(
                401,
                "authError",
                "global",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or "
                "other valid authentication credential.",
                "UNAUTHENTICATED",
            )
        if query.get("part") != "statistics":
            return self._yt_error(400, "invalidPart", "youtube.part", "Unknown part.", "INVALID_ARGUMENT")
        wanted = query.get("id", "")
        handle = query.get("forHandle", "")
        items = []
        for channel in state.yt_channels.values():
            if channel.channel_id == wanted or (handle and channel.handle.lower() == handle.lower()):
                stats: dict[str, Any] = {
                    "viewCount": str(channel.views),
                    "hiddenSubscriberCount": channel.hidden,
                    "videoCount": str(channel.videos),
                }
                if not channel.hidden:
                    stats["subscriberCount"] = str(channel.subscribers)
                items.append(
                    {
                        "kind": "youtube#channel",
                        "etag": secrets.token_urlsafe(12),
                        "id": channel.channel_id,
                        "statistics": stats,
                    }
                )
        body: dict[str, Any] = {
            "kind": "youtube#channelListResponse",
            "etag": secrets.token_urlsafe(12),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        }
        if items:
            body["items"] = items
        self._send(200, body)

    # --- Zalo OA API and OAuth v4 ----------------------------------------------------------------
    def _zalo_getoa(self) -> None:
        token = self.headers.get("access_token", "")
        self._log("zalo", token)
        fault = self._common_fault("zalo")
        if fault == "done":
            return
        if fault == "rate_limit":
            return self._send(200, {"error": -32, "message": "Exceed rate limit"})
        state = self.platforms.state
        with self.platforms.lock:
            entry = state.zalo_access.get(token)
        if entry is None:
            return self._send(200, {"error": -216, "message": "Access token is invalid"})
        oa_id, expires_at = entry
        if expires_at <= time.time():
            return self._send(200, {"error": -124, "message": "Access token has expired"})
        oa = state.zalo_oas[oa_id]
        self._send(
            200,
            {
                "data": {
                    "oa_id": oa.oa_id,
                    "name": oa.name,
                    "description": "",
                    "is_verified": True,
                    "oa_type": 4,
                    "num_follower": oa.followers,
                    "avatar": "",
                    "cover": "",
                },
                "error": 0,
                "message": "Success",
            },
        )

    def _zalo_refresh(self) -> None:
        form = self._form()
        refresh = form.get("refresh_token", "")
        self._log("zalo_oauth", refresh)
        fault = self._common_fault("zalo_oauth")
        if fault == "done":
            return
        state = self.platforms.state
        with self.platforms.lock:
            secret = state.zalo_apps.get(form.get("app_id", ""))
            if secret is None or secret != self.headers.get("secret_key"):
                return self._send(
                    200,
                    {
                        "error_name": "Invalid app_id or secret_key",
                        "error_reason": "The app id does not exist or the secret key does not match",
                        "error_description": "Invalid app_id or secret_key",
                        "error": -14003,
                    },
                )
            if form.get("grant_type") != "refresh_token" or refresh not in state.zalo_refresh:
                return self._send(
                    200,
                    {
                        "error_name": "Invalid refresh token",
                        "error_reason": "Refresh token is invalid or has already been used",
                        "ref_doc": "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen",
                        "error_description": "Invalid refresh token",
                        "error": -14014,
                    },
                )
            oa_id = state.zalo_refresh.pop(refresh)
            state.zalo_used_refresh.add(refresh)
            access = secrets.token_urlsafe(48)
            new_refresh = secrets.token_urlsafe(48)
            state.zalo_access[access] = (oa_id, time.time() + ZALO_ACCESS_SECONDS)
            state.zalo_refresh[new_refresh] = oa_id
        self._send(
            200,
            {"access_token": access, "refresh_token": new_refresh, "expires_in": str(ZALO_ACCESS_SECONDS)},
        )


FakePlatforms.handler_base = _Handler
