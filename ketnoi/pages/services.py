"""Every change to official pages: registration, edits, status, administrators, reviews and figures.

Rights are checked on the page's unit through ``core.permissions`` (the demo and the connectors' scheduled
pulls pass ``permissions.SYSTEM``): ``edit`` to register and change pages, ``edit`` or ``enter_data`` to
record figures (``FIGURE_VERBS``), and ``approve`` on the unit (or ``edit`` on the province above it) to
verify a page for the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.lib import values as V
from ketnoi.lib import weburl
from ketnoi.lib.vn_text import fold, normalise
from ketnoi.pages import aggregates
from ketnoi.pages.models import (
    METRIC_KEYS,
    METRIC_MAX,
    MetricSnapshot,
    MetricSource,
    Page,
    PageAdministrator,
    PageRole,
    PageStatus,
    Platform,
    SecurityReview,
)
from ketnoi.pages.urlnorm import BadAddress, canonical, is_personal_profile, on_platform_host
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

EDITABLE_FIELDS = {
    "name",
    "url",
    "platform",
    "platform_id",
    "unit",
    "notes",
    "recovery_email",
    "is_grassroots",
    "review_interval_days",
}
# Facebook closed the Groups API in April 2024: group figures come from people (manual entry, files) only.
NO_API_PLATFORMS = {Platform.FACEBOOK_GROUP}


def _today() -> dt.date:
    return timezone.localdate()


# Who records a page's figures: an editor of its unit or a data clerk (by hand, by file or by pull).
FIGURE_VERBS = ("edit", "enter_data")


def may_record_figures(user: Actor, page: Page) -> bool:
    """May ``user`` record figures for ``page`` (the import asks this for every page a file names)?"""
    return permissions.can_one_of(user, FIGURE_VERBS, page.unit)


def may_record_figures_somewhere(user: Actor) -> bool:
    """May ``user`` record figures for some page (to offer the import screen)?"""
    return any(permissions.can_any(user, verb) for verb in FIGURE_VERBS)


_PLATFORM_DOMAINS: dict[str, str] = {
    Platform.FACEBOOK_PAGE: "facebook.com",
    Platform.FACEBOOK_GROUP: "facebook.com",
    Platform.YOUTUBE: "youtube.com",
    Platform.TIKTOK: "tiktok.com",
    Platform.ZALO_OA: "zalo.me",
}
# What makes a page the page it is: a change to any of these on a verified page withdraws the verification.
IDENTITY_FIELDS = ("url", "platform", "platform_id")


def _clean_address(url: str, platform: str) -> tuple[str, str]:
    """The address to store and its canonical key, or a 422 saying what is wrong with it.

    Every address goes through ``ketnoi.lib.weburl`` (http/https only, nothing hidden in it); a page of a
    platform must be on that platform's own domains, a website must be https, and a person's own profile
    is refused: the registry is for organisations' pages.
    """
    stored = weburl.require_web_address(url, field="url", label=_("Address"))
    address = weburl.parse_web_address(stored)
    if platform == Platform.WEBSITE and address.scheme != "https":
        raise ValidationError(
            _("A website is registered by its https:// address: %(url)s") % {"url": stored},
            fields={"url": _("Use the https:// address.")},
        )
    try:
        key = canonical(stored)
        on_host = on_platform_host(platform, stored)
        personal = is_personal_profile(stored)
    except BadAddress as exc:
        raise ValidationError(
            _("“%(url)s” is not a web address.") % {"url": url}, fields={"url": _("Not a web address.")}
        ) from exc
    if not on_host:
        raise ValidationError(
            _("%(url)s is not an address on %(domain)s, the platform chosen for this page.")
            % {"url": stored, "domain": _PLATFORM_DOMAINS.get(platform, platform)},
            fields={"url": _("Not an address of this platform.")},
        )
    if personal:
        raise ValidationError(
            _(
                "%(url)s is the address of a person's own account. The registry is for the pages of "
                "organisations: give the page's own address (for example facebook.com/page-name)."
            )
            % {"url": stored},
            fields={"url": _("A personal profile cannot be registered.")},
        )
    if key.endswith("/") or (
        key.startswith(("facebook.com/groups/", "youtube.com/channel/", "youtube.com/c/"))
        and (key.count("/") < 2)
    ):
        raise ValidationError(
            _("The address does not point to a page: %(url)s") % {"url": url},
            fields={"url": _("Give the address of the page itself.")},
        )
    return stored, key


def _refuse_duplicate(key: str, exclude_pk: int | None = None) -> None:
    qs = Page.objects.filter(canonical_url=key).select_related("unit")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    other = qs.first()
    if other is not None:
        raise Conflict(
            _("This address is already registered as “%(name)s” of %(unit)s.")
            % {"name": other.name, "unit": other.unit.name},
            fields={"url": _("Already registered.")},
        )


def _check_platform(platform: str) -> None:
    if platform not in Platform.values:
        raise ValidationError(
            _("Unknown platform: %(value)s") % {"value": platform},
            fields={"platform": _("Unknown platform.")},
        )


@permissions.gated
@transaction.atomic
def page_register(
    *,
    unit: Unit,
    platform: str,
    name: str,
    url: str,
    by: Actor,
    platform_id: str = "",
    status: str = PageStatus.REGISTERED,
    is_grassroots: bool = False,
    recovery_email: str = "",
    notes: str = "",
    on: dt.date | None = None,
) -> Page:
    """Register a page of ``unit``. A second page at the same canonical address is refused (Conflict)."""
    permissions.require(by, "edit", unit)
    require_exists(unit, on)
    _check_platform(platform)
    name = normalise(name)
    if not name:
        raise ValidationError(_("A page needs a name."), fields={"name": _("Required.")})
    stored_url, key = _clean_address(url, platform)
    _refuse_duplicate(key)
    page = Page(
        unit=unit,
        platform=platform,
        name=name,
        name_folded=fold(name),
        url=stored_url,
        canonical_url=key,
        platform_id=platform_id.strip(),
        is_grassroots=is_grassroots,
        recovery_email=recovery_email.strip(),
        notes=notes,
        status=PageStatus.REGISTERED,
        status_changed_on=on or _today(),
        status_changed_by=permissions.person(by),
    )
    stamp(page, by, gettext_noop("Registered"))
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError as exc:  # a concurrent registration of the same address
        raise Conflict(
            _("This address is already registered."), fields={"url": _("Already registered.")}
        ) from exc
    if status != PageStatus.REGISTERED:
        page_set_status(page=page, status=status, by=by, on=on)
    return page


@permissions.gated
@transaction.atomic
def page_update(*, page: Page, by: Actor, **fields: Any) -> Page:
    """Change the page's registry fields (``EDITABLE_FIELDS``); ``status`` goes to ``page_set_status``.

    A new address, platform or platform id on a verified page withdraws the verification (the page is
    "registered" again until the office verifies it anew), and the history says so.
    """
    status = fields.pop("status", None)
    if fields or status is None:
        permissions.require(by, "edit", page.unit)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            fields={f: _("Cannot be changed.") for f in unknown},
        )
    old_unit = page.unit
    old_identity = (page.canonical_url, page.platform, page.platform_id)
    if "unit" in fields and fields["unit"].pk != page.unit_id:
        permissions.require(by, "edit", fields["unit"])
        require_exists(fields["unit"])
    if "platform" in fields:
        _check_platform(fields["platform"])
    if "name" in fields:
        fields["name"] = normalise(fields["name"])
        if not fields["name"]:
            raise ValidationError(_("A page needs a name."), fields={"name": _("Required.")})
        page.name_folded = fold(fields["name"])
    if "platform_id" in fields:
        fields["platform_id"] = (fields["platform_id"] or "").strip()
    if "url" in fields or "platform" in fields:
        stored_url, key = _clean_address(fields.get("url", page.url), fields.get("platform", page.platform))
        _refuse_duplicate(key, exclude_pk=page.pk)
        page.canonical_url = key
        if "url" in fields:
            fields["url"] = stored_url
    for key_name, value in fields.items():
        setattr(page, key_name, value)
    repointed = (page.canonical_url, page.platform, page.platform_id) != old_identity
    if fields:
        stamp(page, by, gettext_noop("Details changed"))
        page.save()
    if page.unit_id != old_unit.pk:
        units = aggregates._ancestor_ids([page.pk]) + _unit_and_ancestors(old_unit)
        aggregates.refresh_units(units, aggregates.FIRST_MONTH, aggregates.AFTER_LAST_MONTH)
    if repointed and page.status == PageStatus.VERIFIED:
        page_set_status(
            page=page, status=PageStatus.REGISTERED, by=by, reason=_("Address changed: to be verified again")
        )
    if status is not None and status != page.status:
        page_set_status(page=page, status=status, by=by)
    return page


def _unit_and_ancestors(unit: Unit) -> list[int]:
    return [unit.pk, *(u.pk for u in Unit.objects.get_ancestors(unit))] if unit.depth > 1 else [unit.pk]


def may_verify(user: Actor, page: Page) -> bool:
    """The office verifies: an approver of the unit, or an editor of the province (top unit) above it."""
    if permissions.can(user, "approve", page.unit):
        return True
    root_path = page.unit.path[: Unit.steplen]
    root = page.unit if page.unit.depth == 1 else Unit.objects.get(path=root_path)
    return permissions.can(user, "edit", root)


@permissions.gated
@transaction.atomic
def page_set_status(
    *, page: Page, status: str, by: Actor, on: dt.date | None = None, reason: str = ""
) -> Page:
    if status not in PageStatus.values:
        raise ValidationError(
            _("Unknown status: %(value)s") % {"value": status}, fields={"status": _("Unknown status.")}
        )
    if status == PageStatus.VERIFIED:
        # Verifying is the office's call: an approver of the unit needs no editing right for it.
        if not may_verify(by, page):
            raise PermissionDenied(
                _("Only the office (an approver, or an editor of the province) verifies pages.")
            )
    else:
        permissions.require(by, "edit", page.unit)
    day = on or _today()
    page.status = status
    page.status_changed_on = day
    page.status_changed_by = permissions.person(by)
    if status == PageStatus.VERIFIED:
        page.verified_on = day
        page.retired_on = None
    elif status == PageStatus.RETIRED:
        page.retired_on = day
    elif status == PageStatus.REGISTERED:
        page.verified_on = None
    stamp(page, by, reason or gettext_noop("Status changed"))
    page.save()
    return page


NO_SUCH_PERSON = gettext_lazy("No account with this user name among the people of your units.")


def _person_in_scope(by: Actor, user: Any) -> bool:
    """Is the account one the caller may see (its home unit in the caller's scope)?"""
    if permissions.is_system_admin(by):
        return True
    return user.unit_id is not None and permissions.can(by, "view", user.unit)


@permissions.gated
@transaction.atomic
def page_administrator_set(
    *, page: Page, user: Any, role: str, two_factor: bool, by: Actor
) -> PageAdministrator:
    permissions.require(by, "edit", page.unit)
    if not _person_in_scope(by, user):
        # Same words as for an unknown user name: nothing is revealed about accounts outside the scope.
        raise ValidationError(NO_SUCH_PERSON, fields={"username": NO_SUCH_PERSON})
    if role not in PageRole.values:
        raise ValidationError(
            _("Unknown role: %(value)s") % {"value": role}, fields={"role": _("Unknown role.")}
        )
    admin = PageAdministrator.objects.filter(page=page, user=user).first() or PageAdministrator(
        page=page, user=user
    )
    admin.role = role
    admin.two_factor = two_factor
    stamp(admin, by, gettext_noop("Administrator added"))
    admin.save()
    return admin


@permissions.gated
@transaction.atomic
def page_administrator_remove(*, admin: PageAdministrator, by: Actor) -> None:
    permissions.require(by, "edit", admin.page.unit)
    stamp(admin, by, gettext_noop("Administrator removed"))
    admin.delete()


@permissions.gated
@transaction.atomic
def security_review_record(
    *, page: Page, by: Actor, on: dt.date | None = None, note: str = ""
) -> SecurityReview:
    """Record today's review: the checks are computed from the registry, the review date is set."""
    from ketnoi.pages.checklist import evaluate

    permissions.require(by, "edit", page.unit)
    day = on or _today()
    page.last_reviewed_on = day
    stamp(page, by, gettext_noop("Security review recorded"))
    page.save(update_fields=["last_reviewed_on", "updated_at"])
    result = evaluate(page, today=day)
    review = SecurityReview(
        page=page,
        reviewed_on=day,
        reviewed_by=permissions.person(by),
        results={c.key: c.ok for c in result.checks},
        passed=result.ok,
        note=note,
    )
    stamp(review, by, gettext_noop("Security review recorded"))
    review.save()
    return review


# --- Figures ---


def clean_values(values: Mapping[str, Any]) -> dict[str, int | None]:
    """Check keys and values; raise ValidationError naming the field."""
    unknown = set(values) - set(METRIC_KEYS)
    if unknown:
        raise ValidationError(
            _("Unknown figures: %(keys)s") % {"keys": ", ".join(sorted(unknown))},
            fields={k: _("Unknown figure.") for k in unknown},
        )
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        if value is None or value == "":
            cleaned[key] = None
            continue
        try:  # JSON from the API, or numbers the screen's form read already
            number = V.parse_number(value, dialect=V.EXCHANGE, integer=True, maximum=METRIC_MAX[key])
        except V.ValueRefused as exc:
            errors[key] = str(exc)
            continue
        if number is None:
            cleaned[key] = None
        elif number < 0:
            errors[key] = _("Cannot be negative.")
        else:
            cleaned[key] = int(number)
    if errors:
        raise ValidationError(_("Some figures are not valid."), fields=errors)
    return cleaned


@permissions.gated
@transaction.atomic
def metrics_record(
    *, page: Page, day: dt.date, values: dict[str, int | None], source: str, by: Actor
) -> MetricSnapshot:
    """Upsert the snapshot of ``day``: keys given are set (None clears one), keys not given stay."""
    permissions.require_one_of(by, FIGURE_VERBS, page.unit)
    if source not in MetricSource.values:
        raise ValidationError(
            _("Unknown source: %(value)s") % {"value": source}, fields={"source": _("Unknown.")}
        )
    if source == MetricSource.CONNECTOR and page.platform in NO_API_PLATFORMS:
        raise ValidationError(
            _(
                "Facebook closed API access to groups in April 2024: "
                "enter group figures by hand or import a file."
            ),
            fields={"source": _("Not available for Facebook groups.")},
        )
    if day > _today():
        raise ValidationError(_("The day is in the future."), fields={"day": _("In the future.")})
    cleaned = clean_values(values)
    snap = MetricSnapshot.objects.select_for_update().filter(page=page, day=day).first()
    if snap is None:
        snap = MetricSnapshot(page=page, day=day, source=source)
    for key, value in cleaned.items():
        setattr(snap, key, value)
    snap.source = source
    snap.updated_by = permissions.person(by)
    snap.save()
    aggregates.refresh([page.pk], day, day)
    return snap
