"""Who a document may address: an advisory or staff body of a committee (Ban Tuyên giáo Tỉnh ủy,
Văn phòng Tỉnh ủy, a Sở) sends on the committee's behalf and addresses the committee's subtree;
"các huyện ủy, thị ủy, thành ủy" are the localities' committees, not the enterprise committees."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.directives import services
from ketnoi.directives.proposals import propose_tasks
from ketnoi.units.addressing import addressing_root
from ketnoi.units.services import unit_create

LETTER = (Path(__file__).parent / "corpus" / "10-cv-btg-gui-huyen-khong-doanh-nghiep.txt").read_text(
    encoding="utf-8"
)


@pytest.fixture
def btg_editor(make_person):
    return make_person("btg", "BP-BTG", [("editor", "BP-BTG")])


@pytest.fixture
def enterprise(province, unit):
    return unit_create(
        code="BP-CSBP",
        name="Đảng ủy Công ty Cao su Bình Phước",
        kind="enterprise_party_committee",
        level="district",
        parent=unit("BP"),
        by=SYSTEM,
    )


def test_an_advisory_body_addresses_its_committees_subtree(unit):
    assert addressing_root(unit("BP-BTG")) == unit("BP")
    assert addressing_root(unit("BP-BGM")) == unit("BP-BGM")


def test_a_letter_of_ban_tuyen_giao_assigns_its_tasks_to_the_districts(unit, btg_editor, enterprise):
    document = services.document_create(unit=unit("BP-BTG"), by=btg_editor, title="", body=LETTER)
    assert document.number == "301-CV/BTGTU"
    proposals = propose_tasks(document.body, services.registry_for(document.unit))
    # "Các huyện ủy, thị ủy, thành ủy": the localities, not the enterprise Party committee.
    assert sorted(u.code for u in proposals[0].units) == ["BP-BGM", "BP-DX"]
    tasks = services.tasks_confirm(
        document=document,
        proposals=[
            services.ConfirmedProposal(
                number="1", text=proposals[0].text, units=[unit("BP-BGM"), unit("BP-DX")]
            )
        ],
        by=btg_editor,
    )
    assert {t.lead_unit.code for t in tasks} == {"BP-BGM", "BP-DX"}
    assert {t.assigned_by.code for t in tasks} == {"BP-BTG"}


def test_the_review_page_offers_the_committees_units_to_the_advisory_body(unit, btg_editor, web_as):
    document = services.document_create(unit=unit("BP-BTG"), by=btg_editor, title="", body=LETTER)
    page = web_as(btg_editor).get(f"/directives/documents/{document.pk}/review/")
    assert page.status_code == 200
    offered = {u.code for u in page.context["units"]}
    assert {"BP-BGM", "BP-DX", "BP-BGM-XPN"} <= offered
    assert page.context["analysis"]["tasks"][0]["unit_codes"] == ["BP-BGM", "BP-DX"]


def test_a_body_that_is_not_a_staff_body_still_addresses_only_its_own_subtree(unit, make_person):
    press = unit_create(
        code="BP-BAO",
        name="Báo Bình Phước",
        kind="state_agency",
        level="district",
        parent=unit("BP"),
        by=SYSTEM,
    )
    editor = make_person("bao", "BP-BAO", [("editor", "BP-BAO")])
    document = services.document_create(unit=press, by=editor, title="Kế hoạch chuyên mục")
    assert addressing_root(press) == press
    with pytest.raises(ValidationError):
        services.task_create(document=document, lead_unit=unit("BP-BGM"), text="Đăng tin.", by=editor)
