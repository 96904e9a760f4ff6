"""Audit trail helpers on top of django-simple-history.

Services call ``stamp`` before saving so the history row records who made the change and why (the
reason is stored as an English msgid, marked with ``gettext_noop``, and shown in the reader's language);
views call ``history_rows`` to show an object's history with before and after values.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext


def stamp(instance: models.Model, by: Any, reason: str = "") -> None:
    # SYSTEM (no person: worker, demo loader) is authenticated but has no row: recorded as no user.
    person = getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None
    instance._history_user = by if person else None  # type: ignore[attr-defined]
    instance._change_reason = reason[:100] if reason else None  # type: ignore[attr-defined]


def _display(record: Any, field: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        if isinstance(related, type):
            found = related._default_manager.filter(pk=value).first()
            return str(found) if found is not None else f"#{value}"
        return f"#{value}"
    return str(value)


def history_rows(obj: models.Model, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first: when, who, what kind of change, and each field's before and after."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(getattr(field, "verbose_name", change.field)),
                        "old": _display(record, field, change.old),
                        "new": _display(record, field, change.new),
                    }
                )
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.history_type,
                "reason": gettext(record.history_change_reason) if record.history_change_reason else "",
                "changes": changes,
            }
        )
    return rows
