"""Screens: library, story page, calendar (conflicts, empty days, move), publish pack, share kits counted
per unit only."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.publishing.models import KitCount, KitLink, Publication
from ketnoi.publishing.services import kits, publications, stories

pytestmark = pytest.mark.django_db


def _manual_page(unit, name="TikTok huyện", handle="bgm"):
    from ketnoi.pages.services import page_register

    return page_register(
        unit=unit, platform="tiktok", name=name, url=f"https://www.tiktok.com/@{handle}", by=SYSTEM
    )


def test_the_library_finds_stories_without_diacritics(web_as, bob, approved_story):
    approved_story()
    page = web_as(bob).get("/publishing/", {"q": "phu nghia"})
    assert page.status_code == 200
    assert "Gương sáng ở xã Phú Nghĩa" in page.content.decode()


def test_charlie_cannot_open_bobs_story_page(web_as, bob, charlie):
    story = stories.story_create(unit=bob.unit, title="Riêng", body="x", by=bob)
    assert web_as(charlie).get(f"/publishing/stories/{story.pk}/").status_code == 403
    answer = web_as(charlie).post(f"/publishing/stories/{story.pk}/submit/")
    assert answer.status_code == 403


def test_the_editor_writes_a_story_with_an_image_through_the_form(web_as, bob):
    from PIL import Image

    raw = io.BytesIO()
    Image.new("RGB", (300, 200)).save(raw, format="PNG")
    raw.seek(0)
    raw.name = "anh.png"
    answer = web_as(bob).post(
        "/publishing/stories/new/",
        {"unit": "BP-BGM", "title": "Cầu mới", "body": "Khánh thành cầu.", "tags": ["event"], "images": raw},
    )
    assert answer.status_code == 302
    from ketnoi.publishing.models import Story

    story = Story.objects.get(title="Cầu mới")
    assert story.images.count() == 1 and story.tags == ["event"]


def test_the_calendar_shows_conflicts_and_empty_days_and_a_publication_can_be_moved(
    web_as, bob, approved_story, unit
):
    page = _manual_page(unit("BP-BGM"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9, 0)))
    first = publications.publication_schedule(story=approved_story(), pages=[page], at=at, by=bob)[0]
    publications.publication_schedule(story=approved_story(title="Tin thứ hai"), pages=[page], at=at, by=bob)
    html = (
        web_as(bob)
        .get("/publishing/calendar/", {"unit": "BP-BGM", "day": tomorrow.isoformat()})
        .content.decode()
    )
    assert "cal-day" in html and "conflict" in html and "Không có bài" in html
    later = tomorrow + dt.timedelta(days=2)
    web_as(bob).post(f"/publishing/publications/{first.pk}/move/", {"day": later.isoformat()})
    first.refresh_from_db()
    assert timezone.localtime(first.due_at).date() == later
    week = web_as(bob).get("/publishing/calendar/", {"unit": "BP-BGM", "view": "week"})
    assert week.status_code == 200


def test_a_page_without_api_gets_a_publish_pack_and_is_marked_as_posted(web_as, bob, approved_story, unit):
    page = _manual_page(unit("BP-BGM"))
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=timezone.now(), by=bob)
    pack = web_as(bob).get(f"/publishing/publications/{p.pk}/pack/")
    with zipfile.ZipFile(io.BytesIO(pack.content)) as z:
        assert "Gương sáng" in z.read("noi-dung.txt").decode()
    web_as(bob).post(
        f"/publishing/publications/{p.pk}/posted/", {"post_url": "https://www.tiktok.com/@bgm/video/9"}
    )
    p.refresh_from_db()
    assert p.status == "published" and p.post_url.endswith("/9")


def test_a_share_kit_counts_views_and_share_presses_per_unit_only(client, web_as, bob, approved_story, unit):
    story = approved_story()
    kit = kits.kit_create(
        story=story,
        units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")],
        caption="Mời chia sẻ",
        link="https://bgm.gov.vn/a",
        by=bob,
    )
    link = KitLink.objects.get(kit=kit, unit=unit("BP-BGM-XPN"))
    for _ in range(3):
        assert client.get(f"/k/{link.token}/").status_code == 200
    client.post(f"/k/{link.token}/share/")
    [row] = KitCount.objects.filter(kit=kit)
    assert (row.unit.code, row.views, row.shares) == ("BP-BGM-XPN", 3, 1)
    # Nothing about a person is stored with a count: the table has no column for one.
    assert {f.name for f in KitCount._meta.get_fields()} == {"id", "kit", "unit", "day", "views", "shares"}
    html = web_as(bob).get("/publishing/kits/").content.decode()
    assert "Xã Phú Nghĩa" in html
    assert client.get("/k/not-a-token/").status_code == 404


def test_the_kit_page_asks_for_no_account(client, bob, approved_story, unit):
    kit = kits.kit_create(
        story=approved_story(), units=[unit("BP-BGM")], caption="c", link="https://bgm.gov.vn/a", by=bob
    )
    token = KitLink.objects.get(kit=kit).token
    html = client.get(f"/k/{token}/").content.decode()
    inputs = re.findall(r"<input[^>]*>", html) + re.findall(r"<textarea", html)
    assert all('type="hidden"' in tag for tag in inputs)  # no field to type anything into


def test_failed_pages_show_the_reason_in_vietnamese(web_as, bob, approved_story, fb_page, fake):
    from ketnoi.publishing.services import delivery

    page = fb_page(3)
    fake.expire_token("EAAB-page-token-0003")
    story = approved_story()
    [p] = publications.publication_schedule(story=story, pages=[page], at=timezone.now(), by=bob)
    delivery.publication_execute(p.pk)
    html = web_as(bob).get(f"/publishing/stories/{story.pk}/").content.decode()
    assert "hết hạn" in html
    assert Publication.objects.get(pk=p.pk).status == "failed"
