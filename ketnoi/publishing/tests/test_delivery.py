"""Publishing to the fake platforms: one post per page, lost answers settled by reading, clear failures."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ketnoi.core.permissions import SYSTEM
from ketnoi.publishing.models import AttemptOutcome, Publication, PublicationStatus, StoryStatus
from ketnoi.publishing.services import delivery, publications, stories
from tests.fakes.publish import Chaos

from .conftest import soon

pytestmark = pytest.mark.django_db


def _run_until_settled(ids, rounds=20):
    from django.utils import timezone

    for _ in range(rounds):
        open_ids = list(
            Publication.objects.filter(pk__in=ids, status__in=("scheduled", "publishing")).values_list(
                "pk", flat=True
            )
        )
        if not open_ids:
            return
        Publication.objects.filter(pk__in=open_ids).update(next_try_at=timezone.now())
        for pk in open_ids:
            delivery.publication_execute(pk, sleep=lambda s: None)


def test_a_story_is_posted_once_to_each_page_with_its_address(fake, fb_page, approved_story, bob):
    pages = [fb_page(n) for n in range(3)]
    story = approved_story()
    created = publications.publication_schedule(story=story, pages=pages, at=soon(), by=bob)
    story.refresh_from_db()
    assert story.status == StoryStatus.SCHEDULED
    for p in created:
        assert delivery.publication_execute(p.pk) == "published"
        assert delivery.publication_execute(p.pk) is None  # a second delivery of the message does nothing
    for page, p in zip(pages, created, strict=True):
        p.refresh_from_db()
        posts = fake.posts(page.platform_id)
        assert len(posts) == 1 and posts[0]["message"].startswith("Gương sáng ở xã Phú Nghĩa")
        assert p.post_url == posts[0]["permalink_url"]
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED


def test_a_story_with_an_image_becomes_a_photo_post(fake, fb_page, bob, approver):
    page = fb_page(1)
    story = stories.story_create(unit=bob.unit, title="Ảnh", body="Lễ khánh thành cầu.", by=bob)
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, format="JPEG")
    stories.story_image_add(
        story=story, stream=io.BytesIO(out.getvalue()), name="cau.jpg", size=out.tell(), by=bob
    )
    stories.story_approve(story=stories.story_submit(story=story, by=bob), by=approver)
    [p] = publications.publication_schedule(story=story, pages=[page], at=soon(), by=bob)
    assert delivery.publication_execute(p.pk) == "published"
    assert fake.posts(page.platform_id)[0]["photo"] is True


def test_a_request_that_timed_out_after_the_post_was_stored_is_found_not_posted_again(
    fake, fb_page, approved_story, bob
):
    page = fb_page(7)
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    fake.configure(chaos=Chaos(p_timeout_after_store=1.0, hang_seconds=2))
    assert delivery.publication_execute(p.pk) == "publishing"
    p.refresh_from_db()
    assert p.call_started_at is not None and p.error_code == "network_error"
    assert len(fake.posts(page.platform_id)) == 1
    fake.configure(chaos=Chaos())
    _run_until_settled([p.pk])
    p.refresh_from_db()
    assert p.status == PublicationStatus.PUBLISHED and len(fake.posts(page.platform_id)) == 1
    outcomes = list(p.attempt_log.values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.UNKNOWN, AttemptOutcome.FOUND]


def test_a_500_after_the_post_was_stored_is_settled_by_reading_too(fake, fb_page, approved_story, bob):
    page = fb_page(8)
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    fake.configure(chaos=Chaos(p500_after_store=1.0))
    delivery.publication_execute(p.pk)
    fake.configure(chaos=Chaos())
    _run_until_settled([p.pk])
    p.refresh_from_db()
    assert p.status == "published" and len(fake.posts(page.platform_id)) == 1


def test_a_rate_limit_answer_is_retried_later_and_posts_once(fake, fb_page, approved_story, bob):
    page = fb_page(9)
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    fake.configure(chaos=Chaos(p429=1.0))
    delivery.publication_execute(p.pk)
    p.refresh_from_db()
    assert p.error_code == "rate_limited" and p.call_started_at is None  # nothing was posted
    fake.configure(chaos=Chaos())
    _run_until_settled([p.pk])
    p.refresh_from_db()
    assert p.status == "published" and len(fake.posts(page.platform_id)) == 1


def test_an_expired_token_fails_that_page_only_with_a_clear_reason_and_it_can_be_retried_alone(
    fake, fb_page, approved_story, bob
):
    pages = [fb_page(n) for n in range(20, 24)]
    fake.expire_token("EAAB-page-token-0022")
    story = approved_story()
    created = publications.publication_schedule(story=story, pages=pages, at=soon(), by=bob)
    for p in created:
        delivery.publication_execute(p.pk)
    by_status = dict(Publication.objects.filter(story=story).values_list("page__platform_id", "status"))
    assert sorted(by_status.values()) == ["failed", "published", "published", "published"]
    failed = Publication.objects.get(story=story, status="failed")
    assert failed.error_code == "token_expired"
    fake.add_facebook_page(failed.page.platform_id, "EAAB-page-token-0022")  # the token works again
    retried = publications.publication_retry(
        publications=list(Publication.objects.filter(story=story)), by=bob
    )
    assert [r.pk for r in retried] == [failed.pk]
    delivery.publication_execute(failed.pk)
    assert all(len(fake.posts(p.platform_id)) == 1 for p in pages)


def test_content_the_platform_refuses_fails_with_that_reason(fake, fb_page, approved_story, bob):
    page = fb_page(30)
    story = approved_story(title="BLOCKED", body="BLOCKED text")
    [p] = publications.publication_schedule(story=story, pages=[page], at=soon(), by=bob)
    assert delivery.publication_execute(p.pk) == "failed"
    p.refresh_from_db()
    assert p.error_code == "content_refused" and fake.posts(page.platform_id) == []


def test_a_zalo_article_is_published_and_found_again_after_a_lost_answer(
    fake, make_page_zalo, approved_story, bob
):
    page = make_page_zalo()
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    fake.configure(chaos=Chaos(p_timeout_after_store=1.0, hang_seconds=2))
    delivery.publication_execute(p.pk)
    fake.configure(chaos=Chaos())
    _run_until_settled([p.pk])
    p.refresh_from_db()
    assert p.status == "published" and len(fake.articles(page.platform_id)) == 1
    assert p.post_url.startswith("https://zalo.me/")


def test_a_page_without_api_access_is_marked_as_posted_by_hand(province, approved_story, bob):
    from ketnoi.pages.services import page_register

    page = page_register(
        unit=bob.unit, platform="tiktok", name="TikTok huyện", url="https://www.tiktok.com/@bgm", by=SYSTEM
    )
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    assert p.manual
    assert delivery.publication_execute(p.pk) is None  # never claimed by the worker
    done = publications.publication_mark_posted(
        publication=p, post_url="https://www.tiktok.com/@bgm/video/1", by=bob
    )
    assert done.status == "published" and done.post_url.endswith("/video/1")


def test_scheduling_the_same_page_twice_is_refused(fake, fb_page, approved_story, bob):
    from ketnoi.core.exceptions import Conflict

    page = fb_page(40)
    story = approved_story()
    publications.publication_schedule(story=story, pages=[page], at=soon(), by=bob)
    with pytest.raises(Conflict):
        publications.publication_schedule(story=story, pages=[page], at=soon(5), by=bob)


def test_a_draft_cannot_be_scheduled_and_charlie_cannot_schedule_to_bobs_page(
    fake, fb_page, approved_story, bob, charlie
):
    from ketnoi.core.exceptions import Conflict, PermissionDenied

    page = fb_page(41)
    draft = stories.story_create(unit=bob.unit, title="Nháp", body="...", by=bob)
    with pytest.raises(Conflict):
        publications.publication_schedule(story=draft, pages=[page], at=soon(), by=bob)
    with pytest.raises(PermissionDenied):
        publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=charlie)


def test_two_workers_racing_for_one_publication_post_once(fake, fb_page, approved_story, bob):
    page = fb_page(50)
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    assert delivery.claim(p.pk, "w1") is True
    assert delivery.claim(p.pk, "w2") is False


def test_a_demo_token_is_never_sent_to_a_platform_that_is_not_on_this_machine(
    fake, fb_page, approved_story, bob, settings
):
    from ketnoi.connectors.services import credential_set

    page = fb_page(60)
    credential_set(page=page, access_token="demo-token-60", expires_at=None, by=SYSTEM)
    settings.KETNOI_FACEBOOK_GRAPH_URL = "https://graph.facebook.com/v23.0"
    [p] = publications.publication_schedule(story=approved_story(), pages=[page], at=soon(), by=bob)
    calls_before = len(fake.calls())
    assert delivery.publication_execute(p.pk) == "failed"
    p.refresh_from_db()
    assert p.error_code == "demo_no_fake" and len(fake.calls()) == calls_before
