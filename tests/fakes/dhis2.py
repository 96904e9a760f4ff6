"""A small fake DHIS2 server on 127.0.0.1 for the sync tests: ``/api/dataValueSets`` (JSON) with HTTP Basic,
``idScheme=CODE``, ``dryRun`` and ``importStrategy``, answering DHIS2's import summary; ``/api/system/info``.
Values are kept by (dataElement, period, orgUnit, categoryOptionCombo) codes."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class FakeDhis2:
    username: str = "sync"
    password: str = "district"
    values: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    posts: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeDhis2:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()
                if self.headers.get("Authorization") == f"Basic {expected}":
                    return True
                self._send(401, {"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR"})
                return False

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path == "/api/system/info":
                    self._send(200, {"version": "2.40.3"})
                    return
                if url.path != "/api/dataValueSets":
                    self._send(404, {"httpStatus": "Not Found", "httpStatusCode": 404})
                    return
                periods = set(query.get("period", []))
                out = [
                    {"dataElement": de, "period": pe, "orgUnit": ou, "categoryOptionCombo": coc, "value": v}
                    for (de, pe, ou, coc), v in sorted(fake.values.items())
                    if not periods or pe in periods
                ]
                self._send(200, {"dataSet": (query.get("dataSet") or [""])[0], "dataValues": out})

            def do_POST(self) -> None:
                if not self._authorised():
                    return
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.posts.append({"query": query, "body": body})
                if url.path != "/api/dataValueSets" or query.get("idScheme") != "CODE":
                    self._send(409, {"status": "ERROR", "message": "expected idScheme=CODE"})
                    return
                counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
                changes: dict[tuple[str, str, str, str], str] = {}
                for v in body.get("dataValues", []):
                    key = (
                        v["dataElement"],
                        v["period"],
                        v["orgUnit"],
                        v.get("categoryOptionCombo") or "default",
                    )
                    old = fake.values.get(key)
                    if old is None:
                        counts["imported"] += 1
                    elif old == str(v["value"]):
                        counts["ignored"] += 1
                        continue
                    else:
                        counts["updated"] += 1
                    changes[key] = str(v["value"])
                if query.get("dryRun") != "true":
                    fake.values.update(changes)
                self._send(
                    200,
                    {
                        "httpStatus": "OK",
                        "httpStatusCode": 200,
                        "status": "OK",
                        "response": {
                            "responseType": "ImportSummary",
                            "status": "SUCCESS",
                            "importCount": counts,
                            "conflicts": [],
                        },
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
