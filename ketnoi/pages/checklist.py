"""The security checklist of a page, computed from the registry (never typed in by hand).

1. two-factor sign-in on every administrator account
2. at least two administrators from the owning unit
3. recovery e-mail on an official domain
4. no administrator who has left the unit (or whose account is disabled)
5. reviewed within the page's review interval
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ketnoi.pages.models import Page, PageRole

# Official mail domains of Vietnamese state and party bodies (a settings override may add more).
DEFAULT_OFFICIAL_DOMAINS = ("gov.vn", "dcs.vn", "org.vn", "edu.vn", "mattran.org.vn")

LABELS: dict[str, Promise] = {
    "two_factor": _("Two-factor sign-in on every administrator account"),
    "two_admins": _("At least two administrators from the owning unit"),
    "recovery_email": _("Recovery e-mail on an official domain"),
    "no_leavers": _("No administrator who has left the unit"),
    "reviewed": _("Reviewed on schedule"),
}


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return str(LABELS[self.key])


@dataclass
class Result:
    page: Page
    checks: list[Check] = field(default_factory=list)
    review_due: dt.date | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def overdue(self) -> bool:
        return any(c.key == "reviewed" and not c.ok for c in self.checks)


def official_domains() -> tuple[str, ...]:
    return tuple(getattr(settings, "KETNOI_OFFICIAL_MAIL_DOMAINS", DEFAULT_OFFICIAL_DOMAINS))


def is_official_email(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower().strip() if "@" in email else ""
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in official_domains())


def evaluate(page: Page, *, today: dt.date) -> Result:
    """The checklist of one page. Uses ``page.administrators`` (prefetch it with ``user`` for lists)."""
    admins = [a for a in page.administrators.all() if a.role == PageRole.ADMIN]
    active = [a for a in admins if a.user.is_active and not _left(a.user, today)]
    leavers = [a for a in admins if a not in active]
    from_unit = [a for a in active if a.user.unit_id == page.unit_id]
    due = (
        page.last_reviewed_on + dt.timedelta(days=page.review_interval_days)
        if page.last_reviewed_on
        else None
    )
    checks = [
        Check(
            "two_factor",
            bool(admins) and all(a.two_factor for a in admins),
            _names([a for a in admins if not a.two_factor]),
        ),
        Check("two_admins", len(from_unit) >= 2, str(len(from_unit))),
        Check("recovery_email", is_official_email(page.recovery_email), page.recovery_email),
        Check("no_leavers", not leavers, _names(leavers)),
        Check("reviewed", due is not None and today <= due, due.strftime("%d/%m/%Y") if due else ""),
    ]
    return Result(page=page, checks=checks, review_due=due)


def _left(user: object, today: dt.date) -> bool:
    left = getattr(user, "left_unit_on", None)
    return left is not None and left <= today


def _names(admins: Iterable[object]) -> str:
    return ", ".join(str(getattr(a, "user", a)) for a in admins)
