"""The demo's look-alikes: believable, scored, partly reviewed, and loaded twice without doubling."""

from __future__ import annotations

from typing import Any

from ketnoi.lookalike import demo
from ketnoi.lookalike.models import Candidate, Decision, ReportState
from ketnoi.pages import services as pages


def test_the_demo_candidates_are_scored_partly_reviewed_and_idempotent(unit: Any, admin_user: Any) -> None:
    for code, name, url in (
        ("BP", "Tự hào Bình Phước", "https://www.facebook.com/tuhaobinhphuoc"),
        ("BP-BGM", "Bù Gia Mập Online", "https://www.facebook.com/bugiamaponline"),
        ("BP", "Tuyên giáo Bình Phước", "https://www.facebook.com/tuyengiaobinhphuoc"),
        ("BP", "Bình Phước xin chào", "https://www.facebook.com/groups/binhphuocxinchao"),
    ):
        page = pages.page_register(
            unit=unit(code), platform="facebook_page", name=name, url=url, by=admin_user
        )
        pages.page_set_status(page=page, status="verified", by=admin_user)
    demo.load()
    demo.load()
    decisions = dict(Candidate.objects.values_list("name", "decision"))
    assert decisions == {
        "Tư hào Bình Phứơc": Decision.IMPERSONATION,
        "Bù Gia Mập Online": Decision.PENDING,
        "Tuyên giáo Bình Phước - Tin tức": Decision.NEEDS_EVIDENCE,
        "Bình Phước Xin Chào": Decision.UNRELATED,
        "Tự hào Bình Phước 2": Decision.FAN_PARODY,
    }
    fake = Candidate.objects.get(name="Tư hào Bình Phứơc")
    assert fake.report.state == ReportState.REPORTED and fake.published
    copied = Candidate.objects.get(name="Tuyên giáo Bình Phước - Tin tức")
    assert copied.signals["avatar_distance"] <= 6
    assert "confusables" in Candidate.objects.get(name="Bù Gia Mập Online").signals["tricks"]
