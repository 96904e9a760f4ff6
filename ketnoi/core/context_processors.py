"""What every page of the shell needs: the navigation, limited to what the person may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ketnoi.core import asof, permissions

# (url name, label, verb needed anywhere or None for any signed-in person)
NAV: list[tuple[str, Any, str | None]] = [
    ("core:home", _("Overview"), None),
    ("units:tree", _("Units"), "view"),
    ("pages:list", _("Official pages"), "view"),
    ("lookalike:queue", _("Look-alike watch"), "edit"),
    ("connectors:overview", _("Platform connections"), "edit"),
    ("directives:home", _("Directives and tasks"), "view"),
    ("reporting:home", _("Periodic reports"), "view"),
    ("documents:home", _("Report documents"), "view"),
    ("publishing:library", _("Content and publishing"), "view"),
    ("accounts:people", _("People and roles"), "manage"),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = []
    for name, label, verb in NAV:
        if verb is not None and not permissions.can_any(user, verb):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    if items and request.path == "/":
        items[0]["active"] = True
    return {"nav": items, "as_of": asof.day_of(request), "as_of_clear": asof.clear_url(request)}
