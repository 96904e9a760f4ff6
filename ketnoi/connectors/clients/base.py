"""The HTTP layer shared by the platform clients: time-outs, safe retries with backoff, no token in logs."""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx

from ketnoi.connectors.errors import NetworkError, PlatformError

logger = logging.getLogger("ketnoi.connectors")

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = "KetNoi/1 (+https://github.com/ketnoi) httpx"
# Answers worth one more try for a read: the platform's front end had a passing fault.
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class Figures:
    """What one pull got: the snapshot values (keys of pages.METRIC_KEYS; None = not given) and the
    platform's own figures under their own names, kept on the run for administrators."""

    values: dict[str, int | None]
    raw: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    throttle_seconds: int = 0
    quota_units: int = 0


@cache
def ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle takes ~0.1 s, too slow per pull."""
    return httpx.create_ssl_context()


def to_int(value: Any) -> int | None:
    """Platforms send counts as numbers or strings; anything else is missing (never zero)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


class HttpClient:
    """A thin wrapper over ``httpx.Client``.

    Only idempotent reads are retried, and only after a network fault or a 5xx from the platform's
    front end, with exponential backoff and jitter. Rate limits are never retried here: the scheduler
    waits as long as the platform asks. Writes (token refreshes) are never retried: a Zalo refresh token
    works once, so a retried refresh could burn the pair.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._client = httpx.Client(
            timeout=timeout,
            transport=transport,
            verify=ssl_context(),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        retry: bool | None = None,
    ) -> httpx.Response:
        safe = method.upper() == "GET" if retry is None else retry
        attempts = 1 + (self.retries if safe else 0)
        url = self.url(path)
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.request(
                    method, url, params=params, headers=headers, data=data, json=json, files=files
                )
            except httpx.TimeoutException as exc:
                if attempt < attempts:
                    self._wait(attempt)
                    continue
                raise NetworkError(f"time-out ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                if attempt < attempts:
                    self._wait(attempt)
                    continue
                # The exception text can hold the URL; keep only the kind of fault.
                raise NetworkError(f"connection failed ({type(exc).__name__})") from None
            if response.status_code in TRANSIENT_STATUSES and attempt < attempts:
                logger.info("%s %s answered %s, retrying", method, path.split("?")[0], response.status_code)
                self._wait(attempt)
                continue
            return response
        raise PlatformError("no answer")  # pragma: no cover - the loop always returns or raises

    def _wait(self, attempt: int) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        self.sleep(delay + random.uniform(0, delay / 2))  # noqa: S311 - jitter, not a secret


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an answer, or a PlatformError when the platform sent something else."""
    try:
        body = response.json()
    except ValueError:
        raise PlatformError("the answer is not JSON", http_status=response.status_code) from None
    if not isinstance(body, dict):
        raise PlatformError("unexpected answer shape", http_status=response.status_code)
    return body


def retry_after_seconds(response: httpx.Response) -> int | None:
    raw = response.headers.get("Retry-After", "").strip()
    return int(raw) if raw.isdigit() else None
