"""The scope rule is enforced by the services: a task (or a cascade, or a progress note) that asks to
monitor, identify, collect evidence on or penalise persons for what they post is refused, from the
web and the API alike. Texts from the district letter 1189-CV/HU."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.directives import services
from ketnoi.directives.models import Task
from ketnoi.directives.scope import flags_of, refusal_message

LETTER = (Path(__file__).parent / "samples" / "cong-van-huyen-uy-1189-CV-HU.txt").read_text(encoding="utf-8")


def sentence(start: str) -> str:
    """The sentence of the letter that starts with ``start``."""
    at = LETTER.index(start)
    return LETTER[at : LETTER.index(".", at) + 1]


POLICING = [
    # Công an huyện: collect information, investigate, establish evidence and identity of persons.
    sentence("Tổ chức theo dõi, thu thập thông tin, điều tra, xác lập chứng cứ"),
    sentence("Tích cực, chủ động xác minh, làm rõ nguồn gốc, danh tính"),
    # The schools: watch teachers' and pupils' posts.
    sentence("Thường xuyên nắm bắt tình hình, theo dõi, kiểm tra, giám sát cán bộ, giáo viên"),
    # Ban chỉ đạo 35: penalise the persons who post.
    "Kiên quyết xử lý hoặc đề xuất xử lý nghiêm những cá nhân, tổ chức đăng tải, chia sẻ thông tin xấu, độc.",
    # UBND huyện: monitor the use of social networks to penalise.
    sentence("UBND huyện tập trung chỉ đạo"),
    # Tăng cường ... giám sát cán bộ, đảng viên ... trong việc sử dụng internet và mạng xã hội
    sentence("Tăng cường hơn nữa việc quản lý, giám sát cán bộ"),
]

UNITS_WORK = [
    sentence("Chủ trì, phối hợp với Ban Chỉ đạo 35 của huyện tổ chức tập huấn"),
    "Tổ chức tuyên truyền tại các khu chung cư và khu dân cư về sử dụng mạng xã hội an toàn.",
    "Điều tra xã hội học về nhu cầu thông tin của nhân dân trên địa bàn.",
    "Mỗi cơ quan, đơn vị xây dựng 01 trang thông tin điện tử trên mạng xã hội.",
]


@pytest.mark.parametrize("text", POLICING)
def test_a_task_to_police_persons_is_refused_by_the_service_with_a_clear_message(text, unit, bob):
    document = services.document_create(unit=unit("BP-BGM"), by=bob, title="Công văn 1189-CV/HU")
    with pytest.raises(ValidationError) as error:
        services.task_create(document=document, lead_unit=unit("BP-BGM"), text=text, by=bob)
    assert error.value.message == refusal_message(flags_of(text))
    assert "Kết Nối" in error.value.message
    assert "text" in error.value.fields
    assert not Task.objects.exists()


@pytest.mark.parametrize("text", UNITS_WORK)
def test_a_units_own_work_is_accepted(text, unit, bob):
    document = services.document_create(unit=unit("BP-BGM"), by=bob, title="Công văn 1189-CV/HU")
    assert flags_of(text) == []
    services.task_create(document=document, lead_unit=unit("BP-BGM"), text=text, by=bob)


def test_the_api_refuses_a_policing_task_and_confirming_a_proposal_with_one(unit, bob, api_as):
    document = services.document_create(unit=unit("BP-BGM"), by=bob, title="Công văn 1189-CV/HU")
    response = api_as(bob).post(
        "tasks", {"document": document.pk, "lead_unit": "BP-BGM", "text": POLICING[0]}
    )
    assert response.status_code == 422
    assert "Kết Nối" in response.json()["error"]["message"]
    response = api_as(bob).post(
        f"documents/{document.pk}/tasks",
        [
            {"text": UNITS_WORK[0], "units": ["BP-BGM"]},
            {"number": "1.3", "text": POLICING[1], "units": ["BP-BGM"]},
        ],
    )
    assert response.status_code == 422
    assert "1.3" in response.json()["error"]["message"]
    assert not Task.objects.exists()  # all or nothing


def test_rewording_cascading_or_reporting_cannot_bring_policing_back(unit, bob, api_as):
    document = services.document_create(unit=unit("BP-BGM"), by=bob, title="Công văn 1189-CV/HU")
    task = services.task_create(document=document, lead_unit=unit("BP-BGM"), text=UNITS_WORK[0], by=bob)
    with pytest.raises(ValidationError):
        services.task_update(task=task, by=bob, text=POLICING[2])
    with pytest.raises(ValidationError):
        services.task_cascade(task=task, units=[unit("BP-BGM-XPN")], text=POLICING[0], by=bob)
    # A progress note is the task's evidence: it cannot become a case file on persons.
    with pytest.raises(ValidationError) as error:
        services.task_report_progress(
            task=task, by=bob, progress=50, note="Đã thu thập chứng cứ, xác định danh tính 3 tài khoản."
        )
    assert "note" in error.value.fields
    response = api_as(bob).patch(f"tasks/{task.pk}", {"text": POLICING[3]})
    assert response.status_code == 422
    task.refresh_from_db()
    assert task.text == UNITS_WORK[0]


def test_the_web_review_refuses_a_ticked_policing_proposal(unit, bob, web_as):
    document = services.document_create(unit=unit("BP-BGM"), by=bob, title="Công văn 1189-CV/HU", body=LETTER)
    client = web_as(bob)
    page = client.get(f"/directives/documents/{document.pk}/review/")
    count = len(page.context["analysis"]["tasks"])
    data = {}
    for i in range(count):
        data[f"t{i}-selected"] = "on"
        data[f"t{i}-text"] = page.context["analysis"]["tasks"][i]["text"]
        data[f"t{i}-units"] = "BP-BGM"
    response = client.post(f"/directives/documents/{document.pk}/review/", data)
    assert response.status_code == 200
    assert "Kết Nối" in response.context["error"]
    assert not Task.objects.exists()
