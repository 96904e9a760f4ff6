"""The review queue groups candidates by the imitated page; a reviewer confirms one and follows its report."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ketnoi.lookalike import services
from ketnoi.lookalike.models import Candidate, Source
from ketnoi.lookalike.tests.conftest import picture


def test_the_queue_shows_each_imitated_page_with_its_candidates_and_signals(
    official: dict[str, Any], bob: Any, web_as: Any, django_assert_max_num_queries: Any
) -> None:
    for name in ("Bù Gia Mập Online chính thức", "Bu Gia Map Online", "Bù Gia Mậpp Online"):
        services.candidate_add(source=Source.MANUAL, name=name, by=bob)
    client = web_as(bob)
    with django_assert_max_num_queries(20):
        html = client.get("/lookalike/").content.decode()
    assert "Bù Gia Mập Online chính thức" in html
    assert "Tên giống" in html  # the reasons, in Vietnamese
    assert "cùng tên nhưng khác dấu" in html
    assert "Bu Gia Map Online" in client.get("/lookalike/", {"q": "bu gia map"}).content.decode()


def test_a_reviewer_confirms_stores_evidence_and_follows_the_report(
    official: dict[str, Any], bob: Any, web_as: Any
) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Onlinee", by=bob)
    client = web_as(bob)
    client.post(f"/lookalike/{candidate.pk}/decide/", {"decision": "impersonation", "note": "giả mạo"})
    upload = SimpleUploadedFile("man-hinh.png", picture(3), content_type="image/png")
    client.post(f"/lookalike/{candidate.pk}/evidence/", {"file": upload, "captured_on": "02/12/2026"})
    client.post(f"/lookalike/{candidate.pk}/report/", {"state": "reported", "reference": "FB-77"})
    html = client.get(f"/lookalike/{candidate.pk}/").content.decode()
    assert "Đã báo cáo nền tảng" in html
    assert "man-hinh.png" in html
    assert "CẢNH BÁO TRANG GIẢ MẠO" in html
    candidate.refresh_from_db()
    assert candidate.decision == "impersonation"
    assert candidate.report.reference == "FB-77"
    assert "FB-77" in client.get("/lookalike/reports/").content.decode()


def test_a_bad_upload_is_a_message_naming_the_file_not_an_error_page(
    official: dict[str, Any], bob: Any, web_as: Any
) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Onlinee", by=bob)
    client = web_as(bob)
    upload = SimpleUploadedFile("anh.png", b"not a picture", content_type="image/png")
    response = client.post(f"/lookalike/{candidate.pk}/evidence/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "anh.png" in response.content.decode()


def test_another_district_cannot_see_or_decide(
    official: dict[str, Any], bob: Any, charlie: Any, web_as: Any
) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Onlinee", by=bob)
    client = web_as(charlie)
    assert "Bù Gia Mập Onlinee" not in client.get("/lookalike/").content.decode()
    assert client.get(f"/lookalike/{candidate.pk}/").status_code == 403
    assert client.post(f"/lookalike/{candidate.pk}/decide/", {"decision": "unrelated"}).status_code == 403
    assert Candidate.objects.get(pk=candidate.pk).decision == "pending"


def test_adding_a_page_by_hand_that_resembles_nothing_says_so(
    official: dict[str, Any], bob: Any, web_as: Any
) -> None:
    html = web_as(bob).post("/lookalike/", {"name": "Tiệm bánh mì Cô Ba", "url": ""}).content.decode()
    assert "không đủ giống" in html


def test_a_unit_administrator_tunes_the_threshold_of_the_subtree(
    official: dict[str, Any], make_person: Any, bob: Any, web_as: Any
) -> None:
    from ketnoi.lookalike import selectors

    manager = make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    client = web_as(manager)
    assert "Ngưỡng xem xét" in client.get("/lookalike/").content.decode()
    done = client.post("/lookalike/threshold/", {"unit": "BP-BGM", "threshold": "0,95"}, follow=True)
    assert "Đã lưu ngưỡng" in done.content.decode()
    assert selectors.threshold_for(official["bgm"].unit) == 0.95
    refused = client.post("/lookalike/threshold/", {"unit": "BP", "threshold": "0,9"}, follow=True)
    assert selectors.threshold_for(official["police"].unit) == 0.85
    assert refused.status_code == 200
