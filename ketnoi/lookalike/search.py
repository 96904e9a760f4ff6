"""The platform's page search, where its API allows it: an HTTP client (httpx) for the Graph API shape.

``GET {base}/pages/search?q=<text>&fields=id,name,link&limit=25`` with ``Authorization: Bearer <token>``
answers ``{"data": [{"id", "name", "link"}], "paging": {"next": <url>}}``. Errors come as
``{"error": {"code", "error_subcode", "message"}}``: code 190 is an expired or revoked token, HTTP 429 (or
codes 4, 17, 32, 613) a rate limit with ``Retry-After``. Each is turned into a domain error with a message
in the reader's language; the client never retries on its own (the office runs the search again later).
The base address is ``KETNOI_LOOKALIKE_SEARCH_URL`` (tests point it at tests/fakes/page_search.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ApplicationError, RateLimited, ValidationError

MAX_PAGES = 4  # pages of results followed per query (25 results each)
RATE_CODES = {4, 17, 32, 613}


class SearchUnavailable(ApplicationError):
    status = 503
    code = "search_unavailable"


@dataclass(frozen=True)
class Found:
    platform_id: str
    name: str
    link: str


class PageSearch:
    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = (base_url if base_url is not None else settings.KETNOI_LOOKALIKE_SEARCH_URL).rstrip(
            "/"
        )
        self.token = token if token is not None else settings.KETNOI_LOOKALIKE_SEARCH_TOKEN
        self.timeout = timeout
        if not self.base_url or not self.token:
            raise ValidationError(
                _("The platform's page search is not configured (address and token)."),
                fields={"search": _("Not configured.")},
            )

    def search(self, query: str) -> list[Found]:
        found: list[Found] = []
        url: str | None = f"{self.base_url}/pages/search"
        params: dict[str, Any] | None = {"q": query[:100], "fields": "id,name,link", "limit": 25}
        with httpx.Client(timeout=self.timeout, headers={"Authorization": f"Bearer {self.token}"}) as client:
            for _page in range(MAX_PAGES):
                if url is None:
                    break
                try:
                    response = client.get(url, params=params)
                except httpx.HTTPError as exc:
                    raise SearchUnavailable(_("The platform's page search cannot be reached.")) from exc
                body = self._body(response)
                found.extend(
                    Found(str(item.get("id", "")), str(item["name"])[:255], str(item["link"])[:500])
                    for item in body.get("data", [])
                    if isinstance(item, dict) and item.get("name") and item.get("link")
                )
                next_url = (body.get("paging") or {}).get("next")
                url = next_url if isinstance(next_url, str) and next_url.startswith(self.base_url) else None
                params = None
        return found

    def _body(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        error = body.get("error") if isinstance(body.get("error"), dict) else None
        code = error.get("code") if error else None
        if response.status_code == 429 or code in RATE_CODES:
            retry = response.headers.get("Retry-After", "")
            raise RateLimited(
                _("The platform limits its page search for now; try again in %(s)s seconds.")
                % {"s": retry if retry.isdigit() else "60"}
            )
        if code == 190 or response.status_code == 401:
            raise ValidationError(
                _("The page search token has expired or was revoked; enter a new one."),
                fields={"token": _("Expired or revoked.")},
            )
        if response.status_code >= 400 or error:
            raise SearchUnavailable(
                _("The platform's page search answered with an error (HTTP %(status)s).")
                % {"status": response.status_code}
            )
        return body
