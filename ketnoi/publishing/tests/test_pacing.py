"""Pacing from the platform's usage figures: slows down near the allowance, pauses after a rate limit,
speeds up again when the platform reports room."""

from __future__ import annotations

import pytest

from ketnoi.publishing import pacing
from ketnoi.publishing.models import PublishPace
from ketnoi.publishing.platforms import meta_usage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process():
    pacing.forget()  # each test starts as a new worker process would
    yield
    pacing.forget()


def test_high_usage_spaces_the_calls_and_low_usage_brings_them_back_together(time_machine):
    time_machine.move_to("2026-12-04 08:00:00+00:00", tick=False)
    assert pacing.reserve("facebook_page") == 0.0
    for _ in range(10):
        pacing.observe("facebook_page", usage=99)
        time_machine.shift(pacing.FLUSH_SECONDS)
    slowed = PublishPace.objects.get(platform="facebook_page").interval
    assert slowed > pacing.MIN_INTERVAL
    for _ in range(200):
        time_machine.shift(pacing.FLUSH_SECONDS)
        pacing.observe("facebook_page", usage=10)
    assert PublishPace.objects.get(platform="facebook_page").interval < slowed


def test_one_process_takes_its_slots_in_batches_and_spaces_them(django_assert_max_num_queries):
    PublishPace.objects.create(platform="facebook_page", interval=0.05)
    waits = [pacing.reserve("facebook_page") for _ in range(4)]  # a batch is 0.25 s: 5 slots
    assert waits == sorted(waits) and waits[-1] == pytest.approx(0.15, abs=0.05)
    with django_assert_max_num_queries(1):  # the batch's last slot: a read, no write
        assert pacing.reserve("facebook_page") == pytest.approx(0.2, abs=0.05)


def test_answers_are_brought_to_the_row_at_most_every_flush_period(time_machine):
    time_machine.move_to("2026-12-04 08:00:00+00:00", tick=False)
    PublishPace.objects.create(platform="facebook_page", rate=20.0, interval=0.05)
    pacing.observe("facebook_page", usage=50)
    for _ in range(4):
        pacing.observe("facebook_page", usage=50)  # counted in memory
    assert PublishPace.objects.get(platform="facebook_page").sample_calls == 1
    time_machine.shift(pacing.FLUSH_SECONDS)
    pacing.observe("facebook_page", usage=50)
    assert PublishPace.objects.get(platform="facebook_page").sample_calls == 6


def test_a_rate_limit_answer_pauses_the_platform_for_the_time_it_asked():
    pacing.observe("facebook_page", usage=100, limited_for=30)
    wait = pacing.reserve("facebook_page")
    assert 25 < wait <= 30


def test_usage_is_read_from_both_meta_headers():
    import httpx

    headers = httpx.Headers(
        {
            "X-App-Usage": '{"call_count": 40, "total_cputime": 5, "total_time": 7}',
            "X-Business-Use-Case-Usage": '{"1": [{"type": "pages", "call_count": 95, "total_cputime": 3, '
            '"total_time": 2, "estimated_time_to_regain_access": 2}]}',
        }
    )
    usage = meta_usage(headers)
    assert (usage.percent, usage.wait_seconds) == (95, 120)


def test_the_allowed_rate_is_estimated_from_our_calls_and_the_usage_reported(time_machine):
    # 10 calls a second reported as half the allowance: the platform allows 20 a second, and the calls are
    # spaced to use TARGET_PERCENT of that.
    time_machine.move_to("2026-12-04 08:00:00+00:00", tick=False)
    for _ in range(25):
        pacing.observe("facebook_page", usage=50)
        time_machine.shift(0.1)
    row = PublishPace.objects.get(platform="facebook_page")
    assert row.rate == pytest.approx(20, rel=0.05)
    assert row.interval == pytest.approx(100 / (20 * pacing.TARGET_PERCENT), rel=0.05)


def test_a_rate_limit_answer_lowers_the_estimate():
    row = PublishPace.objects.create(platform="facebook_page", rate=20.0, interval=0.05)
    pacing.observe("facebook_page", usage=100, limited_for=1)
    row.refresh_from_db()
    assert row.rate == pytest.approx(20 * pacing.LIMITED_CUT)
    assert row.interval > 0.05


def test_estimates_need_enough_usage_to_be_meaningful():
    assert pacing.estimate(10, 1.0, 5) is None
    assert pacing.estimate(1, 1.0, 50) is None
    assert pacing.estimate(30, 2.0, 75) == pytest.approx(20)


def test_after_a_rate_limit_a_platform_that_reports_room_again_is_not_kept_slow(time_machine):
    # A stray 429 (the platform's hiccup, not our pace) must not leave the pace slow for good.
    time_machine.move_to("2026-12-04 08:00:00+00:00", tick=False)
    PublishPace.objects.create(platform="facebook_page", rate=0.5, interval=2.0)
    for _ in range(12):
        time_machine.shift(pacing.FLUSH_SECONDS)
        pacing.observe("facebook_page", usage=0)
    row = PublishPace.objects.get(platform="facebook_page")
    assert (row.rate, row.interval) == (0.0, 0.0)
