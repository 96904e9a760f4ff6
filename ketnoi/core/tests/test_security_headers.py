"""Every route answers with a Content-Security-Policy that allows no inline script, a Permissions-Policy,
and ``Cache-Control: no-store`` whenever a signed-in person or the API is answered.

The routes are found by walking the URL resolver (every page, API operation and file download), so a
new route is checked the day it is added. The HTML of every page is also read for what the policy would
block: a ``<script>`` without ``src`` or an ``on...=`` event-handler attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
_OPTIONAL_VERSION = re.compile(r"\(\?:\\d\{2\}/\)\?")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str, ids: dict[str, str]) -> str | None:
    if route.startswith("^"):
        # The DHIS2-compatible mount's prefix takes an optional API version (/api/ and /api/40/): ask the
        # unversioned address. Any other regular expression left over cannot be filled in safely.
        route = _OPTIONAL_VERSION.sub("", route.replace("^", "").replace("$", ""))
        if set(route) & set("()[]?*+\\|"):
            return None

    def fill(match: re.Match[str]) -> str:
        kind, name = match.group(1) or "str", match.group(2)
        if name in ids:
            return ids[name]
        return "1" if kind == "int" else {"path": "x/y", "slug": "bp"}.get(kind, "BP")

    return "/" + _CONVERTER.sub(fill, route)


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def test_the_walk_finds_every_part_of_the_product() -> None:
    assert [r for r in ROUTES if _concrete(r, {}) is None] == []  # every route can be asked
    joined = " ".join(ROUTES)
    for part in ("pages/", "reports/", "directives/", "units/", "accounts/", "public/", "api/v1/"):
        assert part in joined
    assert len(ROUTES) > 100


@pytest.fixture
def signed_in(web_as: Any, admin_user: Any) -> Any:
    return web_as(admin_user)


def _check(response: Any, route: str, *, private: bool) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict([*d.strip().split(" ", 1), ""][:2] for d in policy.split(";") if d.strip())
    assert "script-src" in directives, route
    assert "'unsafe-inline'" not in directives["script-src"], route
    assert "'unsafe-eval'" not in directives["script-src"], route
    assert directives.get("object-src") == "'none'", route
    assert directives.get("frame-ancestors") == "'none'", route
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), route
    if private:
        cache = response.headers.get("Cache-Control", "")
        assert "no-store" in cache or "public" in cache, (route, cache)
    if "text/html" in response.headers.get("Content-Type", "") and not response.streaming:
        html = response.content.decode("utf-8", "replace")
        assert not _INLINE_SCRIPT.search(html), (route, _INLINE_SCRIPT.search(html))
        assert not _HANDLER.search(html), (route, _HANDLER.search(html))


def test_every_route_answers_a_signed_in_person_with_the_security_headers(signed_in: Any) -> None:
    signed_in.raise_request_exception = False  # a view's own error still answers, and with the headers
    checked = 0
    for route in ROUTES:
        path = _concrete(route, {})
        if path is None or "logout" in path:
            continue
        response = signed_in.get(path)
        _check(response, route, private=True)
        checked += 1
    assert checked == len(ROUTES) - sum("logout" in r for r in ROUTES)


def test_every_route_answers_a_visitor_with_the_security_headers(client: Any, db: Any) -> None:
    client.raise_request_exception = False
    for route in ROUTES:
        path = _concrete(route, {})
        if path is None:
            continue
        response = client.get(path)
        _check(response, route, private=path.startswith("/api/"))


def test_a_signed_in_page_and_an_api_answer_are_never_stored(
    signed_in: Any, admin_user: Any, api_as: Any
) -> None:
    assert signed_in.get("/").headers["Cache-Control"] == "no-store"
    assert api_as(admin_user).get("units").headers["Cache-Control"] == "no-store"


def test_vendored_javascript_keeps_its_public_caching(signed_in: Any) -> None:
    response = signed_in.get(reverse("core:plotly_js"))
    assert "public" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]
