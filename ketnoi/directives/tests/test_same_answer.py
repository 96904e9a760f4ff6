"""The review screen and the API ask the same service who may see a document's proposed tasks, so they give
the same answer: the proposals are for someone who may confirm them (``edit`` on the document's unit)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ketnoi.directives import services

pytestmark = pytest.mark.django_db

TEXT = "CHỈ THỊ\n1. Ủy ban nhân dân huyện Bù Gia Mập chỉ đạo triển khai thực hiện Chỉ thị này.\n"


@pytest.fixture
def directive(unit: Any, alice: Any) -> Any:
    return services.document_create(
        unit=unit("BP"), by=alice, number="31-CT/TU", title="Chỉ thị thử", body=TEXT
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("reader", 403)],
    ids=["an editor of the unit sees them", "a reader of the unit does not"],
)
def test_the_web_and_the_api_give_the_same_answer_on_proposals(
    who: str, status: int, directive: Any, alice: Any, make_person: Any, api_as: Any, web_as: Any
) -> None:
    person = alice if who == "alice" else make_person("reader", "BP", [("viewer", "BP")])
    api = api_as(person).get(f"documents/{directive.pk}/proposals")
    web = web_as(person).get(reverse("directives:review", args=[directive.pk]))
    assert (api.status_code, web.status_code) == (status, status)
    if status == 200:
        proposed = [t["text"] for t in api.json()["tasks"]]
        assert proposed and all(text in web.content.decode() for text in proposed)
