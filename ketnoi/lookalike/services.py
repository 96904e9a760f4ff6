"""Writes of the look-alike watch, and the scoring every entry point shares (web, API, CLI)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib.weburl import BadWebAddress, parse_web_address
from ketnoi.lookalike import pictures, selectors
from ketnoi.lookalike.scoring import Candidate
from ketnoi.pages.urlnorm import BadAddress, canonical, is_personal_profile, platform_of


def candidate_from(
    *, name: str = "", url: str = "", avatar: bytes | None = None, avatar_name: str = "avatar"
) -> Candidate:
    """A candidate built from what a person gives: refuses a bad address and a person's own profile."""
    name = (name or "").strip()[:255]
    key, platform = "", ""
    if url:
        try:
            parse_web_address(url)
            key, platform = canonical(url), platform_of(url)
        except (BadWebAddress, BadAddress) as exc:
            raise ValidationError(
                _("“%(value)s” is not a web address.") % {"value": url[:80]},
                fields={"url": _("Not a web address.")},
            ) from exc
        if is_personal_profile(url):
            raise ValidationError(
                _("This is the address of a person's own account: the watch looks only at pages and sites."),
                fields={"url": _("A person's own account is never watched.")},
            )
    if not name and not key:
        raise ValidationError(_("Give a name or an address."), fields={"name": _("Required.")})
    phash = dhash = None
    if avatar is not None:
        phash, dhash = pictures.hashes(pictures.checked(avatar, name=avatar_name, field="avatar"))
    return Candidate(
        name=name, url=url, canonical_url=key, platform=platform, avatar_phash=phash, avatar_dhash=dhash
    )


def score_report(
    *, name: str = "", url: str = "", avatar: bytes | None = None, avatar_name: str = "avatar", limit: int = 5
) -> dict[str, Any]:
    """The best-matching official pages of a candidate with every signal, as plain data (JSON)."""
    candidate = candidate_from(name=name, url=url, avatar=avatar, avatar_name=avatar_name)
    matches = selectors.score_candidate(candidate, limit=max(1, min(limit, 50)))
    return {
        "candidate": {
            "name": candidate.name,
            "url": candidate.url,
            "canonical_url": candidate.canonical_url,
            "avatar_phash": pictures.as_hex(candidate.avatar_phash),
            "avatar_dhash": pictures.as_hex(candidate.avatar_dhash),
        },
        "matches": [
            {
                "page": {
                    "id": m.official.page_id,
                    "name": m.official.name,
                    "url": m.official.url,
                    "unit_name": m.official.unit_name,
                },
                "score": round(m.signals.combined, 3),
                "signals": m.signals.as_dict(),
            }
            for m in matches
        ],
    }
