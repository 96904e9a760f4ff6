"""Canonical addresses of pages, so that one page typed many ways is recognised as one.

https://m.facebook.com/TuHaoBinhPhuoc/?ref=x   -> facebook.com/tuhaobinhphuoc
fb.com/groups/BinhPhuocXinChao/about           -> facebook.com/groups/binhphuocxinchao
https://www.youtube.com/@BPTV/videos           -> youtube.com/@bptv
https://www.youtube.com/channel/UCabcDEF       -> youtube.com/channel/UCabcDEF  (ids are case-sensitive)
https://www.TikTok.com/@TuHao?lang=vi          -> tiktok.com/@tuhao
https://zalo.me/1234567890                     -> zalo.me/1234567890
https://BinhPhuoc.gov.vn/tin-tuc/?p=1          -> binhphuoc.gov.vn/tin-tuc
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

_FACEBOOK_HOSTS = {
    "facebook.com",
    "fb.com",
    "fb.me",
    "m.facebook.com",
    "mbasic.facebook.com",
    "web.facebook.com",
}
_FB_SUBPAGES = {
    "about",
    "posts",
    "photos",
    "videos",
    "events",
    "community",
    "reviews",
    "members",
    "discussion",
    "media",
    "reels",
    "live",
    "mentions",
    "followers",
    "featured",
}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class BadAddress(ValueError):
    """The text is not a web address."""


def _split(url: str) -> tuple[str, list[str], dict[str, list[str]]]:
    text = url.strip()
    if not text:
        raise BadAddress(url)
    if not _SCHEME.match(text):
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or "." not in host or " " in host:
        raise BadAddress(url)
    for prefix in ("www.", "m.", "mobile.", "mbasic.", "web.", "vi-vn.", "touch."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return host, segments, parse_qs(parts.query)


def platform_of(url: str) -> str:
    """The platform an address belongs to (``website`` for anything else)."""
    host, segments, _ = _split(url)
    if host in _FACEBOOK_HOSTS or host.endswith(".facebook.com"):
        return "facebook_group" if segments[:1] == ["groups"] else "facebook_page"
    if host in {"youtube.com", "youtu.be"}:
        return "youtube"
    if host == "tiktok.com":
        return "tiktok"
    if host in {"zalo.me", "oa.zalo.me"}:
        return "zalo_oa"
    return "website"


def canonical(url: str) -> str:
    """The normalised address, without scheme, query, fragment or trailing slash."""
    host, segments, query = _split(url)
    if host in _FACEBOOK_HOSTS or host.endswith(".facebook.com"):
        return "facebook.com/" + _facebook_path(segments, query)
    if host == "youtube.com":
        return "youtube.com/" + _youtube_path(segments)
    if host == "tiktok.com":
        handle = next((s for s in segments if s.startswith("@")), segments[0] if segments else "")
        return "tiktok.com/" + handle.lower()
    if host in {"zalo.me", "oa.zalo.me"}:
        if host == "oa.zalo.me" and segments[:1] == ["home"] and len(segments) > 1:
            segments = segments[1:]
        return "zalo.me/" + (segments[0].lower() if segments else "")
    path = "/".join(segments)
    return host + ("/" + path if path else "")


def _facebook_path(segments: list[str], query: dict[str, list[str]]) -> str:
    if segments[:1] == ["profile.php"] and query.get("id"):
        return query["id"][0]
    if segments[:1] == ["groups"] and len(segments) > 1:
        return "groups/" + segments[1].lower()
    if segments[:1] in (["pages"], ["pg"]) and len(segments) > 1:
        # facebook.com/pages/Name/123456 -> the numeric id names the page
        numeric = [s for s in segments[2:] if s.isdigit()]
        return numeric[0] if numeric else segments[1].lower()
    if segments[:1] == ["people"] and len(segments) > 2:
        return segments[2]
    if not segments:
        return ""
    first = segments[0].lower()
    # Old vanity addresses end in the page id: "Ten-Trang-123456789012345".
    match = re.fullmatch(r".+-(\d{9,})", first)
    if match:
        return match.group(1)
    return first if first not in _FB_SUBPAGES else ""


def _youtube_path(segments: list[str]) -> str:
    if not segments:
        return ""
    head = segments[0]
    if head.startswith("@"):
        return head.lower()
    if head in ("channel",) and len(segments) > 1:
        return "channel/" + segments[1]  # channel ids are case-sensitive
    if head in ("c", "user") and len(segments) > 1:
        return f"{head}/{segments[1].lower()}"
    return head.lower()


# The hosts each platform's pages live on (after ``_split`` drops www., m. and the like). A website may be
# on any host. Sub-domains of these count too (business.facebook.com, music.youtube.com, vt.tiktok.com).
PLATFORM_HOSTS: dict[str, frozenset[str]] = {
    "facebook_page": frozenset(_FACEBOOK_HOSTS),
    "facebook_group": frozenset(_FACEBOOK_HOSTS),
    "youtube": frozenset({"youtube.com", "youtu.be"}),
    "tiktok": frozenset({"tiktok.com"}),
    "zalo_oa": frozenset({"zalo.me", "oa.zalo.me"}),
}
# A Vietnamese mobile number (0xx…, 84xx…, +84xx…): zalo.me/<number> is a person's own Zalo account.
_PHONE = re.compile(r"\+?(?:84|0)\d{9,10}")


def host_of(url: str) -> str:
    return _split(url)[0]


def on_platform_host(platform: str, url: str) -> bool:
    """Is the address on one of the platform's own domains (always true for a website)?"""
    hosts = PLATFORM_HOSTS.get(platform)
    if hosts is None:
        return True
    host = host_of(url)
    return host in hosts or any(host.endswith("." + h) for h in hosts)


def is_personal_profile(url: str) -> bool:
    """Is this the address of a person's own account rather than an organisation's page?

    Facebook: ``profile.php?id=…`` and ``/people/…``; Zalo: ``zalo.me/<phone number>`` (an Official Account
    has a numeric id that is not a phone number). YouTube channels and TikTok accounts have one address shape
    for people and organisations alike, so nothing in their address tells them apart.
    """
    host, segments, _query = _split(url)
    if host in _FACEBOOK_HOSTS or host.endswith(".facebook.com"):
        return segments[:1] in (["profile.php"], ["people"])
    if host in PLATFORM_HOSTS["zalo_oa"]:
        return bool(segments) and bool(_PHONE.fullmatch(segments[-1]))
    return False
