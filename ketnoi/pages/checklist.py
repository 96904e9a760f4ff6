"""The security checklist of a page, computed from the registry (never typed in by hand).

1. two-factor sign-in on every administrator account
2. at least two administrators from the owning unit
3. recovery e-mail on an official domain
4. no administrator who has left the unit (or whose account is disabled)
5. reviewed within the page's review interval
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
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


@dataclass(frozen=True)
class AdminFacts:
    """What the checklist needs to know about one administrator account."""

    name: str
    two_factor: bool
    unit_id: int | None
    is_active: bool
    left_unit_on: dt.date | None

    def gone(self, today: dt.date) -> bool:
        return not self.is_active or (self.left_unit_on is not None and self.left_unit_on <= today)


def checks(
    *,
    unit_id: int,
    recovery_email: str,
    last_reviewed_on: dt.date | None,
    review_interval_days: int,
    admins: list[AdminFacts],
    today: dt.date,
) -> tuple[list[Check], dt.date | None]:
    """The five checks from plain facts: one rule for a page's own screen and for lists of thousands."""
    active = [a for a in admins if not a.gone(today)]
    leavers = [a for a in admins if a.gone(today)]
    from_unit = [a for a in active if a.unit_id == unit_id]
    due = last_reviewed_on + dt.timedelta(days=review_interval_days) if last_reviewed_on else None
    return [
        Check(
            "two_factor",
            bool(admins) and all(a.two_factor for a in admins),
            ", ".join(a.name for a in admins if not a.two_factor),
        ),
        Check("two_admins", len(from_unit) >= 2, str(len(from_unit))),
        Check("recovery_email", is_official_email(recovery_email), recovery_email),
        Check("no_leavers", not leavers, ", ".join(a.name for a in leavers)),
        Check("reviewed", due is not None and today <= due, due.strftime("%d/%m/%Y") if due else ""),
    ], due


def evaluate(page: Page, *, today: dt.date) -> Result:
    """The checklist of one page. Uses ``page.administrators`` (prefetch it with ``user`` for lists)."""
    admins = [
        AdminFacts(str(a.user), a.two_factor, a.user.unit_id, a.user.is_active, a.user.left_unit_on)
        for a in page.administrators.all()
        if a.role == PageRole.ADMIN
    ]
    found, due = checks(
        unit_id=page.unit_id,
        recovery_email=page.recovery_email,
        last_reviewed_on=page.last_reviewed_on,
        review_interval_days=page.review_interval_days,
        admins=admins,
        today=today,
    )
    return Result(page=page, checks=found, review_due=due)


def failing_ids(pages: QuerySet[Page], *, today: dt.date) -> list[int]:
    """Ids of the pages that fail a check, in the queryset's order, from two narrow queries (no models)."""
    from ketnoi.pages.models import PageAdministrator

    admins: dict[int, list[AdminFacts]] = defaultdict(list)
    rows = PageAdministrator.objects.filter(page__in=pages.order_by().values("pk"), role=PageRole.ADMIN)
    for page_id, two_factor, unit_id, is_active, left in rows.values_list(
        "page_id", "two_factor", "user__unit_id", "user__is_active", "user__left_unit_on"
    ):
        admins[page_id].append(AdminFacts("", two_factor, unit_id, is_active, left))
    failing = []
    for pk, unit_id, email, reviewed, interval in pages.values_list(
        "pk", "unit_id", "recovery_email", "last_reviewed_on", "review_interval_days"
    ):
        found, _due = checks(
            unit_id=unit_id,
            recovery_email=email,
            last_reviewed_on=reviewed,
            review_interval_days=interval,
            admins=admins.get(pk, []),
            today=today,
        )
        if not all(c.ok for c in found):
            failing.append(pk)
    return failing
