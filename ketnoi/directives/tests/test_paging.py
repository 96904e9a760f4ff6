"""The register of documents is paged (it was cut at 200 documents): the next page shows the rest and keeps
the kind chosen."""

from __future__ import annotations

import re
from typing import Any

from ketnoi.core import paging
from ketnoi.directives import services


def test_the_register_shows_the_rest_on_the_next_page_and_keeps_the_kind(
    unit: Any, alice: Any, web_as: Any, monkeypatch: Any
) -> None:
    for i in range(5):
        services.document_create(
            unit=unit("BP"), by=alice, title=f"Văn bản thử {i}", kind="ke_hoach", number=f"{i + 1}-KH/TU"
        )
    services.document_create(
        unit=unit("BP"), by=alice, title="Chỉ thị khác", kind="chi_thi", number="9-CT/TU"
    )
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    browser = web_as(alice)
    shown = [
        re.findall(
            r"Văn bản thử \d",
            browser.get("/directives/documents/", {"kind": "ke_hoach", "page": n}).content.decode(),
        )
        for n in (1, 2, 3)
    ]
    assert sorted(t for titles in shown for t in titles) == [f"Văn bản thử {i}" for i in range(5)]
    first = browser.get("/directives/documents/", {"kind": "ke_hoach"}).content.decode()
    assert "Chỉ thị khác" not in first
    assert 'href="?kind=ke_hoach&amp;page=2"' in first


def test_a_units_tasks_are_paged(unit: Any, alice: Any, web_as: Any, monkeypatch: Any) -> None:
    import datetime as dt

    document = services.document_create(
        unit=unit("BP"), by=alice, title="Kế hoạch thử", kind="ke_hoach", number="7-KH/TU"
    )
    services.tasks_confirm(
        document=document,
        proposals=[
            services.ConfirmedProposal(
                number=str(i + 1),
                text=f"Nhiệm vụ thử {i}.",
                units=[unit("BP-BGM")],
                due_date=dt.date(2030, 1, 1) + dt.timedelta(days=i),
            )
            for i in range(5)
        ],
        by=alice,
    )
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    browser = web_as(alice)
    shown = [
        re.findall(r"Nhiệm vụ thử \d", browser.get("/directives/units/BP-BGM/", {"page": n}).content.decode())
        for n in (1, 2, 3)
    ]
    assert shown == [
        ["Nhiệm vụ thử 0", "Nhiệm vụ thử 1"],
        ["Nhiệm vụ thử 2", "Nhiệm vụ thử 3"],
        ["Nhiệm vụ thử 4"],
    ]
