"""Fixtures of the publishing tests: the fake platforms (with posting) on 127.0.0.1, pages with tokens,
an approver, and stories built through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from tests.fakes.publish import PublishingPlatforms


@pytest.fixture
def fake(settings: Any) -> Iterator[PublishingPlatforms]:
    platforms = PublishingPlatforms().start()
    for name, url in platforms.urls().items():
        setattr(settings, name, url)
    settings.KETNOI_CONNECTOR_HTTP = {"sleep": lambda seconds: None}
    settings.KETNOI_PUBLISH_TIMEOUT_SECONDS = 1
    settings.KETNOI_PUBLISH_LEASE_SECONDS = 3
    settings.KETNOI_PUBLISH_BACKOFF_SECONDS = 0
    yield platforms
    platforms.stop()


@pytest.fixture
def approver(make_person: Callable[..., Any]) -> Any:
    """The approver of Huyện Bù Gia Mập."""
    return make_person("dung", "BP-BGM", [("approver", "BP-BGM")])


@pytest.fixture
def fb_page(province: Any, fake: PublishingPlatforms) -> Callable[..., Any]:
    """A Facebook page of a unit, known to the fake Graph API, with its token stored."""
    from ketnoi.connectors.services import credential_set
    from ketnoi.pages.services import page_register
    from ketnoi.units.models import Unit

    def make(number: int, unit_code: str = "BP-BGM") -> Any:
        page_id = f"{100000000000000 + number}"
        token = f"EAAB-page-token-{number:04d}"
        fake.add_facebook_page(page_id, token, name=f"Trang {number}")
        page = page_register(
            unit=Unit.objects.get(code=unit_code),
            platform="facebook_page",
            name=f"Trang tin {number}",
            url=f"https://www.facebook.com/{page_id}",
            platform_id=page_id,
            by=SYSTEM,
        )
        credential_set(page=page, access_token=token, expires_at=None, by=SYSTEM)
        return page

    return make


@pytest.fixture
def approved_story(bob: Any, approver: Any) -> Callable[..., Any]:
    from ketnoi.publishing.services import stories

    def make(
        title: str = "Gương sáng ở xã Phú Nghĩa", body: str = "Ông Điểu Lên hiến 500 m² đất làm đường."
    ) -> Any:
        story = stories.story_create(unit=bob.unit, title=title, body=body, tags=["good_deeds"], by=bob)
        stories.story_submit(story=story, by=bob)
        return stories.story_approve(story=story, by=approver)

    return make


def soon(minutes: int = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.fixture
def make_page_zalo(province: Any, fake: PublishingPlatforms) -> Callable[..., Any]:
    from ketnoi.connectors.services import credential_set
    from ketnoi.pages.services import page_register
    from ketnoi.units.models import Unit

    def make(oa_id: str = "4300000000000000009") -> Any:
        fake.add_zalo_oa(
            oa_id, app_id="app", secret_key="s", access_token=f"zalo-access-{oa_id}", refresh_token="r"
        )
        page = page_register(
            unit=Unit.objects.get(code="BP-BGM"),
            platform="zalo_oa",
            name="Zalo huyện",
            url=f"https://zalo.me/{oa_id}",
            platform_id=oa_id,
            by=SYSTEM,
        )
        credential_set(page=page, access_token=f"zalo-access-{oa_id}", expires_at=None, by=SYSTEM)
        return page

    return make
