from __future__ import annotations

import pytest

from ketnoi.pages.urlnorm import BadAddress, canonical, platform_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://m.facebook.com/TuHaoBinhPhuoc/?ref=x", "facebook.com/tuhaobinhphuoc"),
        ("facebook.com/tuhaobinhphuoc", "facebook.com/tuhaobinhphuoc"),
        ("http://www.facebook.com/TuHaoBinhPhuoc/about#x", "facebook.com/tuhaobinhphuoc"),
        ("https://web.facebook.com/tuhaobinhphuoc/posts/123", "facebook.com/tuhaobinhphuoc"),
        ("fb.com/TuHaoBinhPhuoc", "facebook.com/tuhaobinhphuoc"),
        ("https://www.facebook.com/profile.php?id=100064581&sk=about", "facebook.com/100064581"),
        ("https://www.facebook.com/Tu-Hao-Binh-Phuoc-100064581234567/", "facebook.com/100064581234567"),
        ("https://www.facebook.com/pages/Tu-Hao/100064581234567", "facebook.com/100064581234567"),
        ("https://facebook.com/groups/BinhPhuocXinChao/members", "facebook.com/groups/binhphuocxinchao"),
        ("https://www.youtube.com/@BPTV/videos", "youtube.com/@bptv"),
        ("https://m.youtube.com/channel/UCabcDEF123", "youtube.com/channel/UCabcDEF123"),
        ("https://www.TikTok.com/@TuHao?lang=vi", "tiktok.com/@tuhao"),
        ("https://zalo.me/1234567890", "zalo.me/1234567890"),
        ("https://oa.zalo.me/home/1234567890", "zalo.me/1234567890"),
        ("HTTPS://BinhPhuoc.gov.vn/tin-tuc/?p=1", "binhphuoc.gov.vn/tin-tuc"),
        ("  www.binhphuoc.gov.vn  ", "binhphuoc.gov.vn"),
    ],
)
def test_one_page_typed_many_ways_has_one_canonical_address(url: str, expected: str) -> None:
    assert canonical(url) == expected


def test_youtube_channel_ids_keep_their_case() -> None:
    assert canonical("youtube.com/channel/UCa") != canonical("youtube.com/channel/uca")


@pytest.mark.parametrize("url", ["", "   ", "không phải địa chỉ", "http://"])
def test_text_that_is_not_an_address_is_refused(url: str) -> None:
    with pytest.raises(BadAddress):
        canonical(url)


def test_platform_is_recognised_from_the_address() -> None:
    assert platform_of("m.facebook.com/groups/abc") == "facebook_group"
    assert platform_of("facebook.com/abc") == "facebook_page"
    assert platform_of("youtu.be/x") == "youtube"
    assert platform_of("tiktok.com/@a") == "tiktok"
    assert platform_of("zalo.me/1") == "zalo_oa"
    assert platform_of("binhphuoc.gov.vn") == "website"
