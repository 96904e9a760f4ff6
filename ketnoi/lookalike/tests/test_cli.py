"""``ketnoi lookalike-score`` prints the best-matching official pages with their signals as JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from ketnoi.pages.models import PageStatus
from ketnoi.pages.services import page_register


@pytest.fixture
def pages(unit: Any, admin_user: Any) -> None:
    page_register(
        unit=unit("BP"),
        platform="facebook_page",
        name="Công an tỉnh Bình Phước",
        url="https://facebook.com/congantinhbinhphuoc",
        by=admin_user,
        status=PageStatus.VERIFIED,
    )
    page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/bugiamaponline",
        by=admin_user,
    )


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("lookalike-score", *args, stdout=out)
    answer: dict[str, Any] = json.loads(out.getvalue())
    return answer


def test_the_command_names_the_imitated_page_with_its_signals(pages: None) -> None:
    answer = _run("Công аn tỉnh Bình Phước chính thức", "--url", "fb.com/congantinhbinhphuoc.official")
    best = answer["matches"][0]
    assert best["page"]["name"] == "Công an tỉnh Bình Phước"
    assert best["score"] >= 0.95
    assert best["signals"]["handle"] >= 0.95
    assert "confusables" in best["signals"]["tricks"]
    assert any("Tên giống" in reason for reason in best["signals"]["reasons"])


def test_the_command_hashes_an_avatar(pages: None, tmp_path: Path) -> None:
    picture = tmp_path / "avatar.png"
    Image.new("RGB", (64, 64), "navy").save(picture)
    answer = _run("Bu Gia Map Online", "--avatar", str(picture))
    assert len(answer["candidate"]["avatar_phash"]) == 16
    assert answer["matches"][0]["page"]["name"] == "Bù Gia Mập Online"


def test_the_command_refuses_a_personal_profile_and_a_file_that_is_not_a_picture(
    pages: None, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="tài khoản"):
        _run("Công an", "--url", "https://facebook.com/profile.php?id=1000123")
    bad = tmp_path / "avatar.png"
    bad.write_text("not a picture")
    with pytest.raises(CommandError, match=r"avatar\.png"):
        _run("Công an", "--avatar", str(bad))


def test_the_pictures_of_an_official_page_are_recorded_from_the_command_line(
    pages: None, tmp_path: Path
) -> None:
    from ketnoi.pages.models import Page

    picture = tmp_path / "avatar.png"
    Image.new("RGB", (64, 64), "navy").save(picture)
    page = Page.objects.get(name="Bù Gia Mập Online")
    out = io.StringIO()
    call_command("lookalike-picture", str(page.pk), "--avatar", str(picture), stdout=out)
    assert page.lookalike_picture.avatar_phash
    with pytest.raises(CommandError):
        call_command("lookalike-picture", "999999", "--avatar", str(picture))
