"""Which platforms the connectors pull, and why a page cannot be pulled.

Below both services and selectors (both read it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from ketnoi.pages.models import Page, Platform

if TYPE_CHECKING:
    from ketnoi.connectors.models import PageCredential

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


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _endpoints(platform: str) -> list[str]:
    if platform == Platform.FACEBOOK_PAGE:
        return [settings.KETNOI_FACEBOOK_GRAPH_URL]
    if platform == Platform.YOUTUBE:
        return [settings.KETNOI_YOUTUBE_API_URL]
    if platform == Platform.ZALO_OA:
        return [settings.KETNOI_ZALO_OA_URL, settings.KETNOI_ZALO_OAUTH_URL]
    return []


def platform_is_local(platform: str) -> bool:
    """Do the platform's addresses point to a fake server on this computer (a loopback address)?"""
    urls = _endpoints(platform)
    return bool(urls) and all(
        (urlsplit(url).hostname or "") in _LOOPBACK or (urlsplit(url).hostname or "").startswith("127.")
        for url in urls
    )


def may_pull(credential: PageCredential) -> bool:
    """A demo credential is pulled only from a fake platform on this computer, never from a real one."""
    return not credential.is_demo or platform_is_local(credential.page.platform)
