"""A task's evidence link: one check for every way in (API, web form, service); links only for http(s)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ketnoi.core.exceptions import ValidationError
from ketnoi.directives import services
from ketnoi.directives.models import ProgressUpdate, Task

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "http://[bad",
]


@pytest.fixture
def task(unit: Any, alice: Any) -> Task:
    document = services.document_create(
        unit=unit("BP"), by=alice, title="Kế hoạch tuyên truyền", number="12-KH/TU", read_heading=False
    )
    [created] = services.tasks_confirm(
        document=document,
        proposals=[
            services.ConfirmedProposal(
                number="1",
                text="Báo cáo kết quả tuyên truyền.",
                units=[unit("BP-BGM")],
                due_date=timezone.localdate() + dt.timedelta(days=10),
            )
        ],
        by=alice,
    )
    return created


@pytest.mark.parametrize("link", HOSTILE)
def test_the_api_refuses_a_link_that_is_not_http_with_a_422(
    task: Task, bob: Any, api_as: Any, link: str
) -> None:
    response = api_as(bob).patch(f"tasks/{task.pk}", {"link": link, "note": "Xong"})
    assert response.status_code == 422, response.content
    assert "link" in response.json()["error"]["fields"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("link", HOSTILE)
def test_the_service_refuses_it_whatever_calls_it(task: Task, bob: Any, link: str) -> None:
    with pytest.raises(ValidationError):
        services.task_report_progress(task=task, by=bob, note="Xong", link=link)


def test_the_web_form_refuses_it_too(task: Task, bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    response = client.post(
        f"/directives/tasks/{task.pk}/",
        {"action": "progress", "status": "in_progress", "progress": "50", "link": "javascript:alert(1)"},
    )
    assert response.status_code in (200, 302)
    assert not ProgressUpdate.objects.exists()


def test_a_good_link_is_stored_with_https_and_shown_as_a_link(
    task: Task, bob: Any, alice: Any, api_as: Any, web_as: Any
) -> None:
    response = api_as(bob).patch(
        f"tasks/{task.pk}", {"link": "bugiamap.binhphuoc.gov.vn/tin/1", "progress": 50}
    )
    assert response.status_code == 200, response.content
    assert ProgressUpdate.objects.get().link == "https://bugiamap.binhphuoc.gov.vn/tin/1"
    page = web_as(alice).get(f"/directives/tasks/{task.pk}/").content.decode()
    assert 'href="https://bugiamap.binhphuoc.gov.vn/tin/1"' in page


def test_a_hostile_link_stored_before_the_check_is_shown_as_text_to_every_viewer(
    task: Task, bob: Any, alice: Any, web_as: Any
) -> None:
    services.task_report_progress(task=task, by=bob, note="Xong", link="https://example.gov.vn/")
    ProgressUpdate.objects.update(link="javascript:alert(document.cookie)")
    for viewer in (bob, alice):
        page = web_as(viewer).get(f"/directives/tasks/{task.pk}/").content.decode()
        assert "javascript:alert(document.cookie)" in page
        assert 'href="javascript' not in page.lower()
