"""Every change to people, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.accounts.models import ApiToken, Role, RoleGrant, User
from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.units.models import Unit

TOKEN_PREFIX = "kn_"  # noqa: S105 - a visible prefix, not a secret
DEFAULT_TOKEN_DAYS = 90


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), fields={"password": " ".join(exc.messages)}) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    by: Any,
    full_name: str = "",
    email: str = "",
    unit: Unit | None = None,
    position: str = "",
    language: str = "vi",
    validate_password: bool = True,
) -> User:
    """Create a staff account in ``unit``. The caller must manage that unit."""
    if by is not None:
        permissions.require(by, "manage", unit) if unit is not None else permissions.require(
            by, "system", None
        )
    username = username.strip()
    if not username:
        raise ValidationError(_("A user name is required."), fields={"username": _("Required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("The user name %(name)s is already taken.") % {"name": username},
            fields={"username": _("Taken.")},
        )
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        unit=unit,
        position=position,
        language=language,
    )
    if password:
        if validate_password:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    stamp(user, by, gettext_noop("Account created"))
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, by: Any, **fields: Any) -> User:
    allowed = {"full_name", "email", "unit", "position", "phone", "language", "is_active", "left_unit_on"}
    if set(fields) - allowed:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(set(fields) - allowed)}
        )
    self_service = by is not None and by.pk == user.pk and set(fields) <= {"full_name", "language", "phone"}
    if by is not None and not self_service:
        permissions.require(by, "manage", user.unit)
        if "unit" in fields and fields["unit"] is not None:
            permissions.require(by, "manage", fields["unit"])
    for key, value in fields.items():
        setattr(user, key, value)
    stamp(user, by, gettext_noop("Account changed"))
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by: Any) -> None:
    if by is not None and by.pk != user.pk:
        permissions.require(by, "manage", user.unit)
    _validate_password(password, user)
    user.set_password(password)
    stamp(user, by, gettext_noop("Password changed"))
    user.save()


def _may_grant(by: Any, role: str, unit: Unit) -> None:
    if by is None:
        return
    if role == Role.SYSTEM_ADMIN:
        permissions.require(by, "system", None)
    else:
        permissions.require(by, "manage", unit)


@transaction.atomic
def role_grant(
    *, user: User, unit: Unit, role: str, by: Any, valid_until: dt.date | None = None
) -> RoleGrant:
    """Give ``user`` the ``role`` on ``unit`` and its subtree."""
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role: %(role)s") % {"role": role}, fields={"role": _("Unknown role.")}
        )
    _may_grant(by, role, unit)
    grant = RoleGrant(user=user, unit=unit, role=role, valid_until=valid_until, granted_by=by if by else None)
    stamp(grant, by, gettext_noop("Role granted"))
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:
        raise Conflict(_("This person already has this role on this unit.")) from exc
    permissions.forget(user)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, by: Any) -> None:
    _may_grant(by, grant.role, grant.unit)
    if by is not None and by.pk == grant.user_id and grant.role in (Role.SYSTEM_ADMIN, Role.UNIT_ADMIN):
        raise PermissionDenied(_("You cannot remove your own administrator role."))
    stamp(grant, by, gettext_noop("Role revoked"))
    grant.delete()
    permissions.forget(grant.user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    by: Any,
    expires_at: dt.datetime | None = None,
    days: int | None = DEFAULT_TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """Create a token; the clear token is returned once and never stored."""
    if by is not None and by.pk != user.pk:
        raise PermissionDenied(_("Tokens are personal: only their owner can create them."))
    if expires_at is None and days:
        expires_at = timezone.now() + dt.timedelta(days=days)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            _("The expiry must be in the future."), fields={"expires_at": _("In the past.")}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or _("API token"),
        prefix=raw[:11],
        token_hash=_hash(raw),
        expires_at=expires_at,
    )
    return token, raw


def api_token_authenticate(*, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = ApiToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if row is None or not row.is_usable or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def api_token_revoke(*, token: ApiToken, by: Any) -> None:
    if by is not None and by.pk != token.user_id:
        permissions.require(by, "manage", token.user.unit)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
