"""Official pages to imitate, with the standard staff (bob edits Bù Gia Mập, charlie Đồng Xoài)."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from PIL import Image

from ketnoi.pages import services as pages


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def picture(seed: int, *, size: int = 200) -> bytes:
    """A blocky PNG of its own (8 x 8 random shades) drawn at ``size`` pixels."""
    rng = random.Random(seed)
    small = Image.new("RGB", (8, 8))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64)])
    out = io.BytesIO()
    small.resize((size, size), Image.Resampling.BILINEAR).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def official(unit: Any, admin_user: Any) -> dict[str, Any]:
    def register(code: str, name: str, url: str, platform: str = "facebook_page") -> Any:
        page = pages.page_register(unit=unit(code), platform=platform, name=name, url=url, by=admin_user)
        return pages.page_set_status(page=page, status="verified", by=admin_user)

    return {
        "police": register("BP", "Công an tỉnh Bình Phước", "https://facebook.com/congantinhbinhphuoc"),
        "bgm": register("BP-BGM", "Bù Gia Mập Online", "https://facebook.com/bugiamaponline"),
        "dx": register("BP-DX", "Đồng Xoài Ngày Mới", "https://facebook.com/dongxoaingaymoi"),
        "portal": register("BP", "Cổng thông tin tỉnh Bình Phước", "https://binhphuoc.gov.vn", "website"),
    }
