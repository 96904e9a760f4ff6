"""Who is responsible for a unit is one rule (``permissions.responsible_people``), asked by every path that
tells a unit something: report reminders, task reminders and connection warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.accounts.services import user_update
from ketnoi.core import permissions
from ketnoi.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def names(people: list[Any]) -> list[str]:
    return [p.username for p in people]


@pytest.fixture
def staff(make_person: Any) -> dict[str, Any]:
    people = {
        "editor": make_person("xpn_editor", "BP-BGM-XPN", [("editor", "BP-BGM-XPN")]),
        "clerk": make_person("xpn_clerk", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")]),
        "head": make_person("xpn_head", "BP-BGM-XPN", [("unit_admin", "BP-BGM-XPN")]),
        "viewer": make_person("xpn_viewer", "BP-BGM-XPN", [("viewer", "BP-BGM-XPN")]),
        "district": make_person("bgm_editor", "BP-BGM", [("editor", "BP-BGM")]),
        "root": make_person("root_admin", "BP", [("system_admin", "BP")]),
    }
    for person in people.values():
        user_update(user=person, by=SYSTEM, email=f"{person.username}@example.vn")
    return people


def test_the_people_with_a_role_on_the_unit_itself_that_gives_the_verb(staff: Any, unit: Any) -> None:
    xpn = unit("BP-BGM-XPN")
    assert names(permissions.responsible_people(xpn, "edit")) == ["xpn_editor", "xpn_head"]
    assert names(permissions.responsible_people(xpn, "enter_data")) == ["xpn_clerk", "xpn_head"]
    # Neither the district above nor a system administrator is responsible for the commune.
    assert "bgm_editor" not in names(permissions.responsible_people(xpn, "edit"))
    assert "root_admin" not in names(permissions.responsible_people(xpn, "edit"))


def test_an_ended_grant_or_an_inactive_person_is_not_responsible(staff: Any, unit: Any) -> None:
    from ketnoi.accounts.models import RoleGrant

    RoleGrant.objects.filter(user=staff["editor"]).update(valid_until=dt.date(2020, 1, 1))
    user_update(user=staff["head"], by=SYSTEM, is_active=False)
    assert permissions.responsible_people(unit("BP-BGM-XPN"), "edit") == []


def test_with_nobody_on_the_unit_the_people_at_home_there_who_hold_the_verb(
    make_person: Any, unit: Any
) -> None:
    make_person("xdk_officer", "BP-BGM-XDK", [("editor", "BP-BGM")])
    make_person("xdk_reader", "BP-BGM-XDK", [("viewer", "BP-BGM")])
    assert names(permissions.responsible_people(unit("BP-BGM-XDK"), "edit")) == ["xdk_officer"]


def test_climbing_finds_the_nearest_unit_up_the_tree_with_someone(staff: Any, unit: Any) -> None:
    assert permissions.responsible_people(unit("BP-BGM-XDK"), "edit") == []
    assert names(permissions.responsible_people(unit("BP-BGM-XDK"), "edit", climb=True)) == ["bgm_editor"]


def test_many_units_are_answered_in_two_queries(
    staff: Any, unit: Any, django_assert_max_num_queries: Any
) -> None:
    units = [unit(code) for code in ("BP-BGM-XPN", "BP-BGM-XDK", "BP-BGM", "BP-DX")]
    with django_assert_max_num_queries(2):
        found = permissions.responsible_people_for(units, "edit")
    assert {u.code: names(found[u.pk]) for u in units} == {
        "BP-BGM-XPN": ["xpn_editor", "xpn_head"],
        "BP-BGM-XDK": [],
        "BP-BGM": ["bgm_editor"],
        "BP-DX": [],
    }


def test_report_reminders_task_reminders_and_connection_warnings_all_ask_the_one_rule(
    staff: Any, unit: Any, alice: Any
) -> None:
    from ketnoi.connectors.services import page_admins
    from ketnoi.directives import services as directives
    from ketnoi.directives.services import _reminder_recipients
    from ketnoi.pages.services import page_register
    from ketnoi.reporting.tasks import recipients_of

    xpn = unit("BP-BGM-XPN")
    assert recipients_of(xpn) == permissions.responsible_people(xpn, "enter_data")

    page = page_register(
        unit=xpn,
        platform="facebook_page",
        name="Xã Phú Nghĩa",
        url="https://www.facebook.com/xaphunghia",
        by=SYSTEM,
    )
    assert page_admins(page) == permissions.responsible_people(xpn, "edit", climb=True)

    document = directives.document_create(unit=unit("BP"), by=alice, number="12-CT/TU", title="Chỉ thị thử")
    task = directives.task_create(document=document, lead_unit=xpn, text="Báo cáo kết quả.", by=alice)
    assert _reminder_recipients(task) == sorted(
        p.email for p in permissions.responsible_people(xpn, "edit") if p.email
    )
