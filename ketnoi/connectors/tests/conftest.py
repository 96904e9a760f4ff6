"""Fixtures of the connector tests: the fake platforms on 127.0.0.1 and pages of each platform."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from tests.fakes.platforms import FakePlatforms


@pytest.fixture
def fake(settings: Any) -> Iterator[FakePlatforms]:
    """The three platforms, served on a free port, with the connectors pointed at them."""
    platforms = FakePlatforms().start()
    for name, url in platforms.urls().items():
        setattr(settings, name, url)
    # No real waiting between retries in tests; everything else as in production.
    settings.KETNOI_CONNECTOR_HTTP = {"sleep": lambda seconds: None}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield platforms
    platforms.stop()


@pytest.fixture
def make_page(province: Any) -> Callable[..., Any]:
    from ketnoi.pages.services import page_register
    from ketnoi.units.models import Unit

    def make(platform: str, platform_id: str, unit_code: str = "BP-BGM", name: str = "") -> Any:
        hosts = {
            "facebook_page": "https://www.facebook.com/",
            "facebook_group": "https://www.facebook.com/groups/",
            "youtube": "https://www.youtube.com/channel/",
            "zalo_oa": "https://zalo.me/",
            "tiktok": "https://www.tiktok.com/@",
            "website": "https://",
        }
        return page_register(
            unit=Unit.objects.get(code=unit_code),
            platform=platform,
            name=name or f"Trang {platform} {platform_id}",
            url=f"{hosts[platform]}{platform_id}" + (".gov.vn" if platform == "website" else ""),
            platform_id=platform_id,
            by=SYSTEM,
        )

    return make
