"""The scoring recognises each trick of an impersonator, and leaves unrelated and parody pages below it."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from ketnoi.lookalike import pictures
from ketnoi.lookalike.index import OfficialIndex
from ketnoi.lookalike.scoring import Candidate, Official, score
from ketnoi.lookalike.skeleton import name_key, skeleton

POLICE = Official.make(
    page_id=1,
    name="Công an tỉnh Bình Phước",
    url="https://facebook.com/congantinhbinhphuoc",
    canonical_url="facebook.com/congantinhbinhphuoc",
    platform="facebook_page",
)
PRIDE = Official.make(
    page_id=2,
    name="Tự hào Bình Phước",
    url="https://facebook.com/tuhaobinhphuoc",
    canonical_url="facebook.com/tuhaobinhphuoc",
    platform="facebook_page",
)
PORTAL = Official.make(
    page_id=3,
    name="Cổng thông tin điện tử tỉnh Bình Phước",
    url="https://binhphuoc.gov.vn",
    canonical_url="binhphuoc.gov.vn",
    platform="website",
)


def test_styled_confusable_and_folded_names_share_one_key() -> None:
    assert name_key("𝐁á𝐨 Bình Phước") == "bao binh phuoc"
    assert name_key("Báo Bіnh Phư0c") == "bao binh phuoc"  # Cyrillic і and a zero
    assert name_key("ĐÀI PT-TH BÌNH PHƯỚC") == "dai pt th binh phuoc"
    assert skeleton("rn") == skeleton("m")


@pytest.mark.parametrize(
    ("name", "trick"),
    [
        ("Tư hào Bình Phứơc", "diacritics"),
        ("Tự hаo Bình Phước", "confusables"),
        ("Tự hào Bình Phước chính thức", "added_words:chinh thuc"),
        ("Tự hào Bình Phước Official", "added_words:official"),
        ("Tự.hào Bình Phước", None),
        ("Tự hào Bình Phước 2", "digits_or_dots"),
        ("Tự hàoo Bình Phước", "doubled_letters"),
        ("Tự hào Bình Phưcơ", "swapped_letters"),
    ],
)
def test_each_trick_scores_above_the_default_threshold_and_is_named(name: str, trick: str | None) -> None:
    signals = score(Candidate(name=name), PRIDE)
    assert signals.combined >= 0.85
    if trick:
        assert trick in signals.tricks
    assert signals.reasons[0].startswith("Tên giống")  # the reasons are in Vietnamese


def test_a_page_about_the_same_place_is_not_a_lookalike() -> None:
    assert score(Candidate(name="Du lịch Bình Phước"), PRIDE).combined < 0.85
    assert score(Candidate(name="Quán cơm Tự Hào Đồng Xoài"), PRIDE).combined < 0.85


def test_a_fan_page_is_marked_and_scored_down() -> None:
    signals = score(Candidate(name="Hội những người yêu Tự hào Bình Phước"), PRIDE)
    assert signals.parody
    assert signals.combined < 0.85


def test_a_handle_with_an_added_word_resembles_the_official_handle() -> None:
    candidate = Candidate(canonical_url="facebook.com/congantinhbinhphuoc.official", platform="facebook_page")
    signals = score(candidate, POLICE)
    assert signals.handle is not None and signals.handle >= 0.95
    assert "added_words:official" in signals.tricks


@pytest.mark.parametrize(
    ("host", "trick"),
    [
        ("binhphuoc.gov.vn.thongbao.xyz", "official_domain_inside"),
        ("binhphuoc.com.vn", "other_ending"),
        ("blnhphuoc.gov.vn", "one_letter_changed"),
        ("binhphuoc-gov.vn", "official_name_inside"),
    ],
)
def test_look_alike_domains_of_an_official_site(host: str, trick: str) -> None:
    signals = score(Candidate(canonical_url=host, platform="website"), PORTAL)
    assert signals.domain is not None and signals.domain >= 0.9
    assert trick in signals.tricks


def test_the_official_site_itself_is_not_its_own_lookalike() -> None:
    assert (
        score(Candidate(canonical_url="binhphuoc.gov.vn/tin-tuc", platform="website"), PORTAL).domain is None
    )


def _picture(seed: int, *, size: int = 200) -> bytes:
    """A blocky picture of its own (8 x 8 random shades) drawn at ``size`` pixels."""
    rng = random.Random(seed)
    small = Image.new("RGB", (8, 8))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64)])
    out = io.BytesIO()
    small.resize((size, size), Image.Resampling.BILINEAR).save(out, format="PNG")
    return out.getvalue()


def test_a_copied_avatar_is_near_and_another_picture_is_far() -> None:
    original = pictures.hashes(pictures.checked(_picture(1), name="a.png", field="avatar"))
    copy = pictures.hashes(pictures.checked(_picture(1, size=150), name="b.png", field="avatar"))
    other = pictures.hashes(pictures.checked(_picture(5), name="c.png", field="avatar"))
    official = Official.make(
        page_id=2,
        name=PRIDE.name,
        url=PRIDE.url,
        canonical_url=PRIDE.canonical_url,
        platform=PRIDE.platform,
        avatar_phash=original[0],
        avatar_dhash=original[1],
    )
    near = score(Candidate(name="Tin mới", avatar_phash=copy[0], avatar_dhash=copy[1]), official)
    far = score(Candidate(name="Tin mới", avatar_phash=other[0], avatar_dhash=other[1]), official)
    assert near.avatar_distance is not None and far.avatar_distance is not None
    assert near.avatar_distance <= 6 < far.avatar_distance


def test_the_index_finds_the_imitated_page_among_many() -> None:
    many = [
        Official.make(
            page_id=100 + i,
            name=f"Công an xã Số {i}",
            url=f"https://facebook.com/caxa{i}",
            canonical_url=f"facebook.com/caxa{i}",
            platform="facebook_page",
        )
        for i in range(2000)
    ]
    index = OfficialIndex([*many, POLICE, PRIDE, PORTAL])
    best = index.best(Candidate(name="Công аn tỉnh Bình Phước chính thức"), limit=3)
    assert best[0].official.page_id == 1
    assert best[0].signals.combined >= 0.95
