"""The API contract: /stories, submit, approve, schedule, /publications?story=ID with a status per page."""

from __future__ import annotations

import pytest

from ketnoi.publishing.services import delivery

from .conftest import soon

pytestmark = pytest.mark.django_db


def _story(api, **extra):
    data = {
        "unit_code": "BP-BGM",
        "title": "Cách làm hay ở Bù Gia Mập",
        "body": "Nội dung",
        "tags": ["good_practice"],
    }
    data.update(extra)
    return api.post("stories", data)


def test_editor_writes_submits_approver_approves_and_schedules_to_pages(api_as, bob, approver, fb_page, fake):
    bob_api, approver_api = api_as(bob), api_as(approver)
    created = _story(bob_api)
    assert created.status_code == 201, created.content
    story_id = created.json()["id"]
    assert bob_api.post(f"stories/{story_id}/submit").json()["status"] == "in_review"
    assert approver_api.post(f"stories/{story_id}/approve").json()["status"] == "approved"
    pages = [fb_page(n) for n in (1, 2)]
    answer = bob_api.post(
        f"stories/{story_id}/schedule", {"page_ids": [p.pk for p in pages], "at": soon(10).isoformat()}
    )
    assert answer.status_code == 201, answer.content
    listed = bob_api.get("publications", {"story": story_id}).json()
    assert [row["status"] for row in listed] == ["scheduled", "scheduled"]
    from django.utils import timezone

    from ketnoi.publishing.models import Publication

    Publication.objects.filter(story_id=story_id).update(next_try_at=timezone.now())
    first = Publication.objects.filter(story_id=story_id).order_by("pk").first()
    delivery.publication_execute(first.pk)
    listed = {row["page_id"]: row for row in bob_api.get("publications", {"story": story_id}).json()}
    assert listed[first.page_id]["status"] == "published"
    assert listed[first.page_id]["post_url"].startswith("https://www.facebook.com/")


def test_search_from_the_api_ignores_diacritics(api_as, bob):
    _story(api_as(bob))
    found = api_as(bob).get("stories", {"q": "bu gia map"}).json()
    assert [s["title"] for s in found] == ["Cách làm hay ở Bù Gia Mập"]


def test_charlie_cannot_see_or_change_bobs_story(api_as, bob, charlie):
    story_id = _story(api_as(bob)).json()["id"]
    charlie_api = api_as(charlie)
    assert charlie_api.get(f"stories/{story_id}").status_code == 403
    assert charlie_api.post(f"stories/{story_id}/submit").status_code == 403
    assert charlie_api.get("publications", {"story": story_id}).status_code == 403
    assert charlie_api.get("stories").json() == []
    assert _story(charlie_api).status_code == 403


def test_the_author_cannot_approve(api_as, bob):
    story_id = _story(api_as(bob)).json()["id"]
    api_as(bob).post(f"stories/{story_id}/submit")
    answer = api_as(bob).post(f"stories/{story_id}/approve")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"


def test_bad_input_gets_a_localised_422_naming_the_field(api_as, bob, approver, fb_page, fake):
    answer = _story(api_as(bob), tags=["hostile"])
    assert answer.status_code == 422 and "tags" in str(answer.json()["error"]["fields"])
    story_id = _story(api_as(bob)).json()["id"]
    api_as(bob).post(f"stories/{story_id}/submit")
    api_as(approver).post(f"stories/{story_id}/approve")
    answer = api_as(bob).post(f"stories/{story_id}/schedule", {"page_ids": [], "at": "tomorrow"})
    assert answer.status_code == 422
    assert set(answer.json()["error"]["fields"]) == {"page_ids", "at"}


def test_unknown_story_is_a_404(api_as, bob):
    assert api_as(bob).get("stories/999999").status_code == 404
    assert api_as(bob).get("publications", {"story": 999999}).status_code == 404
