"""GET/POST /api/v1/lookalikes and PATCH /api/v1/lookalikes/{id}: scoped by the imitated page's unit."""

from __future__ import annotations

from typing import Any

from ketnoi.lookalike import services
from ketnoi.lookalike.models import Source


def test_an_editor_adds_lists_and_confirms_a_lookalike(
    official: dict[str, Any], bob: Any, api_as: Any
) -> None:
    api = api_as(bob)
    created = api.post("lookalikes", {"name": "Bù Gia Mập Onlіne", "url": "fb.com/bugiamap.online.official"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["page_name"] == "Bù Gia Mập Online" and body["decision"] == "pending"
    assert "confusables" in body["signals"]["tricks"]
    listed = api.get("lookalikes", {"queue": "true"}).json()
    assert [c["id"] for c in listed] == [body["id"]]
    patched = api.patch(f"lookalikes/{body['id']}", {"decision": "impersonation", "note": "Lừa đảo bán hàng"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["report"]["state"] == "prepared"
    reported = api.patch(f"lookalikes/{body['id']}", {"report_state": "reported", "report_reference": "FB-9"})
    assert reported.json()["report"]["state"] == "reported"
    assert reported.json()["report"]["reference"] == "FB-9"
    published = api.patch(f"lookalikes/{body['id']}", {"published": True})
    assert published.json()["published"] is True


def test_a_page_that_resembles_nothing_and_a_personal_account_are_refused(
    official: dict[str, Any], bob: Any, api_as: Any
) -> None:
    api = api_as(bob)
    nothing = api.post("lookalikes", {"name": "Tiệm bánh mì Cô Ba"})
    assert nothing.status_code == 422
    assert "name" in nothing.json()["error"]["fields"]
    person = api.post(
        "lookalikes", {"name": "Bù Gia Mập Online", "url": "https://facebook.com/profile.php?id=1000"}
    )
    assert person.status_code == 422
    assert "url" in person.json()["error"]["fields"]
    bad = api.patch("lookalikes/999999", {"decision": "unrelated"})
    assert bad.status_code == 404


def test_an_editor_of_another_district_cannot_see_or_change_a_candidate(
    official: dict[str, Any], bob: Any, charlie: Any, api_as: Any
) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Online 2", by=bob)
    api = api_as(charlie)
    assert api.get("lookalikes").json() == []
    assert api.get(f"lookalikes/{candidate.pk}").status_code == 403
    assert api.patch(f"lookalikes/{candidate.pk}", {"decision": "unrelated"}).status_code == 403
    candidate.refresh_from_db()
    assert candidate.decision == "pending"


def test_a_report_state_out_of_order_is_a_clear_422(official: dict[str, Any], bob: Any, api_as: Any) -> None:
    candidate = services.candidate_add(source=Source.MANUAL, name="Bù Gia Mập Online 2", by=bob)
    api = api_as(bob)
    answer = api.patch(f"lookalikes/{candidate.pk}", {"report_state": "taken_down"})
    assert answer.status_code == 422
    assert answer.json()["error"]["message"]
    unknown = api.patch(f"lookalikes/{candidate.pk}", {"decision": "enemy"})
    assert unknown.status_code == 422


def test_odd_input_is_a_clear_answer_never_a_server_error(
    official: dict[str, Any], bob: Any, api_as: Any
) -> None:
    api = api_as(bob)
    assert api.get("lookalikes/99999999999999999999999").status_code == 404
    assert api.get("lookalikes", {"page_id": "99999999999999999999999"}).status_code == 422
    kept = api.post("lookalikes", {"name": "Bù Gia Mập\x00 Online\nchính thức"})
    assert kept.status_code == 201
    assert kept.json()["name"] == "Bù Gia Mập Online chính thức"
