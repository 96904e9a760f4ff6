"""``{% load pager %}``: the one paging control of every long list on a screen.

``{% pager page_obj %}`` shows "‹ Trang trước · Trang 2 / 7 · Trang sau ›" (nothing when there is one page),
each link keeping the request's other query parameters (filters, search) and changing only ``page`` (or the
parameter the list was paged with, ``page_of(..., param=...)``). The links are relative (``?...``): a table
refreshed by htmx from the same URL with the same filters links to the full screen of the next page.
Views page their lists with ``ketnoi.core.paging.page_of``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict

from ketnoi.core.paging import PAGE_PARAM

register = template.Library()


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context: template.Context, page_obj: object) -> dict[str, Any]:
    """Nothing for a list that is not a page (a search's results, say) or a list that fits on one page."""
    if not isinstance(page_obj, Page) or not page_obj.has_other_pages():
        return {"page_obj": None}
    param = getattr(page_obj.paginator, "param", PAGE_PARAM)
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)

    def link(number: int) -> str:
        query[param] = str(number)
        return "?" + query.urlencode()

    number, pages = page_obj.number, page_obj.paginator.num_pages
    return {
        "page_obj": page_obj,
        "previous": link(page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next": link(page_obj.next_page_number()) if page_obj.has_next() else "",
        # « and » only when they lead further than ‹ and ›.
        "first": link(1) if number > 2 else "",
        "last": link(pages) if number < pages - 1 else "",
    }
