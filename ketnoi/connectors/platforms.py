"""Which platforms the connectors pull, and why a page cannot be pulled.

Below both services and selectors (both read it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ketnoi.pages.models import Page, Platform

PULLED_PLATFORMS = frozenset({Platform.FACEBOOK_PAGE, Platform.YOUTUBE, Platform.ZALO_OA})


def unsupported_reason(page: Page) -> str:
    """Why a page cannot be pulled, or "" when it can."""
    if page.platform == Platform.FACEBOOK_GROUP:
        return _(
            "Facebook removed API access to groups in April 2024, so group figures are never pulled: "
            "enter them by hand or import a file."
        )
    if page.platform not in PULLED_PLATFORMS:
        return _("There is no connector for this platform: enter its figures by hand or import a file.")
    return ""
