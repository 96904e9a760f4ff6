"""plotly is served compressed, under an address that changes with its version, cached for a year; its
toolbar speaks Vietnamese from a locale file of our own; long lists of the pages screens are paged
(issue 11 items 10 and 11)."""

from __future__ import annotations

import gzip
from typing import Any

from django.urls import reverse

from ketnoi.core.views import PLOTLY_VERSION


def test_plotly_is_gzipped_versioned_and_immutable(client: Any, db: Any) -> None:
    url = reverse("core:plotly_js")
    assert PLOTLY_VERSION in url
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert "immutable" in packed["Cache-Control"] and "max-age=31536000" in packed["Cache-Control"]
    assert "Accept-Encoding" in packed["Vary"]


def test_chart_pages_load_the_vietnamese_plotly_locale(unit: Any, alice: Any, web_as: Any) -> None:
    html = web_as(alice).get("/pages/dashboard/", {"unit": "BP"}).content.decode()
    assert "plotly-locale-vi" in html and "cdn" not in html.lower()


def test_the_checklist_is_paged(unit: Any, alice: Any, web_as: Any) -> None:
    from ketnoi.pages import services
    from ketnoi.pages.views import CHECKLIST_PAGE

    for i in range(CHECKLIST_PAGE + 3):  # no administrator recorded: each fails the checklist
        services.page_register(
            unit=unit("BP-BGM"),
            platform="facebook_page",
            name=f"Trang {i:02d}",
            url=f"facebook.com/t{i}",
            by=alice,
        )
    first = web_as(alice).get("/pages/checklist/", {"unit": "BP"}).content.decode()
    assert first.count('href="/pages/') - first.count('href="/pages/checklist') >= CHECKLIST_PAGE
    assert "Trang 1 / 2" in first
    second = web_as(alice).get("/pages/checklist/", {"unit": "BP", "page": 2}).content.decode()
    assert "Trang 27" in second and "Trang 00" not in second
