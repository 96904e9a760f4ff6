"""Posting to the platforms, on top of the connectors' clients (same HTTP layer, tokens and base URLs).

Facebook Pages (Graph API):

* feed post   ``POST /{page-id}/feed`` (``message``, optional ``link``) -> ``{"id": "{page-id}_{post-id}"}``
* photo post  ``POST /{page-id}/photos`` (multipart ``source`` + ``caption``) -> ``{"id", "post_id"}``
* recent posts ``GET /{page-id}/feed?fields=id,message,created_time,permalink_url&limit=N`` (reconciliation)

Zalo Official Account (OA API v2.0, JSON bodies, header ``access_token``):

* ``POST /v2.0/article/create`` -> ``{"error": 0, "data": {"token"}}``, then ``POST /v2.0/article/verify``
  with the token -> ``{"error": 0, "data": {"id"}}``
* ``GET /v2.0/article/getslice?offset=0&limit=N&type=normal`` -> ``{"data": {"medias": [...]}}``

No platform takes an idempotency key for a post, so a call whose answer was lost is settled by reading the
page's recent posts for this publication's text (``find``) before any new call. Every answer's usage
(Meta's ``X-App-Usage`` and ``X-Business-Use-Case-Usage``) is handed back for pacing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import httpx

from ketnoi.connectors.clients.base import HttpClient, json_body, retry_after_seconds, to_int
from ketnoi.connectors.clients.facebook import graph_error
from ketnoi.connectors.clients.zalo import zalo_error
from ketnoi.connectors.errors import ConnectorError, PlatformError, RateLimited

# Graph codes that mean the post itself was refused (abusive/blocked content, bad photo, bad parameter).
CONTENT_REFUSED_CODES = frozenset({368, 1366046, 324, 100})
DUPLICATE_POST_CODE = 506  # "Duplicate status message": the same text was just posted to this page


class ContentRefused(ConnectorError):
    code = "content_refused"
    retryable = False


class Duplicate(ConnectorError):
    """The platform says this exact post is already there: find it instead of posting again."""

    code = "duplicate"


@dataclass(frozen=True)
class Posted:
    post_id: str
    url: str


@dataclass(frozen=True)
class Usage:
    percent: int = 0
    wait_seconds: int = 0


@dataclass(frozen=True)
class Post:
    """What the publisher sends: the text for this platform, an optional title, image and link."""

    text: str
    title: str = ""
    image: tuple[str, bytes] | None = None  # (file name, JPEG bytes)
    image_url: str = ""
    link: str = ""


def meta_usage(headers: httpx.Headers) -> Usage:
    """Highest usage in per cent over Meta's two usage headers, and the wait they announce (seconds)."""
    highest = 0
    wait = 0
    raw_app = headers.get("x-app-usage")
    if raw_app:
        try:
            app = json.loads(raw_app)
            highest = max(
                highest, *(int(app.get(k, 0)) for k in ("call_count", "total_time", "total_cputime"))
            )
        except (ValueError, TypeError, AttributeError):
            pass
    raw_buc = headers.get("x-business-use-case-usage")
    if raw_buc:
        try:
            for entries in json.loads(raw_buc).values():
                for entry in entries:
                    highest = max(
                        highest,
                        *(int(entry.get(k, 0)) for k in ("call_count", "total_time", "total_cputime")),
                    )
                    wait = max(wait, int(entry.get("estimated_time_to_regain_access", 0)) * 60)
        except (ValueError, TypeError, AttributeError):
            pass
    after = to_int(headers.get("retry-after"))
    if after:
        wait = max(wait, after) if wait else after
    return Usage(highest, wait)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None


