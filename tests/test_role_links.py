"""Show a role only what it can do (issue 11, item 13): each demo role opens the main screens and follows
every internal link on them; none leads to a refusal (403) or an unusable form (422), and nothing fails."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

ROLES = ["admin", "bgm.editor", "dx.editor", "btg.approver", "bgm.admin", "bgm.data", "tinh.viewer"]
MAIN_SCREENS = ["/", "/pages/", "/directives/", "/reporting/", "/units/", "/publishing/", "/accounts/people/"]
SKIP = ("/accounts/logout", "/static/", "/api/", "/i18n/", "/admin/", "/public/", "/media/", "/files/")
HREF = re.compile(r'<a [^>]*href="([^"#]+)"')
PER_KIND = 1  # links of one kind (same path with other ids or unit codes) followed per role


def _links(base: str, html: str) -> set[str]:
    out = set()
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP):
            out.add(path)
    return out


def _kind(path: str) -> str:
    """A link's kind: its path with ids and unit codes blanked, its query's names kept."""
    parts = urlsplit(path)
    segments = ["C" if re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", s) and s else s for s in parts.path.split("/")]
    names = sorted(q.split("=")[0] for q in parts.query.split("&") if q)
    return re.sub(r"\d+", "N", "/".join(segments)) + "?" + "&".join(names)


@pytest.mark.django_db(transaction=True)
def test_no_link_on_the_main_screens_refuses_the_role_that_sees_it(capsys: Any) -> None:
    call_command("demo", no_serve=True)
    capsys.readouterr()
    problems = []
    for username in ROLES:
        client = Client()
        assert client.post("/accounts/login/", {"username": username, "password": "demo"}).status_code == 302
        seen: set[str] = set(MAIN_SCREENS)
        kinds: dict[str, int] = {}
        # Two links deep from the main screens, a few links of each kind.
        queue = [(screen, "menu", 0) for screen in MAIN_SCREENS]
        while queue:
            link, source, depth = queue.pop(0)
            response = client.get(link)
            if response.status_code in (403, 422) or response.status_code >= 500:
                if source != "menu":
                    problems.append(f"{username}: {source} -> {link} answers {response.status_code}")
                continue
            if depth == 2 or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for found in sorted(_links(link, response.content.decode()) - seen):
                seen.add(found)
                kind = _kind(found)
                if kinds.get(kind, 0) < PER_KIND:
                    kinds[kind] = kinds.get(kind, 0) + 1
                    queue.append((found, link, depth + 1))
    assert problems == [], "\n".join(problems)
