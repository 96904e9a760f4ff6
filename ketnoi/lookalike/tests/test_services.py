"""Candidates are kept only when they resemble an official page, scoped by that page's unit, and reviewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core import permissions
from ketnoi.core.exceptions import PermissionDenied, ValidationError
from ketnoi.lookalike import services
from ketnoi.lookalike.models import Decision, ReportState, Source
from ketnoi.lookalike.tests.conftest import picture


def test_a_lookalike_is_kept_under_the_unit_of_the_page_it_imitates(
    official: dict[str, Any], bob: Any
) -> None:
    candidate = services.candidate_add(
        source=Source.MANUAL, name="Bù Gia Mập Online chính thức", url="fb.com/bugiamap.online.vn", by=bob
    )
    assert candidate.page == official["bgm"]
    assert candidate.unit.code == "BP-BGM"
    assert candidate.score >= 0.85
    assert candidate.canonical_url == "facebook.com/bugiamap.online.vn"
    assert candidate.snapshots.count() == 1
    again = services.candidate_add(
        source=Source.IMPORT, url="https://m.facebook.com/bugiamap.online.vn", by=bob
    )
    assert again.pk == candidate.pk
    assert again.snapshots.count() == 2
    assert again.history.count() == 2


def test_an_editor_cannot_record_a_lookalike_of_a_page_outside_his_units(
    official: dict[str, Any], charlie: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Online chính thức", by=charlie)
    assert "Bù Gia Mập" not in str(caught.value.message)  # nothing outside his units is named


def test_a_page_that_resembles_no_official_page_is_not_kept(official: dict[str, Any], bob: Any) -> None:
    assert services.candidate_record(source=Source.MANUAL, name="Quán cà phê Suối Mơ", by=bob) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://facebook.com/profile.php?id=100012345678",
        "facebook.com/people/Nguyen-Van-A/1000123",
        "zalo.me/0912345678",
    ],
)
def test_a_persons_own_account_is_refused(official: dict[str, Any], bob: Any, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.candidate_record(source=Source.MANUAL, name="Bù Gia Mập Online", url=url, by=bob)
    assert "url" in caught.value.fields


def test_the_threshold_of_a_unit_holds_for_its_subtree(
    official: dict[str, Any], admin_user: Any, bob: Any
) -> None:
    services.watch_setting_set(unit=official["bgm"].unit, threshold=0.99, by=admin_user)
    assert services.candidate_record(source=Source.MANUAL, name="Bù Gia Mập Onlinee", by=bob) is None
    with pytest.raises(PermissionDenied):
        services.watch_setting_set(unit=official["bgm"].unit, threshold=0.9, by=bob)  # editors do not manage
    with pytest.raises(ValidationError):
        services.watch_setting_set(unit=official["bgm"].unit, threshold=0.1, by=admin_user)


def test_a_copied_avatar_is_recognised(official: dict[str, Any], bob: Any) -> None:
    services.official_picture_set(page=official["bgm"], avatar=picture(7), by=bob)
    candidate = services.candidate_add(
        source=Source.MANUAL, name="Bù Gia Mập 24h", avatar=picture(7, size=120), avatar_name="a.png", by=bob
    )
    assert candidate.signals["avatar_distance"] <= 6
    assert candidate.avatar.name.endswith(".jpg")


def test_a_confirmed_impersonation_gets_a_report_and_a_notice_and_is_followed(
    official: dict[str, Any], bob: Any
) -> None:
    candidate = services.candidate_add(
        source=Source.MANUAL, name="Bu Gia Map Online", url="fb.com/bugiamap0nline", by=bob
    )
    services.evidence_add(
        candidate=candidate,
        name="chup-man-hinh.png",
        data=picture(1),
        by=bob,
        captured_on=dt.date(2026, 1, 5),
    )
    candidate = services.candidate_review(
        candidate=candidate, decision=Decision.IMPERSONATION, note="Lừa đảo", by=bob
    )
    report = candidate.report
    assert report.state == ReportState.PREPARED
    assert report.fields["official_page_url"] == official["bgm"].url
    assert report.fields["impersonated_organisation"] == "Huyện Bù Gia Mập"
    assert report.fields["evidence"][0]["file"] == "chup-man-hinh.png"
    assert "Bù Gia Mập Online" in candidate.warning_notice
    report = services.report_set_state(report=report, state=ReportState.REPORTED, reference="FB-123", by=bob)
    assert report.reported_on is not None
    with pytest.raises(ValidationError):
        services.report_set_state(report=report, state=ReportState.APPEALED, by=bob)  # not refused yet
    report = services.report_set_state(report=report, state=ReportState.REFUSED, by=bob)
    report = services.report_set_state(report=report, state=ReportState.APPEALED, by=bob)
    report = services.report_set_state(report=report, state=ReportState.TAKEN_DOWN, by=bob)
    assert report.history.count() >= 4
    services.candidate_publish(candidate=candidate, published=True, by=bob)


def test_a_fan_page_is_not_reported_nor_published(official: dict[str, Any], bob: Any, charlie: Any) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Online 2", by=bob)
    with pytest.raises(PermissionDenied):
        services.candidate_review(candidate=candidate, decision=Decision.IMPERSONATION, by=charlie)
    candidate = services.candidate_review(candidate=candidate, decision=Decision.FAN_PARODY, by=bob)
    assert not hasattr(candidate, "report") or candidate.report is None
    with pytest.raises(ValidationError):
        services.report_prepare(candidate=candidate, by=bob)
    with pytest.raises(ValidationError):
        services.candidate_publish(candidate=candidate, published=True, by=bob)


def test_evidence_must_be_a_real_screenshot_or_pdf(official: dict[str, Any], bob: Any) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Online 2", by=bob)
    with pytest.raises(ValidationError) as caught:
        services.evidence_add(candidate=candidate, name="anh.png", data=b"MZ not a picture", by=bob)
    assert "anh.png" in str(caught.value.message)
    with pytest.raises(ValidationError):
        services.evidence_add(candidate=candidate, name="virus.exe", data=b"MZ", by=bob)


def test_the_system_records_what_the_public_check_finds(official: dict[str, Any]) -> None:
    answer = services.public_check_resemblance("https://www.facebook.com/congantinhbinhphuoc.official")
    assert answer is not None and answer["name"] == "Công an tỉnh Bình Phước"
    kept = official["police"].lookalikes.get()
    assert kept.source == Source.PUBLIC_CHECK
    assert permissions.SYSTEM is not None
