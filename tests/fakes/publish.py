"""The fake platforms, extended with what publishing needs: accepting posts and listing a page's posts.

Facebook: ``POST /{page-id}/feed`` and ``POST /{page-id}/photos`` (multipart), ``GET /{page-id}/feed``.
Zalo OA: ``POST /v2.0/article/create``, ``POST /v2.0/article/verify``, ``GET /v2.0/article/getslice``.

For the reliability test and the benchmark it can also misbehave on purpose:

* ``latency``: every publishing request takes this long before the post is stored (requests in flight);
* ``chaos(...)``: at random, answer 429 or 500 without storing, 500 *after* storing, or store the post and
  then hold the answer past the client's time-out (the hard case: the post exists, the caller never hears);
* ``limit_rate(R)``: an app-wide allowance of R requests a second over a sliding window, reported in
  Meta's ``X-App-Usage`` and ``X-Business-Use-Case-Usage`` headers, with code 4 and HTTP 429 beyond it.

``posts(page_id)`` is the ground truth the tests count: exactly one post per page, or not.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
import random
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.platforms import GRAPH_VERSION, FakePlatforms, _Handler, _token_ok


@dataclass
class Chaos:
    p429: float = 0.0
    p500: float = 0.0
    p500_after_store: float = 0.0
    p_timeout_after_store: float = 0.0
    hang_seconds: float = 5.0
    seed: int = 1


@dataclass
class PublishState:
    fb_posts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    zalo_articles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    zalo_jobs: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (oa id, article id)
    latency: float = 0.0
    chaos: Chaos = field(default_factory=Chaos)
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    rate: float = 0.0  # allowed requests per second (0 = no limit)
    window: float = 1.0
    recent: deque[float] = field(default_factory=deque)
    in_flight: int = 0
    requests: int = 0
    throttled: int = 0


class PublishingPlatforms(FakePlatforms):
    def __init__(self, *, accept_demo: bool = False) -> None:
        super().__init__()
        self.pub = PublishState()
        # By hand (``ketnoi fake-platforms``): any page id with a token beginning with "demo-" is accepted.
        self.accept_demo = accept_demo

    def configure(self, *, latency: float | None = None, chaos: Chaos | None = None) -> None:
        with self.lock:
            if latency is not None:
                self.pub.latency = latency
            if chaos is not None:
                self.pub.chaos = chaos
                self.pub.rng = random.Random(chaos.seed)

    def limit_rate(self, per_second: float, window: float = 1.0) -> None:
        with self.lock:
            self.pub.rate = per_second
            self.pub.window = window
            self.pub.recent.clear()

    def posts(self, page_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.pub.fb_posts.get(page_id, []))

    def articles(self, oa_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.pub.zalo_articles.get(oa_id, []))

    def all_posts(self) -> dict[str, int]:
        with self.lock:
            counts = {k: len(v) for k, v in self.pub.fb_posts.items()}
            counts.update({f"zalo:{k}": len(v) for k, v in self.pub.zalo_articles.items()})
            return counts

    @property
    def in_flight(self) -> int:
        with self.lock:
            return self.pub.in_flight


class _PublishingHandler(_Handler):
    platforms: PublishingPlatforms

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        prefix = f"/facebook/{GRAPH_VERSION}/"
        if path.startswith(prefix) and path.rstrip("/").endswith("/feed"):
            return self._publishing(lambda: self._fb_feed(path[len(prefix) :].split("/")[0]))
        if path == "/zalo-oa/v2.0/article/getslice":
            return self._publishing(self._zalo_list)
        return super().do_GET()

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        prefix = f"/facebook/{GRAPH_VERSION}/"
        if path.startswith(prefix):
            parts = path[len(prefix) :].strip("/").split("/")
            if len(parts) == 2 and parts[1] in ("feed", "photos"):
                return self._publishing(lambda: self._fb_post(parts[0], parts[1]), posting=True)
        if path == "/zalo-oa/v2.0/article/create":
            return self._publishing(self._zalo_create, posting=True)
        if path == "/zalo-oa/v2.0/article/verify":
            return self._publishing(self._zalo_verify)
        return super().do_POST()

    # --- shared misbehaviour --------------------------------------------------------------------
    def _usage_headers(self, percent: int, page_id: str = "") -> dict[str, str]:
        app = json.dumps(
            {"call_count": percent, "total_cputime": max(1, percent // 3), "total_time": percent // 2}
        )
        headers = {"X-App-Usage": app}
        if page_id:
            headers["X-Business-Use-Case-Usage"] = json.dumps(
                {
                    page_id: [
                        {
                            "type": "pages",
                            "call_count": percent,
                            "total_cputime": max(1, percent // 3),
                            "total_time": percent // 2,
                            "estimated_time_to_regain_access": 0,
                        }
                    ]
                }
            )
        return headers

    def _publishing(self, answer: Any, posting: bool = False) -> None:
        fake = self.platforms
        state = fake.pub
        body = self._body()
        self._raw_body = body
        with fake.lock:
            state.requests += 1
            state.in_flight += 1
            rate, window = state.rate, state.window
            usage = 0
            retry = 0
            over = False
            if rate:
                now = time.monotonic()
                while state.recent and state.recent[0] <= now - window:
                    state.recent.popleft()
                allowance = max(1, int(rate * window))
                if len(state.recent) >= allowance:
                    over = True
                    state.throttled += 1
                    retry = max(1, math.ceil(state.recent[0] + window - now))
                else:
                    state.recent.append(now)
                usage = min(100, round(100 * len(state.recent) / allowance))
            chaos = state.chaos
            roll = state.rng.random()
            latency = state.latency
        try:
            self._usage = usage
            if over:
                headers = self._usage_headers(100)
                headers["Retry-After"] = str(retry)
                return self._send(
                    429,
                    {
                        "error": {
                            "message": "(#4) Application request limit reached",
                            "type": "OAuthException",
                            "code": 4,
                        }
                    },
                    headers,
                )
            if roll < chaos.p429:
                headers = self._usage_headers(100)
                headers["Retry-After"] = "1"
                return self._send(
                    429, {"error": {"code": 4, "message": "(#4) Application request limit reached"}}, headers
                )
            roll -= chaos.p429
            if roll < chaos.p500:
                return self._send(500, {"error": {"message": "An unknown error has occurred.", "code": 1}})
            roll -= chaos.p500
            if latency:
                time.sleep(latency)
            self._after_store: str = ""
            if posting:
                if roll < chaos.p500_after_store:
                    self._after_store = "500"
                elif roll < chaos.p500_after_store + chaos.p_timeout_after_store:
                    self._after_store = "hang"
            answer()
        finally:
            with fake.lock:
                state.in_flight -= 1

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _fields(self) -> dict[str, str]:
        kind = self.headers.get("Content-Type", "")
        raw = self._raw_body
        if kind.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
                f"Content-Type: {kind}\r\n\r\n".encode() + raw
            )
            fields: dict[str, str] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    fields[str(name)] = f"<file {len(part.get_payload(decode=True) or b'')} bytes>"
                else:
                    fields[str(name)] = str(part.get_content())
            return fields
        if kind.startswith("application/json"):
            loaded = json.loads(raw or b"{}")
            return loaded if isinstance(loaded, dict) else {}
        return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}

    def _reply(self, status: int, body: dict[str, Any], page_id: str = "") -> None:
        """Send the answer, unless the chaos says to fail or hang after the post was stored."""
        after = getattr(self, "_after_store", "")
        if after == "500":
            return self._send(500, {"error": {"message": "An unknown error has occurred.", "code": 1}})
        if after == "hang":
            time.sleep(self.platforms.pub.chaos.hang_seconds)
            self.close_connection = True
            return None
        self._send(status, body, self._usage_headers(self._usage, page_id))

    # --- Facebook --------------------------------------------------------------------------------
    def _fb_token(self) -> str:
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else self._query().get("access_token", "")

    def _fb_auth(self, page_id: str) -> bool:
        token = self._fb_token()
        self._log("facebook", token)
        if self.platforms.accept_demo and token.startswith("demo-") and page_id.isdigit():
            with self.platforms.lock:
                known_page = page_id in self.platforms.state.fb_pages
            if not known_page:
                self.platforms.add_facebook_page(page_id, token, name=f"Demo {page_id}")
        with self.platforms.lock:
            valid = _token_ok(self.platforms.state.fb_tokens, token)
            known = page_id in self.platforms.state.fb_pages
        if valid is None:
            self._fb_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
            return False
        if valid is False:
            self._fb_error(400, 190, "Error validating access token: Session has expired.", subcode=463)
            return False
        if not known:
            self._fb_error(400, 100, f"Object with ID '{page_id}' does not exist", subcode=33)
            return False
        return True

    def _fb_post(self, page_id: str, edge: str) -> None:
        if not self._fb_auth(page_id):
            return None
        fields = self._fields()
        message = fields.get("message") or fields.get("caption") or ""
        if edge == "photos" and "source" not in fields and "url" not in fields:
            return self._fb_error(400, 324, "(#324) Requires upload file")
        if edge == "feed" and not message and not fields.get("link"):
            return self._fb_error(400, 100, "(#100) Missing message or attachment")
        if "BLOCKED" in message:
            return self._fb_error(
                400, 368, "The action attempted has been deemed abusive or is otherwise disallowed"
            )
        with self.platforms.lock:
            posts = self.platforms.pub.fb_posts.setdefault(page_id, [])
            number = secrets.randbelow(10**15)
            post = {
                "id": f"{page_id}_{number}",
                "message": message,
                "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
                "permalink_url": f"https://www.facebook.com/{page_id}/posts/{number}",
                "photo": edge == "photos",
            }
            posts.insert(0, post)
        if edge == "photos":
            return self._reply(200, {"id": str(number + 1), "post_id": post["id"]}, page_id)
        return self._reply(200, {"id": post["id"]}, page_id)

    def _fb_feed(self, page_id: str) -> None:
        if not self._fb_auth(page_id):
            return None
        limit = int(self._query().get("limit", "25") or 25)
        with self.platforms.lock:
            data = [
                {k: p[k] for k in ("id", "message", "created_time", "permalink_url")}
                for p in self.platforms.pub.fb_posts.get(page_id, [])[:limit]
            ]
        self._send(200, {"data": data, "paging": {}}, self._usage_headers(self._usage, page_id))

    # --- Zalo ------------------------------------------------------------------------------------
    def _zalo_oa(self) -> str | None:
        token = self.headers.get("access_token", "")
        self._log("zalo", token)
        with self.platforms.lock:
            entry = self.platforms.state.zalo_access.get(token)
        if entry is None:
            self._send(200, {"error": -216, "message": "Access token is invalid"})
            return None
        if entry[1] <= time.time():
            self._send(200, {"error": -124, "message": "Access token has expired"})
            return None
        return entry[0]

    def _zalo_create(self) -> None:
        oa_id = self._zalo_oa()
        if oa_id is None:
            return None
        fields = self._fields()
        title = str(fields.get("title", ""))
        if not title or not fields.get("body"):
            return self._send(200, {"error": -201, "message": "Parameters are invalid"})
        article_id = secrets.token_hex(12)
        job = secrets.token_urlsafe(16)
        with self.platforms.lock:
            self.platforms.pub.zalo_articles.setdefault(oa_id, []).insert(
                0,
                {
                    "id": article_id,
                    "title": title,
                    "status": "show",
                    "create_date": int(time.time() * 1000),
                    "link": f"https://zalo.me/{oa_id}/article/{article_id}",
                },
            )
            self.platforms.pub.zalo_jobs[job] = (oa_id, article_id)
        self._reply(200, {"data": {"token": job}, "error": 0, "message": "Success"})

    def _zalo_verify(self) -> None:
        oa_id = self._zalo_oa()
        if oa_id is None:
            return None
        job = str(self._fields().get("token", ""))
        with self.platforms.lock:
            entry = self.platforms.pub.zalo_jobs.get(job)
        if entry is None or entry[0] != oa_id:
            return self._send(200, {"error": -201, "message": "Token is invalid"})
        self._send(200, {"data": {"id": entry[1]}, "error": 0, "message": "Success"})

    def _zalo_list(self) -> None:
        oa_id = self._zalo_oa()
        if oa_id is None:
            return None
        query = self._query()
        offset, limit = int(query.get("offset", "0") or 0), int(query.get("limit", "10") or 10)
        with self.platforms.lock:
            medias = list(self.platforms.pub.zalo_articles.get(oa_id, []))
        self._send(
            200,
            {
                "data": {"medias": medias[offset : offset + limit], "total": len(medias)},
                "error": 0,
                "message": "Success",
            },
        )


PublishingPlatforms.handler_base = _PublishingHandler
