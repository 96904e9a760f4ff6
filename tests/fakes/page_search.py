"""A fake platform page search on 127.0.0.1 (the Graph API ``pages/search`` shape), for the look-alike watch.

``fake.add(id, name, link)`` adds a page; a search answers every page whose name contains each word of
``q`` (case and diacritics ignored), two per response page with a ``paging.next`` address. ``expire()``
makes the token expired (code 190), ``limit_next(n)`` answers 429 with Retry-After n times, ``fail_next``
answers 500.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "fake-search-token"  # the fake's published sample token


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


class FakePageSearch:
    def __init__(self) -> None:
        self.pages: list[dict[str, str]] = []
        self.expired = False
        self.limited = 0
        self.failing = 0
        self.queries: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    def add(self, page_id: str, name: str, link: str) -> None:
        self.pages.append({"id": page_id, "name": name, "link": link})

    def expire(self) -> None:
        self.expired = True

    def limit_next(self, times: int = 1) -> None:
        self.limited = times

    def fail_next(self, times: int = 1) -> None:
        self.failing = times

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v23.0"

    def start(self) -> FakePageSearch:
        fake = self

        class Handler(_Handler):
            search = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    search: FakePageSearch
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path != "/v23.0/pages/search":
            return self._send(404, {"error": {"message": "Unknown path", "code": 803}})
        fake = self.search
        fake.queries.append(query.get("q", ""))
        if self.headers.get("Authorization", "") != f"Bearer {TOKEN}" or fake.expired:
            return self._send(
                400,
                {
                    "error": {
                        "message": "Error validating access token: Session has expired",
                        "type": "OAuthException",
                        "code": 190,
                        "error_subcode": 463,
                    }
                },
            )
        if fake.limited:
            fake.limited -= 1
            return self._send(
                429, {"error": {"message": "Too Many Requests", "code": 4}}, {"Retry-After": "90"}
            )
        if fake.failing:
            fake.failing -= 1
            return self._send(500, {"error": {"message": "An unknown error occurred", "code": 1}})
        words = _fold(query.get("q", "")).split()
        hits = [p for p in fake.pages if all(w in _fold(p["name"]) for w in words)]
        start = int(query.get("after", "0") or 0)
        chunk = hits[start : start + 2]
        body: dict[str, Any] = {"data": chunk, "paging": {}}
        if start + 2 < len(hits):
            nxt = {**query, "after": str(start + 2)}
            host, port = self.server.server_address[:2]
            body["paging"] = {
                "cursors": {"after": str(start + 2)},
                "next": f"http://{host!s}:{port}/v23.0/pages/search?{urlencode(nxt)}",
            }
        self._send(200, body)
