"""A staff member's personal data on request: export it, or erase it (Nghị định 13/2023/NĐ-CP and the Luật
Bảo vệ dữ liệu cá nhân 2025; docs/privacy.md is the record of what is held and why).

Erasure pseudonymises: the account row stays (so history rows, approvals, reports and security events
keep pointing at *someone*), but every item that identifies the person — user name, names, e-mail,
phone, position, password, second-factor devices, sessions, tokens, failed-login records — is removed or
replaced, in the account and in every historical copy of it. The security events themselves stay as
they are (they name an account number, never a name), as the law allows for security records.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.accounts.models import User
from ketnoi.accounts.services import _is_person, end_sessions_and_tokens, require_manage_person
from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import Conflict, PermissionDenied
from ketnoi.core.models import SecurityEvent

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

PROFILE_FIELDS = (
    "username",
    "full_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "position",
    "language",
)


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _references(person: User) -> list[dict[str, Any]]:
    """Every business row that names the person (who created, approved, administers ... what)."""
    found = []
    for model in apps.get_models():
        label = model._meta.label
        if label.startswith(("accounts.", "sessions.", "axes.", "otp_")) or "historical" in label.lower():
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                rows = model._base_manager.filter(**{field.attname: person.pk}).values_list("pk", flat=True)
                ids = list(rows[:1000])
                if ids:
                    found.append({"table": label, "field": field.name, "ids": ids})
    return found


@permissions.gated
def personal_data_export(*, person: User, by: Actor) -> dict[str, Any]:
    """Everything the product holds about ``person``, as one JSON-ready document."""
    if not (_is_person(by) and by.pk == person.pk) and not isinstance(by, permissions.SystemActor):
        require_manage_person(person=person, by=by)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    document = {
        "account": {
            **{name: getattr(person, name) for name in PROFILE_FIELDS},
            "unit": person.unit.code if person.unit else None,
            "is_active": person.is_active,
            "date_joined": _when(person.date_joined),
            "last_login": _when(person.last_login),
            "left_unit_on": _when(person.left_unit_on),
        },
        "roles": [
            {"role": g.role, "unit": g.unit.code, "valid_until": _when(g.valid_until)}
            for g in person.grants.select_related("unit").order_by("pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in person.api_tokens.order_by("pk")
        ],
        "two_factor_devices": [
            {"name": d.name, "confirmed": d.confirmed} for d in TOTPDevice.objects.filter(user=person)
        ],
        "account_history": [
            {
                "at": _when(h.history_date),
                "change": h.history_change_reason or h.history_type,
                **{name: getattr(h, name, None) for name in PROFILE_FIELDS},
            }
            for h in person.history.order_by("history_date")
        ],
        "security_events": [
            {"at": _when(e.at), "kind": e.kind, "address": e.address, "unit": e.unit_id, "detail": e.detail}
            for e in SecurityEvent.objects.filter(person=person).order_by("at", "id")[:10000]
        ],
        "records_naming_the_person": _references(person),
    }
    security_event(
        "personal_data_exported", by, person.unit, detail={"person": person.pk, "action": "export"}
    )
    return document


@permissions.gated
@transaction.atomic
def personal_data_erase(*, person: User, by: Actor) -> User:
    """Pseudonymise ``person`` everywhere (see the module's docstring); their account can never log in."""
    if _is_person(by) and by.pk == person.pk:
        raise PermissionDenied(_("Ask an administrator to erase your personal data."))
    if not isinstance(by, permissions.SystemActor):
        require_manage_person(person=person, by=by)
    if person.username.startswith("erased-"):
        raise Conflict(_("This person's personal data is already erased."))
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old_username = person.username
    alias = f"erased-{person.pk}"
    end_sessions_and_tokens(person)
    TOTPDevice.objects.filter(user=person).delete()
    for record in (AccessAttempt, AccessLog, AccessFailureLog):
        record.objects.filter(username__iexact=old_username).delete()
    for grant in person.grants.all():
        stamp(grant, by, gettext_noop("Role revoked"))
        grant.delete()
    permissions.forget(person)
    person.username = alias
    person.full_name = alias
    person.first_name = person.last_name = person.email = person.phone = person.position = ""
    person.is_active = False
    person.left_unit_on = person.left_unit_on or timezone.localdate()
    person.set_unusable_password()
    stamp(person, by, gettext_noop("Personal data erased"))
    person.save()
    # Every historical copy of the account: the same pseudonym, nothing else that identifies.
    person.history.update(
        username=alias, full_name=alias, first_name="", last_name="", email="", phone="", position=""
    )
    security_event("personal_data_erased", by, person.unit, detail={"person": person.pk, "action": "erase"})
    return person
