"""Pulls against the fake platforms: snapshots stored, rate limits survived, tokens expiring and refreshed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ketnoi.connectors import services
from ketnoi.connectors.crypto import decrypt
from ketnoi.connectors.models import (
    ConnectorNotice,
    ConnectorRun,
    CredentialStatus,
    PageCredential,
    QuotaUsage,
    RunStatus,
)
from ketnoi.connectors.tasks import connectors_schedule
from ketnoi.core.permissions import SYSTEM
from ketnoi.pages.models import MetricSnapshot

pytestmark = pytest.mark.django_db

IN_60_DAYS = dt.timedelta(days=60)


def connect(page: Any, token: str, by: Any = SYSTEM, **extra: Any) -> PageCredential:
    return services.credential_set(
        page=page, access_token=token, expires_at=timezone.now() + IN_60_DAYS, by=by, **extra
    )


def pull(page: Any) -> ConnectorRun:
    run = services.pull_enqueue(page=page, by=SYSTEM)
    result = services.pull_execute(run.pk)
    assert result is not None
    return result


def snapshot(page: Any) -> MetricSnapshot:
    """The page's latest snapshot: a pull stores it under the day it ran, which after a jump in time may be
    the next local day (a test run late in the evening in Việt Nam)."""
    latest = MetricSnapshot.objects.filter(page=page).order_by("-day").first()
    assert latest is not None, "no snapshot"
    return latest


def test_a_facebook_page_pull_stores_followers_likes_and_engagement(fake, make_page):
    fake.add_facebook_page(
        "1122334455", "EAAB-token-facebook-1", followers=16000, likes=15200, engagement=321
    )
    page = make_page("facebook_page", "1122334455")
    connect(page, "EAAB-token-facebook-1")

    run = pull(page)

    assert run.status == RunStatus.SUCCEEDED
    snap = snapshot(page)
    assert (snap.followers, snap.likes, snap.engagement) == (16000, 15200, 321)
    assert snap.reach is None and snap.members is None  # missing stays missing, never zero
    assert snap.source == "connector"
    assert run.snapshot_id == snap.pk
    assert run.raw["followers_count"] == 16000


def test_a_youtube_pull_stores_subscribers_and_videos_and_leaves_a_hidden_count_missing(fake, make_page):
    fake.add_youtube_channel("UCvisible000000000000001", "ya29.token-youtube-1", subscribers=5400, videos=87)
    fake.add_youtube_channel("UChidden0000000000000001", "ya29.token-youtube-2", subscribers=999, hidden=True)
    visible = make_page("youtube", "UCvisible000000000000001")
    hidden = make_page("youtube", "UChidden0000000000000001")
    connect(visible, "ya29.token-youtube-1")
    connect(hidden, "ya29.token-youtube-2")

    assert pull(visible).status == RunStatus.SUCCEEDED
    assert pull(hidden).status == RunStatus.SUCCEEDED

    assert (snapshot(visible).followers, snapshot(visible).posts) == (5400, 87)
    assert snapshot(hidden).followers is None
    assert snapshot(hidden).posts == 40
    assert QuotaUsage.objects.get(platform="youtube").units == 2


def test_a_zalo_pull_stores_the_follower_count(fake, make_page):
    fake.add_zalo_oa(
        "4318000000000000001",
        app_id="app-1",
        secret_key="secret-1",
        access_token="zalo-access-1",
        refresh_token="zalo-refresh-1",
        followers=2750,
    )
    page = make_page("zalo_oa", "4318000000000000001")
    services.credential_set(
        page=page,
        access_token="zalo-access-1",
        expires_at=timezone.now() + dt.timedelta(hours=24),
        refresh_token="zalo-refresh-1",
        app_id="app-1",
        app_secret="secret-1",
        by=SYSTEM,
    )

    run = pull(page)

    assert run.status == RunStatus.SUCCEEDED
    assert snapshot(page).followers == 2750
    assert [c.platform for c in fake.calls()] == ["zalo"]  # 24 hours left: no refresh needed


def test_a_429_is_survived_with_the_rate_limit_message_and_a_later_retry_succeeds(fake, make_page):
    fake.add_youtube_channel("UCretry00000000000000001", "ya29.token-youtube-3", subscribers=10)
    page = make_page("youtube", "UCretry00000000000000001")
    connect(page, "ya29.token-youtube-3")
    fake.fail_next("youtube", "http_429")

    run = pull(page)

    assert run.status == RunStatus.RATE_LIMITED
    assert run.error_code == "rate_limited"
    assert "thử lại" in run.error_message  # "... sẽ được tự động thử lại sau."
    credential = PageCredential.objects.get(page=page)
    assert credential.status == CredentialStatus.ACTIVE
    assert credential.next_pull_at == run.retry_at
    assert 119 <= (run.retry_at - run.finished_at).total_seconds() <= 121  # the platform's Retry-After
    assert not MetricSnapshot.objects.filter(page=page).exists()

    assert connectors_schedule.call_local() == 0  # not yet due
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert connectors_schedule.call_local() == 1
        assert snapshot(page).followers == 10
    assert ConnectorRun.objects.filter(page=page).first().status == RunStatus.SUCCEEDED


def test_a_graph_page_rate_limit_waits_as_long_as_the_usage_header_says(fake, make_page):
    fake.add_facebook_page("2233445566", "EAAB-token-facebook-2", followers=700)
    page = make_page("facebook_page", "2233445566")
    connect(page, "EAAB-token-facebook-2")
    fake.fail_next("facebook", "graph_page_limit")

    run = pull(page)

    assert run.status == RunStatus.RATE_LIMITED
    assert "code 32" in run.error_detail and "Page request limit reached" in run.error_detail
    # X-Business-Use-Case-Usage said estimated_time_to_regain_access = 25 minutes.
    assert (run.retry_at - run.finished_at).total_seconds() == pytest.approx(25 * 60, abs=2)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=26)):
        connectors_schedule.call_local()
        assert snapshot(page).followers == 700


def test_a_graph_app_rate_limit_pauses_every_facebook_page_until_it_passes(fake, make_page):
    fake.add_facebook_page("3344556677", "EAAB-token-facebook-3", followers=1)
    fake.add_facebook_page("4455667788", "EAAB-token-facebook-4", followers=2)
    first = make_page("facebook_page", "3344556677")
    second = make_page("facebook_page", "4455667788")
    connect(first, "EAAB-token-facebook-3")
    connect(second, "EAAB-token-facebook-4")
    fake.fail_next("facebook", "graph_app_limit")

    assert pull(first).status == RunStatus.RATE_LIMITED
    calls = len(fake.calls("facebook"))
    assert connectors_schedule.call_local() == 0  # the second page waits too: the limit is the app's
    assert len(fake.calls("facebook")) == calls
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        assert connectors_schedule.call_local() == 2
    assert MetricSnapshot.objects.filter(page__in=[first, second]).count() == 2


def test_a_passing_server_fault_is_retried_within_the_same_pull(fake, make_page):
    fake.add_facebook_page("5566778899", "EAAB-token-facebook-5", followers=42)
    page = make_page("facebook_page", "5566778899")
    connect(page, "EAAB-token-facebook-5")
    fake.fail_next("facebook", "server_error")

    assert pull(page).status == RunStatus.SUCCEEDED
    assert snapshot(page).followers == 42


def test_an_expired_token_marks_the_credential_stops_pulls_and_warns_the_page_administrators(
    fake, make_page, make_person
):
    from ketnoi.pages.services import page_administrator_set

    fake.add_facebook_page("6677889900", "EAAB-token-facebook-6", followers=5)
    page = make_page("facebook_page", "6677889900")
    admin = make_person("hoa", "BP-BGM", [("editor", "BP-BGM")])
    admin.email = "hoa@bgm.binhphuoc.gov.vn"
    admin.save()
    page_administrator_set(page=page, user=admin, role="admin", two_factor=True, by=SYSTEM)
    connect(page, "EAAB-token-facebook-6")
    fake.expire_token("EAAB-token-facebook-6")

    run = pull(page)

    assert run.status == RunStatus.FAILED
    assert run.error_code == "token_expired"
    assert "190/463" in run.error_detail
    assert "hết hạn" in run.error_message
    credential = PageCredential.objects.get(page=page)
    assert credential.status == CredentialStatus.EXPIRED
    assert credential.next_pull_at is None
    notice = ConnectorNotice.objects.get(user=admin, page=page)
    assert notice.kind == "expired" and page.name in notice.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@bgm.binhphuoc.gov.vn"]
    assert "EAAB" not in mail.outbox[0].body

    calls = len(fake.calls())
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert connectors_schedule.call_local() == 0
    assert len(fake.calls()) == calls  # no more calls with a dead token

    connect(page, "EAAB-token-facebook-6b")  # a new token resumes pulling
    assert PageCredential.objects.get(page=page).status == CredentialStatus.ACTIVE


def test_a_zalo_token_close_to_expiry_is_refreshed_and_the_new_pair_stored_before_it_is_used(fake, make_page):
    fake.add_zalo_oa(
        "4318000000000000002",
        app_id="app-2",
        secret_key="secret-2",
        access_token="zalo-access-2",
        refresh_token="zalo-refresh-2",
        followers=321,
        expires_in=600,
    )
    page = make_page("zalo_oa", "4318000000000000002")
    services.credential_set(
        page=page,
        access_token="zalo-access-2",
        expires_at=timezone.now() + dt.timedelta(minutes=10),
        refresh_token="zalo-refresh-2",
        app_id="app-2",
        app_secret="secret-2",
        by=SYSTEM,
    )
    # The OA call fails once, after the refresh: the new pair must already be stored.
    fake.fail_next("zalo", "disconnect", times=3)

    run = pull(page)

    assert run.status == RunStatus.FAILED and run.error_code == "network_error"
    credential = PageCredential.objects.get(page=page)
    new_access = decrypt(credential.access_token_enc)
    new_refresh = decrypt(credential.refresh_token_enc)
    assert new_access != "zalo-access-2" and new_refresh != "zalo-refresh-2"
    assert credential.expires_at > timezone.now() + dt.timedelta(hours=24)
    assert "zalo-refresh-2" in fake.state.zalo_used_refresh
    assert [c.platform for c in fake.calls()] == ["zalo_oauth", "zalo", "zalo", "zalo"]
    assert {c.token for c in fake.calls("zalo")} == {new_access}  # only the stored token was used

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        connectors_schedule.call_local()
    assert snapshot(page).followers == 321
    assert len(fake.calls("zalo_oauth")) == 1  # the stored pair was still fresh: no second refresh


def test_a_reused_zalo_refresh_token_is_refused_as_on_the_real_platform(fake, make_page):
    fake.add_zalo_oa(
        "4318000000000000003",
        app_id="app-3",
        secret_key="secret-3",
        access_token="zalo-access-3",
        refresh_token="zalo-refresh-3",
        expires_in=60,
    )
    page = make_page("zalo_oa", "4318000000000000003")
    services.credential_set(
        page=page,
        access_token="zalo-access-3",
        expires_at=timezone.now() + dt.timedelta(minutes=1),
        refresh_token="zalo-refresh-3",
        app_id="app-3",
        app_secret="secret-3",
        by=SYSTEM,
    )
    assert pull(page).status == RunStatus.SUCCEEDED  # spends zalo-refresh-3

    # Someone enters the old pair again (say, from a note): the spent refresh token is refused.
    services.credential_set(
        page=page,
        access_token="zalo-access-3",
        expires_at=timezone.now() + dt.timedelta(minutes=1),
        refresh_token="zalo-refresh-3",
        by=SYSTEM,
    )
    run = pull(page)

    assert run.status == RunStatus.FAILED
    assert run.error_code == "refresh_rejected"
    assert "-14014" in run.error_detail
    assert "ba tháng" in run.error_message
    assert PageCredential.objects.get(page=page).status == CredentialStatus.EXPIRED


def test_youtube_quota_accounting_stops_before_ten_thousand_units(fake, make_page, settings):
    settings.KETNOI_YOUTUBE_QUOTA_MARGIN = 0
    fake.add_youtube_channel("UCquota00000000000000001", "ya29.token-youtube-q", subscribers=1)
    pages = [make_page("youtube", f"UCquota{n:017d}") for n in range(3)]
    for p in pages:
        fake.add_youtube_channel(p.platform_id, "ya29.token-youtube-q", subscribers=7)
        connect(p, "ya29.token-youtube-q")
    # 9,998 units already spent today by earlier pulls.
    from ketnoi.connectors.schedule import pacific_day

    QuotaUsage.objects.create(platform="youtube", day=pacific_day(), units=9998)
    fake.state.yt_units = 9998

    ids = services.enqueue_due()
    assert len(ids) == 2  # only what the quota still allows is queued
    for run_id in ids:
        services.pull_execute(run_id)

    assert QuotaUsage.objects.get(platform="youtube", day=pacific_day()).units == 10000
    assert fake.state.yt_units == 10000  # the platform never saw a call past the quota
    waiting = PageCredential.objects.get(page=pages[2])
    assert waiting.next_pull_at > timezone.now() + dt.timedelta(minutes=1)

    # Even a run queued by hand stops before calling the platform.
    QuotaUsage.objects.filter(platform="youtube").update(units=10000)
    run = pull(pages[2])
    assert run.status == RunStatus.RATE_LIMITED and run.error_code == "quota_exhausted"
    assert fake.state.yt_units == 10000


def test_a_quota_exceeded_answer_stops_youtube_pulls_for_the_rest_of_the_day(fake, make_page):
    fake.add_youtube_channel("UCquotaanswer00000000001", "ya29.token-youtube-4", subscribers=1)
    page = make_page("youtube", "UCquotaanswer00000000001")
    connect(page, "ya29.token-youtube-4")
    fake.fail_next("youtube", "quota")

    run = pull(page)

    assert run.error_code == "quota_exhausted"
    from ketnoi.connectors.schedule import DbQuota, next_pacific_midnight, youtube_budget

    assert DbQuota("youtube", youtube_budget()).remaining() == 0
    assert abs((run.retry_at - next_pacific_midnight()).total_seconds()) < 5


def test_facebook_groups_are_never_pulled(fake, make_page):
    from ketnoi.core.exceptions import ValidationError

    group = make_page("facebook_group", "bpgroup123")
    with pytest.raises(ValidationError) as err:
        connect(group, "EAAB-token-group")
    assert "04/2024" in str(err.value.message) or "2024" in str(err.value.message)
    assert not fake.calls()


def test_an_unknown_page_id_is_reported_and_retried_only_the_next_day(fake, make_page):
    fake.add_facebook_page("7788990011", "EAAB-token-facebook-7")
    page = make_page("facebook_page", "0000000000")
    connect(page, "EAAB-token-facebook-7")

    run = pull(page)

    assert run.error_code == "not_found"
    credential = PageCredential.objects.get(page=page)
    assert credential.status == CredentialStatus.FAILING
    assert credential.next_pull_at > timezone.now() + dt.timedelta(hours=23)


def test_a_run_is_claimed_once_even_when_its_id_is_delivered_twice(fake, make_page):
    fake.add_facebook_page("8899001122", "EAAB-token-facebook-8", followers=3)
    page = make_page("facebook_page", "8899001122")
    connect(page, "EAAB-token-facebook-8")
    run = services.pull_enqueue(page=page, by=SYSTEM)

    first = services.pull_execute(run.pk, worker="w1")
    second = services.pull_execute(run.pk, worker="w2")

    assert first is not None and first.status == RunStatus.SUCCEEDED
    assert second is None
    assert len(fake.calls("facebook")) == 2  # one pull: page fields + insights


def test_only_one_open_run_per_page_can_exist(fake, make_page):
    from ketnoi.core.exceptions import Conflict

    fake.add_facebook_page("9900112233", "EAAB-token-facebook-9")
    page = make_page("facebook_page", "9900112233")
    connect(page, "EAAB-token-facebook-9")
    services.pull_enqueue(page=page, by=SYSTEM)
    with pytest.raises(Conflict):
        services.pull_enqueue(page=page, by=SYSTEM)
    assert services.enqueue_due() == []  # the page already has its open run


def test_a_run_lost_with_its_worker_is_run_again_and_writes_the_day_once(fake, make_page):
    fake.add_facebook_page("1010101010", "EAAB-token-facebook-10", followers=88)
    page = make_page("facebook_page", "1010101010")
    connect(page, "EAAB-token-facebook-10")
    run = services.pull_enqueue(page=page, by=SYSTEM)
    ConnectorRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20)):
        assert connectors_schedule.call_local() == 1
        services.pull_execute(services.pull_enqueue(page=page, by=SYSTEM).pk)

    assert MetricSnapshot.objects.filter(page=page).count() == 1
    assert MetricSnapshot.objects.get(page=page).followers == 88


def test_a_retired_graph_metric_is_dropped_and_the_rest_of_the_pull_kept(fake, make_page, monkeypatch):
    from ketnoi.connectors.clients import facebook

    # As if the connector still asked for page_fans and page_impressions_unique, retired by Meta.
    monkeypatch.setattr(
        facebook, "INSIGHT_METRICS", ("page_fans", "page_post_engagements", "page_impressions_unique")
    )
    fake.add_facebook_page("1212121212", "EAAB-token-facebook-11", followers=900, likes=850, engagement=77)
    page = make_page("facebook_page", "1212121212")
    connect(page, "EAAB-token-facebook-11")

    run = pull(page)

    assert run.status == RunStatus.SUCCEEDED
    snap = snapshot(page)
    # Followers from followers_count, likes from fan_count: the series do not jump across Meta's change.
    assert (snap.followers, snap.likes, snap.engagement, snap.reach) == (900, 850, 77, None)
    assert any("page_fans" in note for note in run.notes)
    assert any("page_impressions_unique" in note for note in run.notes)


def test_a_queued_run_shows_on_the_panel_and_the_panel_polls_until_it_ends(fake, make_page, rf, bob):
    from ketnoi.connectors.selectors import connection_get

    fake.add_facebook_page("1313131313", "EAAB-token-facebook-12")
    page = make_page("facebook_page", "1313131313")
    connect(page, "EAAB-token-facebook-12")
    run = services.pull_enqueue(page=page, by=SYSTEM)

    c = connection_get(page=page, for_user=bob)

    assert c.open_run is not None and c.open_run.pk == run.pk
    services.pull_execute(run.pk)
    c = connection_get(page=page, for_user=bob)
    assert c.open_run is None and c.last_run.status == RunStatus.SUCCEEDED


def test_a_failed_zalo_refresh_is_not_retried_so_the_one_time_token_is_not_burnt(fake, make_page):
    fake.add_zalo_oa(
        "4318000000000000004",
        app_id="app-4",
        secret_key="secret-4",
        access_token="zalo-access-4",
        refresh_token="zalo-refresh-4",
        followers=64,
        expires_in=60,
    )
    page = make_page("zalo_oa", "4318000000000000004")
    services.credential_set(
        page=page,
        access_token="zalo-access-4",
        expires_at=timezone.now() + dt.timedelta(minutes=1),
        refresh_token="zalo-refresh-4",
        app_id="app-4",
        app_secret="secret-4",
        by=SYSTEM,
    )
    fake.fail_next("zalo_oauth", "server_error")

    run = pull(page)

    assert run.status == RunStatus.FAILED and run.error_code == "platform_error"
    assert len(fake.calls("zalo_oauth")) == 1  # a refresh is never retried inline
    assert decrypt(PageCredential.objects.get(page=page).refresh_token_enc) == "zalo-refresh-4"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        connectors_schedule.call_local()
    assert snapshot(page).followers == 64
