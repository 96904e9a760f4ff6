"""Template filters of the reporting pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from ketnoi.lib import periods as P

if TYPE_CHECKING:  # the stubs' type of a lazy translation; not installed in production
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def period_label(period_id: str) -> str:
    """``202601`` → "Tháng 01/2026" (the identifier itself when it cannot be read)."""
    try:
        return P.parse(str(period_id)).label()
    except P.PeriodError:
        return str(period_id)


# The one place a report's or a unit's status becomes a badge (the completeness table, the entry page).
_BADGES: dict[str, tuple[str, StrOrPromise]] = {
    "approved": ("ok", gettext_lazy("approved")),
    "submitted": ("ok", gettext_lazy("submitted")),
    "on_time": ("ok", gettext_lazy("on time")),
    "late": ("warn", gettext_lazy("late")),
    "returned": ("bad", gettext_lazy("returned")),
    "draft": ("warn", gettext_lazy("draft, not submitted")),
}
_MISSING = ("bad", gettext_lazy("not submitted"))


@register.simple_tag
def status_badge(status: object) -> SafeString:
    """``{% status_badge "late" %}`` → ``<span class="badge warn rp-status">nộp muộn</span>``; any other
    status (``missing``, empty) reads "not submitted"."""
    tone, label = _BADGES.get(str(status or ""), _MISSING)
    return format_html('<span class="badge {} rp-status">{}</span>', tone, label)
