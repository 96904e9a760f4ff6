from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services
from ketnoi.pages.models import MetricSnapshot, Page

TODAY = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _fixed_day() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _register(unit: Any, url: str = "https://facebook.com/BuGiaMapOnline", **extra: Any) -> Page:
    return services.page_register(
        unit=unit, platform="facebook_page", name="Bù Gia Mập Online", url=url, by=SYSTEM, **extra
    )


def test_district_editor_registers_a_page_for_their_district(bob: Any, api_as: Any) -> None:
    response = api_as(bob).post(
        "pages",
        {
            "unit_code": "BP-BGM",
            "platform": "facebook_page",
            "name": "Bù Gia Mập Online",
            "url": "https://m.facebook.com/BuGiaMapOnline/?ref=bookmarks",
            "platform_id": "100064",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit_code"] == "BP-BGM"
    assert body["canonical_url"] == "facebook.com/bugiamaponline"
    assert body["status"] == "registered"
    assert Page.objects.get(pk=body["id"]).history.count() == 1


def test_district_editor_cannot_register_a_page_for_another_district(bob: Any, api_as: Any) -> None:
    response = api_as(bob).post(
        "pages",
        {
            "unit_code": "BP-DX",
            "platform": "facebook_page",
            "name": "Đồng Xoài",
            "url": "facebook.com/dongxoai",
        },
    )
    assert response.status_code == 403
    assert not Page.objects.exists()


def test_the_same_page_typed_another_way_is_refused_with_409(bob: Any, api_as: Any, unit: Any) -> None:
    _register(unit("BP-BGM"))
    response = api_as(bob).post(
        "pages",
        {
            "unit_code": "BP-BGM-XPN",
            "platform": "facebook_page",
            "name": "Copy",
            "url": "www.facebook.com/bugiamaponline/about",
        },
    )
    assert response.status_code == 409
    assert "Bù Gia Mập Online" in response.json()["error"]["message"]
    assert Page.objects.count() == 1


def test_editor_cannot_see_a_page_of_another_district(charlie: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    assert api_as(charlie).get(f"pages/{page.pk}").status_code == 403
    assert api_as(charlie).get("pages").json() == []
    assert api_as(charlie).get("pages/999999").status_code == 404


def test_editor_cannot_change_a_page_of_another_district(charlie: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    response = api_as(charlie).patch(f"pages/{page.pk}", {"name": "Hijacked"})
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.name == "Bù Gia Mập Online"


def test_editor_cannot_move_a_page_into_another_district(bob: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    response = api_as(bob).patch(f"pages/{page.pk}", {"unit_code": "BP-DX"})
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.unit.code == "BP-BGM"


def test_list_is_scoped_and_filtered(alice: Any, bob: Any, api_as: Any, unit: Any) -> None:
    _register(unit("BP-BGM"))
    services.page_register(
        unit=unit("BP-DX"), platform="youtube", name="Đồng Xoài TV", url="youtube.com/@DongXoaiTV", by=SYSTEM
    )
    assert {p["name"] for p in api_as(bob).get("pages").json()} == {"Bù Gia Mập Online"}
    assert len(api_as(alice).get("pages").json()) == 2
    assert [p["name"] for p in api_as(alice).get("pages", {"platform": "youtube"}).json()] == ["Đồng Xoài TV"]
    assert [p["name"] for p in api_as(alice).get("pages", {"q": "dong xoai"}).json()] == ["Đồng Xoài TV"]
    assert [p["name"] for p in api_as(alice).get("pages", {"unit": "BP-BGM"}).json()] == ["Bù Gia Mập Online"]


def test_patch_changes_fields_and_keeps_history(bob: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    response = api_as(bob).patch(
        f"pages/{page.pk}", {"name": "Bù Gia Mập Ngày Mới", "status": "retired", "notes": "thay trang mới"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Bù Gia Mập Ngày Mới"
    assert body["status"] == "retired"
    assert body["retired_on"] == "2025-06-30"
    page.refresh_from_db()
    assert page.status_changed_by == bob
    assert page.history.count() >= 3


def test_a_district_editor_cannot_verify_but_the_province_office_can(
    bob: Any, alice: Any, api_as: Any, unit: Any
) -> None:
    page = _register(unit("BP-BGM"))
    assert api_as(bob).patch(f"pages/{page.pk}", {"status": "verified"}).status_code == 403
    response = api_as(alice).patch(f"pages/{page.pk}", {"status": "verified"})
    assert response.status_code == 200
    assert response.json()["verified_on"] == "2025-06-30"


def test_unknown_platform_is_a_validation_error(bob: Any, api_as: Any) -> None:
    response = api_as(bob).post(
        "pages", {"unit_code": "BP-BGM", "platform": "myspace", "name": "X", "url": "myspace.com/x"}
    )
    assert response.status_code == 422
    assert "platform" in response.json()["error"]["fields"]


def test_metrics_are_recorded_and_read_back_missing_stays_missing(bob: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    api = api_as(bob)
    response = api.post(
        f"pages/{page.pk}/metrics",
        {
            "snapshots": [
                {"day": "2025-06-01", "followers": 24000, "posts": 3},
                {"day": "2025-06-29", "likes": 17475},
            ]
        },
    )
    assert response.status_code == 201, response.content
    assert api.post(f"pages/{page.pk}/metrics", {"day": "2025-06-29", "followers": 24828}).status_code == 201
    rows = api.get(f"pages/{page.pk}/metrics", {"from": "2025-06-02", "to": "2025-06-30"}).json()
    assert rows == [
        {
            "day": "2025-06-29",
            "followers": 24828,
            "likes": 17475,
            "members": None,
            "posts": None,
            "reach": None,
            "engagement": None,
            "audience": 24828,
            "source": "manual",
        }
    ]
    detail = api.get(f"pages/{page.pk}").json()
    assert detail["latest_audience"] == 24828
    assert detail["last_post_day"] == "2025-06-01"


def test_metrics_cannot_be_read_or_written_outside_the_subtree(charlie: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    api = api_as(charlie)
    assert api.get(f"pages/{page.pk}/metrics").status_code == 403
    assert api.post(f"pages/{page.pk}/metrics", {"day": "2025-06-01", "followers": 1}).status_code == 403
    assert not MetricSnapshot.objects.exists()


def test_bad_metrics_are_refused_with_the_field_named(bob: Any, api_as: Any, unit: Any) -> None:
    page = _register(unit("BP-BGM"))
    api = api_as(bob)
    response = api.post(f"pages/{page.pk}/metrics", [{"day": "2025-06-01", "followers": -5}])
    assert response.status_code == 422
    assert "0.followers" in response.json()["error"]["fields"]
    response = api.post(f"pages/{page.pk}/metrics", {"day": "2025-07-05", "followers": 5})
    assert response.status_code == 422
    assert "day" in response.json()["error"]["fields"]
    # Beyond what the columns store (followers 64-bit, posts 32-bit): refused by the value parser, not a 500.
    response = api.post(
        f"pages/{page.pk}/metrics", [{"day": "2025-06-01", "followers": 2**70, "posts": 2**40}]
    )
    assert response.status_code == 422
    assert {"followers", "posts"} <= set(response.json()["error"]["fields"])
    assert "quá lớn" in response.json()["error"]["fields"]["posts"]
    assert not MetricSnapshot.objects.exists()


def test_data_entry_staff_may_record_figures_but_not_edit_the_page(
    make_person: Any, api_as: Any, unit: Any
) -> None:
    clerk = make_person("clerk", "BP-BGM", [("data_entry", "BP-BGM")])
    page = _register(unit("BP-BGM"))
    api = api_as(clerk)
    assert api.post(f"pages/{page.pk}/metrics", {"day": "2025-06-01", "followers": 10}).status_code == 201
    assert api.patch(f"pages/{page.pk}", {"name": "Other"}).status_code == 403
