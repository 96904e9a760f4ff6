"""A unit's own progress and the roll-up of its lower units are two figures, both kept and shown:
a district that reported 60 % and passed the task to its communes still shows its 60 %."""

from __future__ import annotations

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.directives import selectors, services
from ketnoi.directives.models import TaskStatus


@pytest.fixture
def district_task(unit, alice):
    document = services.document_create(unit=unit("BP"), by=alice, title="Kế hoạch tuyên truyền")
    return services.task_create(document=document, lead_unit=unit("BP-BGM"), text="Tuyên truyền.", by=alice)


def test_own_progress_stays_when_the_task_is_passed_down(district_task, unit, bob):
    services.task_report_progress(task=district_task, by=bob, progress=60, note="Đã làm phần của huyện.")
    children = services.task_cascade(
        task=district_task, units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")], by=bob
    )
    district_task.refresh_from_db()
    assert district_task.progress == 60  # own
    assert district_task.lower_units == 0  # two communes, nothing reported yet
    services.task_report_progress(task=children[0], by=bob, progress=50)
    district_task.refresh_from_db()
    assert (district_task.progress, district_task.lower_units, district_task.rollup) == (60, 25, 25)


def test_a_task_with_no_lower_units_has_no_lower_figure(district_task, bob):
    services.task_report_progress(task=district_task, by=bob, progress=30)
    district_task.refresh_from_db()
    assert district_task.lower_units is None
    assert district_task.rollup == 30


def test_not_started_with_a_percentage_is_refused_in_the_service_and_the_api(district_task, bob, api_as):
    with pytest.raises(ValidationError) as error:
        services.task_report_progress(task=district_task, by=bob, status=TaskStatus.NOT_STARTED, progress=60)
    assert "status" in error.value.fields
    response = api_as(bob).patch(f"tasks/{district_task.pk}", {"status": "not_started", "progress": 60})
    assert response.status_code == 422
    district_task.refresh_from_db()
    assert district_task.progress == 0
    services.task_report_progress(task=district_task, by=bob, status=TaskStatus.NOT_STARTED, progress=0)


def test_the_api_gives_both_figures(district_task, unit, bob, api_as):
    services.task_report_progress(task=district_task, by=bob, progress=60)
    services.task_cascade(task=district_task, units=[unit("BP-BGM-XPN")], by=bob)
    row = api_as(bob).get(f"tasks/{district_task.pk}").json()
    assert (row["progress"], row["lower_units"]) == (60, 0)


def test_per_unit_tables_give_the_own_mean_beside_the_roll_up(district_task, unit, bob, alice):
    services.task_report_progress(task=district_task, by=bob, progress=60)
    services.task_cascade(task=district_task, units=[unit("BP-BGM-XPN")], by=bob)
    rows = selectors.progress_rows(selectors.task_list(for_user=alice, top_only=True))
    assert [(r.unit.code, r.own, r.progress) for r in rows] == [("BP-BGM", 60, 0)]
    task = selectors.task_list(for_user=alice, top_only=True).get()
    assert [(r.own, r.progress) for r in selectors.progress_by_unit(tasks=[task])] == [(60, 0)]


def test_the_task_page_shows_own_progress_and_the_lower_units(district_task, unit, bob, web_as):
    services.task_report_progress(task=district_task, by=bob, progress=60)
    services.task_cascade(task=district_task, units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")], by=bob)
    html = web_as(bob).get(f"/directives/tasks/{district_task.pk}/").content.decode()
    assert "Tiến độ của đơn vị" in html and "60%" in html
    assert "Cấp dưới" in html and "2 đơn vị cấp dưới" in html


def test_a_deadline_found_in_the_text_is_offered_as_dd_mm_yyyy(unit, alice, web_as):
    text = (
        "KẾ HOẠCH\nTuyên truyền\nBan Tuyên giáo Tỉnh ủy yêu cầu:\n"
        "1. Ban Tuyên giáo Tỉnh ủy tổ chức tập huấn, hoàn thành trước ngày 15/7/2026."
    )
    document = services.document_create(unit=unit("BP"), by=alice, title="Kế hoạch", body=text)
    page = web_as(alice).get(f"/directives/documents/{document.pk}/review/").content.decode()
    assert 'value="15/07/2026"' in page
    assert "2026-07-15" not in page
