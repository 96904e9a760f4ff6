"""The register end to end: documents, confirmed proposals, cascading, roll-up, overdue, reminders,
search, API and pages, each scoped to the caller's subtree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.directives import selectors, services
from ketnoi.directives.models import Document, Task, TaskReminder, TaskStatus
from ketnoi.units.models import Unit

SAMPLES = Path(__file__).parent / "samples"
TODAY = dt.date(2026, 11, 20)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def directive(unit, alice):
    """The provincial directive, registered by alice from its file."""
    return services.document_create(
        unit=unit("BP"),
        by=alice,
        number="23-CT/TU",
        files=[services.Upload("chi-thi.txt", sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"))],
    )


@pytest.fixture
def assigned(directive, unit, alice):
    """Task 7 of the directive for both districts, due in ten days."""
    with time_machine.travel(TODAY, tick=False):
        return services.tasks_confirm(
            document=directive,
            proposals=[
                services.ConfirmedProposal(
                    number="7",
                    text="Chỉ đạo triển khai thực hiện Chỉ thị.",
                    units=[unit("BP-BGM"), unit("BP-DX")],
                    due_date=TODAY + dt.timedelta(days=10),
                )
            ],
            by=alice,
        )


def test_a_document_registered_from_its_file_reads_its_heading(directive):
    assert directive.kind == "chi_thi"
    assert directive.number == "23-CT/TU"
    assert directive.number_value == 23 and directive.issuer_code == "TU"
    assert directive.issuing_body == "Ban Thường vụ Tỉnh ủy"
    assert directive.signer == "Lê Thị Thu Hồng"
    assert directive.files.get().text.startswith("\n\nCHỈ THỊ")
    assert "các huyện ủy" not in directive.recipients_text.lower()  # mapped to units, not left as text
    assert set(directive.recipients.values_list("code", flat=True)) >= {"BP-BGM", "BP-DX", "BP-BTG"}


def test_a_malformed_number_is_refused_naming_the_field(unit, alice):
    with pytest.raises(ValidationError) as error:
        services.document_create(unit=unit("BP"), by=alice, title="Thử", number="23/TU")
    assert "number" in error.value.fields


def test_the_same_number_cannot_be_registered_twice(directive, unit, alice):
    with pytest.raises(Conflict):
        services.document_create(unit=unit("BP"), by=alice, title="Bản khác", number="23-ct/tu")


def test_an_editor_cannot_register_a_document_for_a_unit_outside_their_subtree(unit, bob):
    with pytest.raises(PermissionDenied):
        services.document_create(unit=unit("BP"), by=bob, title="Không được")


def test_confirming_proposals_gives_each_unit_its_own_task_and_nothing_before(directive, unit, alice):
    assert not Task.objects.exists()
    tasks = services.tasks_confirm(
        document=directive,
        proposals=[
            services.ConfirmedProposal(
                number="8", text="Tuyên truyền Chỉ thị.", units=[unit("BP-BTG")], recurrence="quarterly"
            )
        ],
        by=alice,
    )
    assert [(t.number, t.lead_unit.code) for t in tasks] == [("8", "BP-BTG")]
    assert tasks[0].due_date is not None  # a recurring duty is due at the end of the current quarter


def test_confirmation_is_all_or_nothing(directive, unit, alice):
    with pytest.raises(ValidationError) as error:
        services.tasks_confirm(
            document=directive,
            proposals=[
                services.ConfirmedProposal(number="6", text="Nghiên cứu.", units=[unit("BP-BTG")]),
                services.ConfirmedProposal(number="7", text="Không có đơn vị.", units=[]),
            ],
            by=alice,
        )
    assert "7" in str(error.value.message)
    assert not Task.objects.exists()


def test_a_district_cascades_its_task_to_its_communes_and_the_parent_rolls_up(assigned, unit, bob):
    received = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    children = services.task_cascade(task=received, units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")], by=bob)
    assert [c.number for c in children] == ["7/1", "7/2"]
    services.task_report_progress(task=children[0], by=bob, status=TaskStatus.DONE, note="Đã quán triệt.")
    services.task_report_progress(
        task=children[1], by=bob, progress=50, note="Đang thực hiện.", link="https://example.org/bien-ban"
    )
    received.refresh_from_db()
    assert received.rollup == 75
    assert received.status == TaskStatus.IN_PROGRESS
    services.task_report_progress(task=children[1], by=bob, status=TaskStatus.DONE, note="Xong.")
    received.refresh_from_db()
    assert (received.rollup, received.status) == (100, TaskStatus.DONE)
    assert selectors.document_progress(list(Task.objects.all())) == 50  # BGM done, DX not started


def test_a_unit_cannot_cascade_to_units_outside_its_subtree(assigned, unit, bob):
    received = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    with pytest.raises(ValidationError):
        services.task_cascade(task=received, units=[unit("BP-DX-PTP")], by=bob)


def test_another_district_cannot_report_progress_on_a_task_it_did_not_receive(assigned, charlie):
    received = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    with pytest.raises(PermissionDenied):
        services.task_report_progress(task=received, by=charlie, progress=10, note="x")


def test_a_task_past_its_deadline_and_not_done_is_overdue(assigned):
    with time_machine.travel(TODAY + dt.timedelta(days=11), tick=False):
        overdue = Task.objects.filter(pk__in=[t.pk for t in assigned])
        assert all(t.shown_status == "overdue" for t in overdue)


def test_reminders_are_emailed_once_per_task_and_deadline(assigned, unit, bob):
    from ketnoi.accounts.services import user_update

    user_update(user=bob, by=SYSTEM, email="bob@bgm.example")
    with time_machine.travel(TODAY + dt.timedelta(days=8), tick=False):
        assert services.reminders_send() == 1  # due soon: bob's district
        assert services.reminders_send() == 0
    with time_machine.travel(TODAY + dt.timedelta(days=12), tick=False):
        assert services.reminders_send() == 1  # overdue now
    assert [m.to for m in mail.outbox] == [["bob@bgm.example"], ["bob@bgm.example"]]
    assert "quá hạn" in mail.outbox[1].subject
    assert TaskReminder.objects.count() == 4  # DX has no address: recorded, not resent


def test_the_daily_huey_task_sends_the_reminders(assigned, bob):
    from ketnoi.accounts.services import user_update
    from ketnoi.directives.tasks import send_task_reminders

    user_update(user=bob, by=SYSTEM, email="bob@bgm.example")
    with time_machine.travel(TODAY + dt.timedelta(days=12), tick=False):
        send_task_reminders.call_local()
    assert len(mail.outbox) == 1


def test_a_recurring_report_moves_the_deadline_to_the_next_period(directive, unit, alice):
    with time_machine.travel(dt.date(2026, 2, 10), tick=False):
        task = services.task_create(
            document=directive, lead_unit=unit("BP-BTG"), text="Báo cáo quý", recurrence="quarterly", by=alice
        )
        assert task.due_date == dt.date(2026, 3, 31)
        services.task_report_progress(
            task=task, by=alice, note="Báo cáo quý I", period_end=dt.date(2026, 3, 31)
        )
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 6, 30)
    assert task.status == TaskStatus.IN_PROGRESS


def test_search_without_diacritics_finds_the_directive(directive, alice, unit):
    services.document_create(
        unit=unit("BP-BGM"),
        by=SYSTEM,
        files=[services.Upload("cv.txt", sample("cong-van-huyen-uy-1189-CV-HU.txt"))],
    )
    found = selectors.search(for_user=alice, q="chi thi mang xa hoi")
    assert found["documents"][0] == directive
    assert [d.number for d in selectors.search(for_user=alice, q="1189-cv/hu")["documents"]] == ["1189-CV/HU"]
    assert selectors.search(for_user=alice, q="zzyzx")["documents"] == []


def test_documents_and_tasks_are_scoped_to_the_callers_subtree(
    assigned, directive, unit, charlie, bob, make_person
):
    other = services.document_create(
        unit=unit("BP-BGM"), by=bob, title="Kế hoạch riêng của huyện", number="5-KH/HU"
    )
    assert other not in selectors.document_list(for_user=charlie)
    assert directive in selectors.document_list(for_user=charlie)  # DX is a recipient and has a task
    assert {t.lead_unit.code for t in selectors.task_list(for_user=charlie)} == {"BP-DX"}
    with pytest.raises(PermissionDenied):
        selectors.document_get(pk=other.pk, for_user=charlie)
    stranger = make_person("dan", "BP-BTG", [("viewer", "BP-BTG")])
    assert list(selectors.task_list(for_user=stranger)) == []


def test_the_list_of_documents_takes_a_bounded_number_of_queries(
    directive, alice, unit, django_assert_max_num_queries
):
    for n in range(5):
        services.document_create(unit=unit("BP"), by=alice, title=f"Văn bản {n}", number=f"{n + 1}-TB/TU")
    with django_assert_max_num_queries(4):
        rows = list(selectors.document_list(for_user=alice))
    assert len(rows) == 6


def test_references_become_links_and_the_register_shows_the_chain(unit, bob, alice):
    letter = services.document_create(
        unit=unit("BP-BGM"),
        by=bob,
        files=[services.Upload("cv.txt", sample("cong-van-huyen-uy-1189-CV-HU.txt"))],
    )
    services.reference_accept(
        document=letter, number="85-QĐ/TW", kind="implements", kind_word="Quy định", by=bob
    )
    regulation = Document.objects.get(number="85-QĐ/TW")
    assert regulation.kind == "quy_dinh"
    chain = selectors.document_chain(regulation, for_user=alice)
    assert [d for d, _k in chain["down"]] == [letter]
    assert [d for d, _k in selectors.document_chain(letter, for_user=alice)["up"]] == [regulation]
    with pytest.raises(ValidationError):
        services.document_link(source=regulation, target=letter, kind="implements", by=bob)


# --- API ---------------------------------------------------------------------------------------


def test_api_creates_a_document_from_its_text_and_proposes_its_tasks(api_as, alice):
    text = sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt").decode()
    created = api_as(alice).post("documents", {"unit": "BP", "text": text, "number": "24-CT/TU"})
    assert created.status_code == 201, created.content
    doc = created.json()
    assert (doc["kind"], doc["number"], doc["kind_code"]) == ("chi_thi", "24-CT/TU", "CT")
    proposals = api_as(alice).get(f"documents/{doc['id']}/proposals").json()
    assert [t["number"] for t in proposals["tasks"]][:2] == ["1.1", "1.2"]


def test_api_refuses_a_malformed_number_with_the_field(api_as, alice):
    response = api_as(alice).post("documents", {"unit": "BP", "title": "x", "number": "CT/TU"})
    assert response.status_code == 422
    assert "number" in response.json()["error"]["fields"]


def test_api_cannot_create_a_document_for_another_subtree(api_as, charlie):
    response = api_as(charlie).post("documents", {"unit": "BP-BGM", "title": "x"})
    assert response.status_code == 403


def test_api_tasks_confirm_patch_and_overdue_filter(api_as, directive, alice, bob, charlie):
    with time_machine.travel(TODAY, tick=False):
        confirm = api_as(alice).post(
            f"documents/{directive.pk}/tasks",
            [
                {
                    "number": "7",
                    "text": "Chỉ đạo triển khai.",
                    "units": ["BP-BGM", "BP-DX"],
                    "due_date": "2026-11-25",
                }
            ],
        )
    assert confirm.status_code == 201
    bgm_task = next(t for t in confirm.json() if t["lead_unit"] == "BP-BGM")
    assert api_as(charlie).patch(f"tasks/{bgm_task['id']}", {"progress": 30, "note": "x"}).status_code == 403
    patched = api_as(bob).patch(f"tasks/{bgm_task['id']}", {"progress": 30, "note": "Đã quán triệt"})
    assert patched.status_code == 200 and patched.json()["rollup"] == 30
    assert (
        api_as(bob).patch(f"tasks/{bgm_task['id']}", {"due_date": "2027-01-01"}).status_code == 403
    )  # only the issuer
    with time_machine.travel(dt.date(2026, 12, 1), tick=False):
        overdue = api_as(alice).get("tasks", {"status": "overdue"}).json()
        assert {t["lead_unit"] for t in overdue} == {"BP-BGM", "BP-DX"}
        assert {t["status"] for t in overdue} == {"overdue"}
        assert [t["lead_unit"] for t in api_as(charlie).get("tasks").json()] == ["BP-DX"]


def test_api_cascade_and_cannot_see_other_districts_tasks(api_as, assigned, bob, charlie):
    bgm = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    response = api_as(bob).post(f"tasks/{bgm.pk}/cascade", {"units": ["BP-BGM-XPN"]})
    assert response.status_code == 201
    child = response.json()[0]
    assert api_as(charlie).get(f"tasks/{child['id']}").status_code == 403
    assert api_as(charlie).post(f"tasks/{bgm.pk}/cascade", {"units": ["BP-BGM-XDK"]}).status_code == 403
    assert api_as(bob).get("tasks/999999").status_code == 404


def test_api_post_task_checks_the_assigning_unit(api_as, directive, bob, alice):
    assert (
        api_as(bob).post("tasks", {"document": directive.pk, "lead_unit": "BP-BGM", "text": "x"}).status_code
        == 403
    )
    ok = api_as(alice).post(
        "tasks", {"document": directive.pk, "lead_unit": "BP-BGM", "text": "Việc mới", "number": "9"}
    )
    assert ok.status_code == 201 and ok.json()["assigned_by"] == "BP"


def test_api_search_with_or_without_diacritics(api_as, directive, alice, charlie, unit, bob):
    services.document_create(
        unit=unit("BP-BGM"), by=bob, title="Kế hoạch mạng xã hội của huyện", number="7-KH/HU"
    )
    for q in ("chi thi mang xa hoi", "Chỉ thị mạng xã hội", "CHI THI"):
        assert api_as(alice).get("search", {"q": q}).json()["documents"][0]["number"] == "23-CT/TU"
    numbers = [d["number"] for d in api_as(charlie).get("search", {"q": "mang xa hoi"}).json()["documents"]]
    assert "7-KH/HU" not in numbers


# --- Pages -------------------------------------------------------------------------------------


def test_uploading_the_directive_proposes_its_tasks_and_confirming_assigns_them(web_as, alice, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web_as(alice)
    upload = SimpleUploadedFile(
        "chi-thi.txt", sample("chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"), content_type="text/plain"
    )
    response = client.post("/directives/documents/new/", {"unit": unit("BP").pk, "attachments": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    review = client.get(response["Location"])
    page = review.content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy tăng cường quán triệt" in page
    assert page.count('-selected"') == 16
    data = {
        "t15-selected": "on",
        "t15-number": "8",
        "t15-text": "Tuyên truyền Chỉ thị",
        "t15-units": ["BP-BTG"],
        "t15-due": "31/12/2026",
    }
    confirmed = client.post(response["Location"], data)
    assert confirmed.status_code == 302
    task = Task.objects.get()
    assert (task.number, task.lead_unit.code, task.due_date) == ("8", "BP-BTG", dt.date(2026, 12, 31))
    detail = client.get(confirmed["Location"]).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in detail and "31/12/2026" in detail


def test_the_district_sees_its_task_reports_progress_and_cascades_on_its_page(web_as, assigned, bob, unit):
    task = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    client = web_as(bob)
    assert "Chỉ đạo triển khai" in client.get("/directives/units/BP-BGM/").content.decode()
    page = client.get(f"/directives/tasks/{task.pk}/")
    assert page.status_code == 200
    client.post(f"/directives/tasks/{task.pk}/", {"action": "cascade", "units": [unit("BP-BGM-XPN").pk]})
    child = task.children.get()
    client.post(f"/directives/tasks/{child.pk}/", {"action": "progress", "status": "done", "note": "Xong"})
    task.refresh_from_db()
    assert task.rollup == 100


def test_pages_are_scoped_and_in_vietnamese(web_as, assigned, charlie):
    bgm = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    client = web_as(charlie)
    assert client.get(f"/directives/tasks/{bgm.pk}/").status_code == 403
    assert client.get("/directives/units/BP-BGM/").status_code == 403
    for url in (
        "/directives/",
        "/directives/documents/?q=chi+thi",
        "/directives/deadlines/",
        "/directives/calendar/?month=2026-11",
        "/directives/units/BP-DX/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Sổ theo dõi văn bản" in client.get("/directives/").content.decode()


def test_the_demo_loads_twice_into_the_same_register(db):
    from ketnoi.accounts import demo as accounts_demo
    from ketnoi.directives import demo
    from ketnoi.units import demo as units_demo

    def load() -> None:  # in the order of `ketnoi demo`: the old tree's documents before the 2025 reform
        units_demo.load_old_tree()
        demo.load_before_reform()
        units_demo.load_reform()
        accounts_demo.load()
        demo.load_after_reform()

    with time_machine.travel(TODAY, tick=False):
        load()
        counts = (Document.objects.count(), Task.objects.count())
        load()
    assert (Document.objects.count(), Task.objects.count()) == counts
    assert Document.objects.filter(number="1189-CV/HU").exists()
    overdue = [t for t in Task.objects.all() if t.is_overdue_on(TODAY)]
    assert overdue and Task.objects.filter(status=TaskStatus.DONE).exists()
    assert Task.objects.filter(parent__isnull=False, lead_unit__code__startswith="BP-BGM-").exists()
    # Before the reform the directive went to the districts; after it the plan goes to communes and wards
    # directly under Tỉnh Đồng Nai.
    chi_thi = Document.objects.get(issued_on=dt.date(2024, 10, 15))
    assert chi_thi.tasks.filter(lead_unit__code="BP-DX").exists()
    plan = Document.objects.get(unit__code="DN")
    leads = set(plan.tasks.values_list("lead_unit__code", flat=True))
    assert {"DN-PBP", "DN-PDX", "BP-BGM-XBGM"} <= leads
    assert all(Unit.objects.get(code=c).is_active_on(TODAY) for c in leads)
    assert any(t.is_overdue_on(TODAY) for t in plan.tasks.all())
    # What the old tree left open is the little an office carries over, not years of unclosed work.
    held_over = {(t.number, t.lead_unit.code) for t in overdue if t.document.issued_on < dt.date(2025, 7, 1)}
    assert ("1.2", "BP-BGM") in held_over and len(held_over) <= 2


def test_the_issuer_edits_the_details_attaches_a_file_and_adds_a_task_by_hand(web_as, directive, alice, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web_as(alice)
    form = {
        "kind": "chi_thi",
        "number": "25-CT/TU",
        "title": "Chỉ thị về mạng xã hội",
        "issued_on": "08/09/2023",
    }
    assert client.post(f"/directives/documents/{directive.pk}/edit/", form).status_code == 302
    directive.refresh_from_db()
    assert (directive.number, directive.issued_on) == ("25-CT/TU", dt.date(2023, 9, 8))
    bad = client.post(f"/directives/documents/{directive.pk}/edit/", {**form, "number": "25/TU"})
    assert "thiếu loại văn bản" in bad.content.decode()
    upload = SimpleUploadedFile(
        "phu-luc.txt", "Phụ lục: danh sách trang cộng đồng".encode(), content_type="text/plain"
    )
    client.post(f"/directives/documents/{directive.pk}/attach/", {"file": upload})
    assert selectors.search(for_user=alice, q="phu luc danh sach trang")["documents"] == [directive]
    client.post(
        f"/directives/documents/{directive.pk}/tasks/",
        {"number": "9", "text": "Báo cáo kết quả", "units": [unit("BP-DX").pk], "due_date": "31/01/2027"},
    )
    task = Task.objects.get(number="9")
    assert (task.lead_unit.code, task.due_date) == ("BP-DX", dt.date(2027, 1, 31))
    client.post(
        f"/directives/tasks/{task.pk}/edit/", {"text": "Báo cáo kết quả quý", "due_date": "15/02/2027"}
    )
    task.refresh_from_db()
    assert (task.text, task.due_date) == ("Báo cáo kết quả quý", dt.date(2027, 2, 15))


def test_a_district_cannot_edit_the_province_document_or_its_assignment(web_as, assigned, directive, bob):
    client = web_as(bob)
    task = next(t for t in assigned if t.lead_unit.code == "BP-BGM")
    assert client.get(f"/directives/documents/{directive.pk}/edit/").status_code == 403
    assert client.post(f"/directives/tasks/{task.pk}/edit/", {"text": "x"}).status_code == 403
    assert client.post(f"/directives/documents/{directive.pk}/tasks/", {"text": "x"}).status_code == 403


def test_the_calendar_counts_the_units_of_one_task_together(web_as, assigned, alice):
    weeks = selectors.calendar_month(for_user=alice, year=2026, month=11)
    entries = [e for week in weeks for _day, day_entries in week for e in day_entries]
    assert [(e.task.number, e.count) for e in entries] == [("7", 2)]
    page = web_as(alice).get("/directives/calendar/?month=2026-11").content.decode()
    assert "2 đơn vị" in page


def test_a_district_registers_its_letter_and_sees_bodies_it_has_not_registered(web_as, bob, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web_as(bob)
    upload = SimpleUploadedFile(
        "1189.txt", sample("cong-van-huyen-uy-1189-CV-HU.txt"), content_type="text/plain"
    )
    response = client.post("/directives/documents/new/", {"unit": unit("BP-BGM").pk, "attachments": upload})
    assert response.status_code == 302
    letter = Document.objects.get(number="1189-CV/HU")
    assert letter.unit.code == "BP-BGM"
    page = client.get(response["Location"]).content.decode()
    assert "Công an huyện" in page  # named in the text, not in the registry: shown for the user to decide
    assert "Có nội dung xử lý cá nhân" in page  # flagged and left unticked
    assert web_as(bob).get(f"/directives/documents/{letter.pk}/").status_code == 200


def test_api_links_a_letter_to_the_regulation_it_carries_out(api_as, bob, charlie, unit):
    letter = services.document_create(
        unit=unit("BP-BGM"),
        by=bob,
        files=[services.Upload("cv.txt", sample("cong-van-huyen-uy-1189-CV-HU.txt"))],
    )
    body = {"number": "85-QĐ/TW", "kind_word": "Quy định", "kind": "implements"}
    assert api_as(charlie).post(f"documents/{letter.pk}/links", body).status_code == 403
    response = api_as(bob).post(f"documents/{letter.pk}/links", body)
    assert response.status_code == 201
    assert Document.objects.get(pk=response.json()["target"]).kind == "quy_dinh"


def test_overdue_tasks_are_counted_not_cut_at_a_limit_and_their_list_is_paged(web_as, assigned, alice, unit):
    """The home glance said "200 overdue" for any number above 200 (the length of a list cut at 200), and
    the deadlines page listed up to 200 rows on one screen."""
    from ketnoi.site.overview import overview_for

    model = assigned[0]
    Task.objects.bulk_create(
        Task(
            document=model.document,
            text=f"Việc thêm {i}",
            lead_unit=model.lead_unit,
            assigned_by=model.assigned_by,
            due_date=model.due_date,
        )
        for i in range(230)
    )
    with time_machine.travel(TODAY + dt.timedelta(days=11), tick=False):
        glance = overview_for(user=alice, unit=unit("BP"))
        assert glance.overdue == 232
        assert len(glance.overdue_tasks) == 5
        page = web_as(alice).get("/directives/deadlines/").content.decode()
        assert "Quá hạn (232)" in page
        assert "page=2" in page
        assert page.count("Việc thêm") < 232
