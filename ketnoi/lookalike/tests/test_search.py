"""The page search connector against the fake platform search on 127.0.0.1: results that resemble an
official page become candidates; rate limits, expired tokens and errors are clear messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ketnoi.core.exceptions import RateLimited, ValidationError
from ketnoi.lookalike import services
from ketnoi.lookalike.models import Candidate, Source
from ketnoi.lookalike.search import PageSearch, SearchUnavailable
from tests.fakes.page_search import TOKEN, FakePageSearch


@pytest.fixture
def fake() -> Iterator[FakePageSearch]:
    server = FakePageSearch().start()
    server.add("1", "Bù Gia Mập Online", "https://www.facebook.com/bugiamaponline")  # the official page
    server.add("2", "Bù Gia Mập Online chính thức", "https://www.facebook.com/bugiamap.online.chinhthuc")
    server.add("3", "Bu Gia Map Online", "https://www.facebook.com/profile.php?id=100012345")  # a person
    server.add("4", "Bù Gia Mập Online 24h", "https://www.facebook.com/bgmonline24h")
    server.add("5", "Chợ đêm Bù Gia Mập Online Shop", "https://www.facebook.com/chodembgm")
    yield server
    server.stop()


def test_search_results_that_resemble_the_official_page_become_candidates(
    official: dict[str, Any], bob: Any, fake: FakePageSearch
) -> None:
    client = PageSearch(base_url=fake.base, token=TOKEN)
    summary = services.search_run(pages=[official["bgm"]], by=bob, client=client)
    assert summary["results"] == 5  # three pages of answers followed
    kept = set(Candidate.objects.values_list("canonical_url", flat=True))
    assert kept == {"facebook.com/bugiamap.online.chinhthuc", "facebook.com/bgmonline24h"}
    assert set(Candidate.objects.values_list("source", flat=True)) == {Source.SEARCH}
    assert fake.queries[0] == "Bù Gia Mập Online"


def test_a_rate_limit_an_expired_token_and_an_error_are_clear_messages(
    official: dict[str, Any], fake: FakePageSearch
) -> None:
    client = PageSearch(base_url=fake.base, token=TOKEN)
    fake.limit_next()
    with pytest.raises(RateLimited, match="90"):
        client.search("Bù Gia Mập")
    fake.fail_next()
    with pytest.raises(SearchUnavailable):
        client.search("Bù Gia Mập")
    fake.expire()
    with pytest.raises(ValidationError) as caught:
        client.search("Bù Gia Mập")
    assert "token" in caught.value.fields


def test_a_search_is_refused_for_a_page_outside_the_callers_units(
    official: dict[str, Any], charlie: Any, fake: FakePageSearch
) -> None:
    from ketnoi.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.search_run(
            pages=[official["bgm"]], by=charlie, client=PageSearch(base_url=fake.base, token=TOKEN)
        )
    assert fake.queries == []


def test_the_search_is_off_until_configured(settings: Any) -> None:
    settings.KETNOI_LOOKALIKE_SEARCH_URL = ""
    with pytest.raises(ValidationError):
        PageSearch()
