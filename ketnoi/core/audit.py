"""Audit trail helpers on top of django-simple-history.

Services call ``stamp`` before saving so the history row records who made the change and why (the
reason is stored as an English msgid, marked with ``gettext_noop``, and shown in the reader's language);
views call ``history_rows`` to show an object's history: one renderer for every app, so every row says
who, when (local time, d/m/Y H:i), what was done, and each field (its label in the reader's language)
from what to what (choice labels, names of related rows, dates and numbers written the Vietnamese way).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from ketnoi.core import permissions

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

# Reasons written by older versions as internal words, shown as the actions they were.
LEGACY_REASONS = {
    "register": gettext_noop("Registered"),
    "edit": gettext_noop("Details changed"),
    "security review": gettext_noop("Security review recorded"),
    "administrator": gettext_noop("Administrator added"),
    "remove administrator": gettext_noop("Administrator removed"),
}
ACTIONS = {"+": gettext_noop("Created"), "~": gettext_noop("Changed"), "-": gettext_noop("Deleted")}
# Bookkeeping columns that say nothing a reader needs.
QUIET_FIELDS = {"id", "created_at", "updated_at", "search_folded", "path", "depth", "numchild"}
MAX_TEXT = 200


def stamp(instance: models.Model, by: Actor, reason: str = "") -> None:
    # SYSTEM (no person: worker, demo loader) is authenticated but has no row: recorded as no user.
    instance._history_user = permissions.person(by)  # type: ignore[attr-defined]
    instance._change_reason = reason[:100] if reason else None  # type: ignore[attr-defined]


def reason_text(raw: str | None) -> str:
    """A stored reason in the reader's language (msgids are translated, legacy words mapped)."""
    if not raw:
        return ""
    if raw.startswith("status: "):
        return gettext("Status changed")
    return gettext(LEGACY_REASONS.get(raw, raw))


def when_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def display(field: models.Field[Any, Any], value: Any) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        if isinstance(related, type):
            found = related._default_manager.filter(pk=value).first()
            if found is not None:
                return str(getattr(found, "display_name", "") or found)
        return gettext("(deleted)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        return when_text(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, Decimal)):
        return number_format(value, force_grouping=True)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _label(field: models.Field[Any, Any]) -> str:
    return str(capfirst(field.verbose_name))


def history_rows(obj: models.Model, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first: when, who, what was done, and each field's before and after."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = obj._meta.model
    rows = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field = model._meta.get_field(change.field)
                if change.field in QUIET_FIELDS or not isinstance(field, models.Field):
                    continue
                changes.append(
                    {
                        "field": _label(field),
                        "old": display(field, change.old),
                        "new": display(field, change.new),
                    }
                )
        elif record.history_type == "+":
            for field in record.instance_type._meta.fields:
                if field.name in QUIET_FIELDS or not field.editable or not hasattr(record, field.attname):
                    continue
                value = getattr(record, field.attname)
                if value not in (None, "", False):
                    changes.append({"field": _label(field), "old": "—", "new": display(field, value)})
        who = record.history_user
        rows.append(
            {
                "when": record.history_date,
                "when_text": when_text(record.history_date),
                "who": who,
                "who_text": (getattr(who, "display_name", "") or str(who)) if who is not None else "",
                "type": record.history_type,
                "action": reason_text(record.history_change_reason) or gettext(ACTIONS[record.history_type]),
                "reason": reason_text(record.history_change_reason),
                "changes": changes,
            }
        )
    return rows


def security_event(
    kind: str,
    by: Any,
    unit: Any = None,
    where: HttpRequest | str | None = None,
    detail: dict[str, Any] | None = None,
    *,
    username: str = "",
) -> Any:
    """Record one security event: the one writer of ``SecurityEvent`` (an append-only table).

    ``by`` is the actor (a person, ``SYSTEM``, or an anonymous visitor); ``where`` is the request (its
    client address is read behind the trusted proxies by ``core.client``) or an address; without one,
    the address of the request being served, if any. ``detail`` holds identifiers and codes, never a
    secret or a password. ``username`` is kept only when no account matches (a failed login).
    """
    from ketnoi.core.client import client_address, current_address
    from ketnoi.core.models import SecurityEvent, SecurityEventKind

    if kind not in SecurityEventKind.values:
        raise ValueError(f"unknown security event kind: {kind}")
    if isinstance(where, HttpRequest):
        address: str | None = client_address(where)
    else:
        address = where or current_address()
    person = by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None else None
    return SecurityEvent.objects.create(
        kind=kind,
        person=person,
        username="" if person is not None else username[:150],
        unit_id=getattr(unit, "pk", None),
        address=address or None,
        detail=detail or {},
    )


def refused_access(request: HttpRequest, exc: Exception | None) -> None:
    """The security event of a refused request (403), from the one handler of each surface."""
    security_event(
        "access_refused",
        getattr(request, "user", None),
        getattr(exc, "unit", None),
        request,
        detail={"method": request.method or "", "path": request.path[:200]},
    )


def prune_security_events(now: dt.datetime | None = None) -> int:
    """Remove security events older than ``KETNOI_SECURITY_EVENT_DAYS`` (the only deletion there is)."""
    from django.conf import settings
    from django.db import connection, transaction

    from ketnoi.core.models import SecurityEvent

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.KETNOI_SECURITY_EVENT_DAYS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the trigger lets this transaction delete
                cursor.execute("SELECT set_config('ketnoi.prune_security_events', 'on', true)")
        return SecurityEvent.objects.filter(at__lt=cutoff)._prune()
