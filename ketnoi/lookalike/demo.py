"""Demo look-alikes of the demo's official pages: invented, but made the way fakes are made.

* "Tư hào Bình Phứơc", diacritics moved, at an address with ".vn" added: confirmed, reported to the
  platform, its warning notice drafted and published in the public directory;
* "Bù Gia Mập Online" at "bugiamap0nline" (a zero for the letter o): waiting for review;
* "Tuyên giáo BP - Tin tức" with a copy of the official avatar: needs more evidence;
* "Bình Phước Xin Chào" (a travel agency with the same name as the province's group): unrelated;
* "Tự hào Bình Phước 2": a fan page, not pursued.

Idempotent: candidates are found by their address, a decision or report step is only taken once.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.utils import timezone
from PIL import Image, ImageDraw

from ketnoi.accounts.models import User
from ketnoi.core import permissions
from ketnoi.lookalike import services
from ketnoi.lookalike.models import Candidate, Decision, PlatformReport, ReportState, Source
from ketnoi.pages.models import Page
from ketnoi.pages.urlnorm import canonical

# (official page address, candidate name, candidate address, decision, days ago first seen)
CANDIDATES: tuple[tuple[str, str, str, str, int], ...] = (
    (
        "facebook.com/tuhaobinhphuoc",
        "Tư hào Bình Phứơc",
        "https://www.facebook.com/tuhaobinhphuoc.vn",
        "impersonation",
        12,
    ),
    ("facebook.com/bugiamaponline", "Bù Gia Mập Online", "https://www.facebook.com/bugiamap0nline", "", 2),
    (
        "facebook.com/tuyengiaobinhphuoc",
        "Tuyên giáo Bình Phước - Tin tức",
        "https://www.facebook.com/tuyengiaobp.tintuc",
        "needs_evidence",
        5,
    ),
    (
        "facebook.com/groups/binhphuocxinchao",
        "Bình Phước Xin Chào",
        "https://www.facebook.com/binhphuocxinchao.dulich",
        "unrelated",
        20,
    ),
    (
        "facebook.com/tuhaobinhphuoc",
        "Tự hào Bình Phước 2",
        "https://www.facebook.com/tuhaobinhphuoc2",
        "fan_parody",
        30,
    ),
)
COPIED_AVATAR = "facebook.com/tuyengiaobinhphuoc"


def avatar(seed: int, size: int = 320) -> bytes:
    """A made-up emblem: a red disc with a yellow star-like shape over a blocky background of its own."""
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGB", (8, 8))
    image.putdata(
        [(rng.randrange(80, 256), rng.randrange(40, 200), rng.randrange(40, 120)) for _ in range(64)]
    )
    image = image.resize((size, size), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    r = size // 3
    draw.ellipse((size // 2 - r, size // 2 - r, size // 2 + r, size // 2 + r), fill=(200, 16, 46))
    draw.regular_polygon((size // 2, size // 2, r // 2), 5, fill=(255, 205, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load() -> None:
    reviewer: Any = User.objects.filter(username="admin").first() or permissions.SYSTEM
    official = Page.objects.filter(canonical_url=COPIED_AVATAR).first()
    if official is not None:
        services.official_picture_set(page=official, avatar=avatar(23), by=permissions.SYSTEM)
    now = timezone.now()
    for page_key, name, url, decision, days in CANDIDATES:
        page = Page.objects.filter(canonical_url=page_key).first()
        if page is None:
            continue
        existing = Candidate.objects.filter(page=page, canonical_url=canonical(url)).first()
        copied = avatar(23, size=200) if page_key == COPIED_AVATAR else None
        candidate = existing or services.candidate_record(
            source=Source.SEARCH if days < 10 else Source.PUBLIC_CHECK,
            name=name,
            url=url,
            avatar=copied,
            avatar_name="avatar.png",
            seen_at=now - dt.timedelta(days=days),
            by=permissions.SYSTEM,
        )
        if candidate is None or not decision or candidate.decision != Decision.PENDING:
            continue
        candidate = services.candidate_review(candidate=candidate, decision=decision, by=reviewer)
        if decision == Decision.IMPERSONATION:
            services.evidence_add(
                candidate=candidate,
                name="chup-man-hinh-trang-gia.png",
                data=avatar(99, size=480),
                captured_on=timezone.localdate() - dt.timedelta(days=days),
                note="Trang giả đăng tin tuyển dụng lừa đảo",
                by=reviewer,
            )
            report = PlatformReport.objects.get(candidate=candidate)
            if report.state == ReportState.PREPARED:
                services.report_set_state(
                    report=report,
                    state=ReportState.REPORTED,
                    on=timezone.localdate() - dt.timedelta(days=days - 2),
                    reference="FB-IMP-2026-0412",
                    by=reviewer,
                )
            services.candidate_publish(candidate=candidate, published=True, by=reviewer)
