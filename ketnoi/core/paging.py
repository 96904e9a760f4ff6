"""Paging: of API lists (one rule for every ``limit`` and ``offset`` query parameter) and of screens.

``limit`` is from 1 to the list's maximum and ``offset`` from 0 to a billion; anything else (a negative
number, a number beyond 64 bits) is a 422 naming the parameter, documented in the OpenAPI schema,
instead of reaching the database as a slice it cannot take.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, overload

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from pydantic import Field

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_OFFSET = 1_000_000_000

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many to skip (0 to 1.000.000.000).")]
Limit100 = Annotated[int, Field(ge=1, le=100, description="How many to return (1 to 100).")]
Limit500 = Annotated[int, Field(ge=1, le=500, description="How many to return (1 to 500).")]
Limit1000 = Annotated[int, Field(ge=1, le=1000, description="How many to return (1 to 1.000).")]
Limit5000 = Annotated[int, Field(ge=1, le=5000, description="How many to return (1 to 5.000).")]


# --- Screens ---------------------------------------------------------------------------------------
# Every long list on a screen is paged by ``page_of`` and shows ``{% pager page_obj %}``
# (``ketnoi/core/templatetags/pager.py``): one page size rule, one query parameter (``page``), one control.
# A second paged list on the same screen names its own parameter (``param="grants_page"``); the page
# remembers it, so ``{% pager %}`` needs no argument to build its links.

PAGE_PARAM = "page"
SCREEN_PAGE = 50


if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator  # not subscriptable at run time


class ScreenPaginator(_Paginator):
    """A paginator that knows which query parameter chooses its page."""

    def __init__(self, items: Sequence[Any] | QuerySet[Any], per_page: int, param: str = PAGE_PARAM) -> None:
        super().__init__(items, per_page)
        self.param = param


@overload
def page_of(
    request: HttpRequest, items: QuerySet[M], per_page: int | None = ..., *, param: str = ...
) -> Page[M]: ...
@overload
def page_of(
    request: HttpRequest, items: Sequence[T], per_page: int | None = ..., *, param: str = ...
) -> Page[T]: ...
def page_of(
    request: HttpRequest,
    items: Sequence[Any] | QuerySet[Any],
    per_page: int | None = None,
    *,
    param: str = PAGE_PARAM,
) -> Page[Any]:
    """The page of ``items`` that the request's ``?page=`` (or ``param``) asks for: the first for a missing or
    bad number, the last for one past the end; ``per_page`` rows a page (``SCREEN_PAGE`` when not given, read
    at the call so a test can make pages small). A queryset is read one page at a
    time (a ``COUNT`` and a ``LIMIT``); give it an ``order_by`` so the pages do not overlap."""
    return ScreenPaginator(items, per_page or SCREEN_PAGE, param).get_page(request.GET.get(param))
