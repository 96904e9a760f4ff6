"""A unit that no longer exists on a date is never offered for, nor accepted in, new work on that date;
its history stays readable (issue 11, item 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.units import selectors, services
from ketnoi.units.models import Unit

REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def merged(unit: Any, admin_user: Any) -> Unit:
    """Xã Phú Nghĩa merged into Xã Đa Kia on 01/07/2025 (already past, so applied at once)."""
    services.unit_merge(
        sources=[unit("BP-BGM-XPN")], target=unit("BP-BGM-XDK"), effective_date=REFORM, by=admin_user
    )
    return unit("BP-BGM-XPN")


def test_the_one_rule_names_the_unit_its_successor_and_the_date(merged: Unit) -> None:
    with pytest.raises(ValidationError) as error:
        selectors.require_exists(merged, field="lead_unit")
    message = str(error.value.fields["lead_unit"])
    assert "Xã Phú Nghĩa" in message and "Xã Đa Kia" in message and "01/07/2025" in message
    assert selectors.require_exists(merged, dt.date(2025, 6, 30)) == merged  # it existed the day before


def test_a_unit_not_yet_established_is_refused_too(unit: Any, admin_user: Any) -> None:
    new = services.unit_create(
        code="BP-NEW",
        name="Xã Mới",
        kind="commune",
        level="commune",
        parent=unit("BP-BGM"),
        by=admin_user,
        valid_from=dt.date(2030, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        selectors.require_exists(new)
    assert "01/01/2030" in str(error.value)


def test_a_task_cannot_be_assigned_or_passed_down_to_a_merged_commune(
    merged: Unit, unit: Any, alice: Any
) -> None:
    from ketnoi.directives import services as directives

    document = directives.document_create(unit=unit("BP"), by=alice, title="Kế hoạch tuyên truyền")
    with pytest.raises(ValidationError) as error:
        directives.task_create(document=document, lead_unit=merged, text="Tuyên truyền.", by=alice)
    assert "lead_unit" in error.value.fields
    district = directives.task_create(
        document=document, lead_unit=unit("BP-BGM"), text="Tuyên truyền.", by=alice
    )
    with pytest.raises(ValidationError):
        directives.task_cascade(task=district, units=[merged], by=alice)
    assert not district.children.exists()
    with pytest.raises(ValidationError):
        directives.task_create(
            document=document, lead_unit=unit("BP-DX"), text="Phối hợp.", coordinating=[merged], by=alice
        )
    # Its successor receives the work.
    assert directives.task_cascade(task=district, units=[unit("BP-BGM-XDK")], by=alice)


def test_the_api_refuses_a_task_for_a_merged_commune_with_422(
    merged: Unit, unit: Any, alice: Any, api_as: Any
) -> None:
    from ketnoi.directives import services as directives

    document = directives.document_create(unit=unit("BP"), by=alice, title="Kế hoạch tuyên truyền")
    district = directives.task_create(
        document=document, lead_unit=unit("BP-BGM"), text="Tuyên truyền.", by=alice
    )
    response = api_as(alice).post(f"tasks/{district.pk}/cascade", {"units": ["BP-BGM-XPN"]})
    assert response.status_code == 422, response.content
    assert "đã sáp nhập vào Xã Đa Kia từ ngày 01/07/2025" in response.json()["error"]["message"]


def test_the_assign_to_lower_units_picker_offers_only_existing_units(
    merged: Unit, unit: Any, alice: Any, web_as: Any
) -> None:
    from ketnoi.directives import services as directives

    document = directives.document_create(unit=unit("BP"), by=alice, title="Kế hoạch tuyên truyền")
    district = directives.task_create(
        document=document, lead_unit=unit("BP-BGM"), text="Tuyên truyền.", by=alice
    )
    html = web_as(alice).get(f"/directives/tasks/{district.pk}/").content.decode()
    assert "Xã Đa Kia" in html
    assert "Xã Phú Nghĩa" not in html


def test_pages_roles_and_stories_refuse_a_merged_unit(merged: Unit, alice: Any, admin_user: Any) -> None:
    from ketnoi.accounts import services as accounts
    from ketnoi.pages import services as pages
    from ketnoi.publishing.services import stories

    with pytest.raises(ValidationError):
        pages.page_register(
            unit=merged,
            platform="facebook_page",
            name="Xã Phú Nghĩa",
            url="https://www.facebook.com/xaphunghia",
            by=alice,
        )
    with pytest.raises(ValidationError):
        accounts.role_grant(user=alice, unit=merged, role="viewer", by=admin_user)
    with pytest.raises(ValidationError):
        stories.story_create(unit=merged, title="Tin xã", body="Nội dung.", by=alice)


def test_the_page_form_offers_only_existing_units(merged: Unit, alice: Any, web_as: Any) -> None:
    html = web_as(alice).get("/pages/new/").content.decode()
    assert "Xã Đa Kia" in html
    assert "Xã Phú Nghĩa" not in html


def test_a_document_issued_before_the_merger_can_still_be_registered(merged: Unit, alice: Any) -> None:
    from ketnoi.directives import services as directives

    old = directives.document_create(
        unit=merged, by=alice, title="Báo cáo năm 2024", issued_on=dt.date(2024, 12, 20)
    )
    assert old.unit == merged
    with pytest.raises(ValidationError):
        directives.document_create(unit=merged, by=alice, title="Báo cáo năm 2026")


def test_the_history_of_a_merged_unit_stays_readable(merged: Unit, alice: Any, web_as: Any) -> None:
    response = web_as(alice).get("/units/BP-BGM-XPN/")
    assert response.status_code == 200
    assert "Xã Phú Nghĩa" in response.content.decode()
    assert merged.pk in selectors.tree_as_of(dt.date(2025, 6, 30))
