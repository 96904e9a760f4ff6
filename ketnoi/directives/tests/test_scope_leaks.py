"""Linking a document by its number never reaches (or reveals) another district's document."""

from __future__ import annotations

from typing import Any

from ketnoi.directives import services


def test_linking_by_number_does_not_return_another_districts_document(
    unit: Any, bob: Any, charlie: Any, api_as: Any
) -> None:
    secret = services.document_create(
        unit=unit("BP-DX"), by=charlie, title="Công văn nội bộ", number="77-CV/HU", read_heading=False
    )
    letter = services.document_create(
        unit=unit("BP-BGM"), by=bob, title="Công văn", number="12-CV/HU", read_heading=False
    )
    response = api_as(bob).post(f"documents/{letter.pk}/links", {"number": "77-CV/HU", "kind": "cites"})
    assert response.status_code == 409, response.content
    body = response.content.decode()
    assert "target" not in response.json() and secret.title not in body
    assert not letter.links_out.exists()
    # A document bob may see is linked as it is, and its id returned.
    seen = services.document_create(
        unit=unit("BP-BGM"), by=bob, title="Kế hoạch", number="5-KH/HU", read_heading=False
    )
    own = api_as(bob).post(f"documents/{letter.pk}/links", {"number": "5-KH/HU", "kind": "cites"})
    assert own.status_code == 201 and own.json()["target"] == seen.pk
