"""Template filters of the reporting pages."""

from __future__ import annotations

from django import template

from ketnoi.lib import periods as P

register = template.Library()


@register.filter
def period_label(period_id: str) -> str:
    """``202601`` → "Tháng 01/2026" (the identifier itself when it cannot be read)."""
    try:
        return P.parse(str(period_id)).label()
    except P.PeriodError:
        return str(period_id)
