"""One "as of" date for every screen that shows the unit structure.

A screen shows today's tree unless the address carries ``?as_of=`` (yyyy-mm-dd as a date input sends it,
or dd/mm/yyyy): then it shows the structure, names and figures of that date. Views read the date with
``day_of(request)``; templates show the control with ``{% include "core/_as_of_field.html" %}`` inside
their GET form (``as_of`` and ``as_of_clear``, the address without it, come from the shell's context).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

PARAM = "as_of"


def parse_day(raw: str | None) -> dt.date | None:
    """A calendar date from yyyy-mm-dd or dd/mm/yyyy; None for anything else (the screen shows today)."""
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def day_of(request: HttpRequest) -> dt.date | None:
    """The date the screen is asked to show, or None for today."""
    return parse_day(request.GET.get(PARAM))


def clear_url(request: HttpRequest) -> str:
    """The same address without the date: the screen as of today."""
    query = request.GET.copy()
    query.pop(PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
