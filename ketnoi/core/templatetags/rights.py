"""``{% load rights %}``: templates show a role only what it can do, asking the one gate
(``ketnoi.core.permissions.can``) rather than guessing from roles.

``{% can "edit" unit as may_edit %}{% if may_edit %}…{% endif %}`` stores the answer for the signed-in person;
``{% unit_link unit %}`` links a unit's name to its page only when the person may see it (breadcrumbs,
successors, a page's or a person's unit), and shows the plain name otherwise, never a link to a refusal.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ketnoi.core import permissions

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def can(context: template.Context, verb: str, unit: Any) -> bool:
    """May the signed-in person ``verb`` on ``unit`` (``None``: product-wide things)?"""
    user = _user(context)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permissions.can(user, verb, unit)


@register.simple_tag(takes_context=True)
def unit_link(context: template.Context, unit: Any, text: Any = None) -> SafeString:
    """The unit's name, linked to its page if the person may see that page."""
    label = unit.name if text in (None, "") else text
    if can(context, "view", unit):
        return format_html('<a href="{}">{}</a>', reverse("units:detail", args=[unit.code]), label)
    return format_html("<span>{}</span>", label)


@register.simple_tag(takes_context=True)
def can_any(context: template.Context, verb: str) -> bool:
    """Does the signed-in person hold ``verb`` on some unit (to offer "register a document", say)?"""
    user = _user(context)
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and permissions.can_any(user, verb)
    )