class FacebookPublisher:
    def __init__(self, base_url: str, **http: Any) -> None:
        self.http = HttpClient(base_url, **http)
        self.last_usage = Usage()

    def close(self) -> None:
        self.http.close()

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        self.last_usage = meta_usage(response.headers)
        body = json_body(response)
        if response.status_code >= 400 or "error" in body:
            error = graph_error(response, body)
            code = to_int((body.get("error") or {}).get("code"))
            if isinstance(error, RateLimited):
                error.retry_after = retry_after_seconds(response) or self.last_usage.wait_seconds or 60
                raise error
            if code == DUPLICATE_POST_CODE:
                raise Duplicate(error.detail, platform_code=code, http_status=response.status_code)
            if code in CONTENT_REFUSED_CODES and response.status_code < 500 and type(error) is PlatformError:
                raise ContentRefused(error.detail, platform_code=code, http_status=response.status_code)
            raise error
        return body

    def publish(self, page_id: str, token: str, post: Post) -> Posted:
        auth = {"Authorization": f"Bearer {token}"}
        if post.image is not None:
            name, content = post.image
            response = self.http.request(
                "POST",
                f"{page_id}/photos",
                headers=auth,
                data={"caption": post.text, "published": "true"},
                files={"source": (name, content, "image/jpeg")},
                retry=False,
            )
            body = self._check(response)
            post_id = str(body.get("post_id") or f"{page_id}_{body.get('id', '')}")
        else:
            data = {"message": post.text, "published": "true"}
            if post.link:
                data["link"] = post.link
            response = self.http.request("POST", f"{page_id}/feed", headers=auth, data=data, retry=False)
            body = self._check(response)
            post_id = str(body.get("id", ""))
        if not post_id or post_id.endswith("_"):
            raise PlatformError("no post id in the answer", http_status=response.status_code)
        return Posted(post_id, post_url_facebook(post_id))

    def find(self, page_id: str, token: str, post: Post, since: dt.datetime) -> Posted | None:
        """The page's post with this text made since ``since`` (minus clock skew), if any."""
        response = self.http.request(
            "GET",
            f"{page_id}/feed",
            params={"fields": "id,message,created_time,permalink_url", "limit": 50},
            headers={"Authorization": f"Bearer {token}"},
            retry=False,
        )
        body = self._check(response)
        floor = since - dt.timedelta(minutes=10)
        for item in body.get("data") or []:
            created = _parse_time(item.get("created_time"))
            if created is not None and created < floor:
                continue
            if _same_text(str(item.get("message", "")), post.text):
                post_id = str(item.get("id", ""))
                return Posted(post_id, str(item.get("permalink_url") or post_url_facebook(post_id)))
        return None


def post_url_facebook(post_id: str) -> str:
    page, _, story = post_id.partition("_")
    return (
        f"https://www.facebook.com/{page}/posts/{story}" if story else f"https://www.facebook.com/{post_id}"
    )


class ZaloPublisher:
    def __init__(self, oa_url: str, **http: Any) -> None:
        self.http = HttpClient(oa_url, **http)
        self.last_usage = Usage()

    def close(self) -> None:
        self.http.close()

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        body = json_body(response)
        code = to_int(body.get("error"))
        if response.status_code >= 400 or code not in (0, None):
            error = zalo_error(response, body)
            if isinstance(error, RateLimited):
                error.retry_after = retry_after_seconds(response) or 60
            elif code is not None and code in (-201, -209, -210) and response.status_code < 500:
                raise ContentRefused(error.detail, platform_code=code, http_status=response.status_code)
            raise error
        return body

    def publish(self, page_id: str, token: str, post: Post) -> Posted:
        article: dict[str, Any] = {
            "type": "normal",
            "title": post.title[:150],
            "author": "",
            "description": post.text[:300],
            "body": [{"type": "text", "content": post.text}],
            "status": "show",
            "comment": "show",
        }
        if post.image_url:
            article["cover"] = {"cover_type": "photo", "photo_url": post.image_url, "status": "show"}
        headers = {"access_token": token}
        body = self._check(
            self.http.request("POST", "v2.0/article/create", headers=headers, json=article, retry=False)
        )
        job = str((body.get("data") or {}).get("token", ""))
        verified = self._check(
            self.http.request(
                "POST", "v2.0/article/verify", headers=headers, json={"token": job}, retry=False
            )
        )
        article_id = str((verified.get("data") or {}).get("id", ""))
        if not article_id:
            raise PlatformError("no article id in the answer")
        return Posted(article_id, f"https://zalo.me/{page_id}/article/{article_id}")

    def find(self, page_id: str, token: str, post: Post, since: dt.datetime) -> Posted | None:
        response = self.http.request(
            "GET",
            "v2.0/article/getslice",
            params={"offset": 0, "limit": 50, "type": "normal"},
            headers={"access_token": token},
            retry=False,
        )
        body = self._check(response)
        floor = (since - dt.timedelta(minutes=10)).timestamp() * 1000
        for item in (body.get("data") or {}).get("medias") or []:
            created = to_int(item.get("create_date"))
            if created is not None and created < floor:
                continue
            if _same_text(str(item.get("title", "")), post.title[:150]):
                article_id = str(item.get("id", ""))
                link = str(item.get("link") or f"https://zalo.me/{page_id}/article/{article_id}")
                return Posted(article_id, link)
        return None
