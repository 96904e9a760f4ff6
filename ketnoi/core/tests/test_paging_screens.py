"""``page_of`` and ``{% pager %}``: the one way a screen pages a long list and the one control that moves."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.template import Context, Template
from django.test import RequestFactory

from ketnoi.core import paging
from ketnoi.core.paging import page_of

ROWS = list(range(1, 124))  # 123 rows: three pages of 50 (the last one of 23)


def _get(query: str = "") -> HttpRequest:
    return RequestFactory().get("/list/" + (f"?{query}" if query else ""))


def _pager(request: HttpRequest, page: Any) -> str:
    return Template("{% load pager %}{% pager page_obj %}").render(
        Context({"request": request, "page_obj": page})
    )


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


def test_a_missing_page_number_gives_the_first_page_of_fifty() -> None:
    page = page_of(_get(), ROWS)
    assert page.number == 1
    assert list(page) == ROWS[:50]


def test_a_page_number_that_is_not_a_number_gives_the_first_page() -> None:
    for bad in ("abc", "", "1.5", "-"):
        assert page_of(_get(f"page={bad}"), ROWS).number == 1


def test_a_page_number_past_the_end_gives_the_last_page() -> None:
    page = page_of(_get("page=999"), ROWS)
    assert page.number == 3
    assert list(page) == ROWS[100:]


def test_a_page_number_below_one_gives_the_last_page_as_django_does() -> None:
    assert page_of(_get("page=0"), ROWS).number == 3  # Paginator.get_page: an empty page → the last


def test_the_page_size_can_be_chosen_and_the_default_is_read_at_the_call(monkeypatch: Any) -> None:
    assert len(page_of(_get(), ROWS, 100)) == 100
    monkeypatch.setattr(paging, "SCREEN_PAGE", 7)
    assert len(page_of(_get(), ROWS)) == 7


def test_a_second_list_on_a_screen_reads_its_own_parameter() -> None:
    request = _get("page=2&grants_page=3")
    assert page_of(request, ROWS).number == 2
    assert page_of(request, ROWS, 10, param="grants_page").number == 3


def test_a_queryset_is_read_one_page_at_a_time(province: Any, django_assert_num_queries: Any) -> None:
    from ketnoi.units.models import Unit

    every = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    with django_assert_num_queries(2) as ctx:  # the count and the page's rows
        page = page_of(_get("page=2"), Unit.objects.order_by("pk"), 2)
        assert [u.pk for u in page] == every[2:4]
    assert "LIMIT 2" in ctx.captured_queries[-1]["sql"]


def test_the_pager_shows_nothing_when_the_list_fits_on_one_page() -> None:
    request = _get()
    assert _pager(request, page_of(request, ROWS[:50])).strip() == ""
    assert _pager(request, page_of(request, [])).strip() == ""


def test_the_pager_shows_nothing_for_a_list_that_is_not_a_page() -> None:
    assert _pager(_get(), ROWS).strip() == ""
    assert _pager(_get(), None).strip() == ""


def test_the_pager_keeps_the_other_query_parameters_and_changes_only_page() -> None:
    request = _get("q=b%C3%ACnh+ph%C6%B0%E1%BB%9Bc&status=verified&page=2&unit=BP")
    links = _links(_pager(request, page_of(request, ROWS)))
    assert links == [
        "?q=b%C3%ACnh+ph%C6%B0%E1%BB%9Bc&status=verified&page=1&unit=BP",
        "?q=b%C3%ACnh+ph%C6%B0%E1%BB%9Bc&status=verified&page=3&unit=BP",
    ]


def test_the_pager_of_a_second_list_changes_its_own_parameter_only() -> None:
    request = _get("page=4&grants_page=2")
    links = _links(_pager(request, page_of(request, ROWS, 10, param="grants_page")))
    assert "?page=4&grants_page=1" in links
    assert "?page=4&grants_page=3" in links


def test_the_pager_offers_first_and_last_only_when_they_lead_further() -> None:
    rows = list(range(500))
    middle = _get("page=5")
    assert _links(_pager(middle, page_of(middle, rows))) == ["?page=1", "?page=4", "?page=6", "?page=10"]
    second = _get("page=2")
    assert _links(_pager(second, page_of(second, rows))) == ["?page=1", "?page=3", "?page=10"]


def test_the_pager_speaks_vietnamese_with_the_row_count_in_vietnamese_digits() -> None:
    rows = list(range(16_000))
    request = _get("page=2")
    html = _pager(request, page_of(request, rows))
    assert 'aria-label="Phân trang"' in html
    assert "Trang trước" in html
    assert "Trang sau" in html
    assert "Trang 2 / 320" in html
    assert "16.000 dòng" in html
    assert 'rel="next"' in html
