"""Pacing from the platform's usage figures: slows down near the allowance, pauses after a rate limit,
speeds up again when the platform reports room."""

from __future__ import annotations

import pytest

from ketnoi.publishing import pacing
from ketnoi.publishing.models import PublishPace
from ketnoi.publishing.platforms import meta_usage

pytestmark = pytest.mark.django_db


def test_high_usage_spaces_the_calls_and_low_usage_brings_them_back_together():
    assert pacing.reserve("facebook_page") == 0.0
    for _ in range(10):
        pacing.observe("facebook_page", usage=99)
    slowed = PublishPace.objects.get(platform="facebook_page").interval
    assert slowed > pacing.MIN_INTERVAL
    for _ in range(200):
        pacing.observe("facebook_page", usage=10)
    assert PublishPace.objects.get(platform="facebook_page").interval < slowed


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
