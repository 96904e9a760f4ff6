"""Every change to people, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.accounts.models import ApiToken, Role, RoleGrant, User
from ketnoi.accounts.twofactor import two_factor_required
from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import Conflict, NotAuthenticated, PermissionDenied, ValidationError
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

TOKEN_PREFIX = "kn_"  # noqa: S105 - a visible prefix, not a secret
DEFAULT_TOKEN_DAYS = 90


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), fields={"password": " ".join(exc.messages)}) from exc


@permissions.gated
@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    by: Actor,
    full_name: str = "",
    email: str = "",
    unit: Unit | None = None,
    position: str = "",
    language: str = "vi",
    validate_password: bool = True,
) -> User:
    """Create a staff account in ``unit``. The caller must manage that unit."""
    if unit is not None:
        permissions.require(by, "manage", unit)
    else:
        permissions.require(by, "system", None)
    if unit is not None:
        require_exists(unit, planned_ok=True)
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


def _is_person(by: Actor) -> bool:
    """A signed-in person, as opposed to the product itself (``SYSTEM``)."""
    return permissions.person(by) is not None


def require_manage_person(*, person: User, by: Actor) -> None:
    """Refuse unless ``by`` may manage ``person`` (see ``permissions.can_manage_person``).

    The one check before any change to another person's account: details, e-mail, activity,
    password, roles and tokens, from the web, the API and the command line alike.
    """
    permissions.require_actor(by)
    if not permissions.can_manage_person(by, person):
        raise PermissionDenied(
            _(
                "You cannot manage %(person)s: they hold roles outside the units you manage, "
                "or rights you do not hold yourself."
            )
            % {"person": person.display_name}
        )


@permissions.gated
@transaction.atomic
def user_update(*, user: User, by: Actor, **fields: Any) -> User:
    allowed = {"full_name", "email", "unit", "position", "phone", "language", "is_active", "left_unit_on"}
    if set(fields) - allowed:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(set(fields) - allowed)}
        )
    self_service = _is_person(by) and by.pk == user.pk and set(fields) <= {"full_name", "language", "phone"}
    if not self_service:
        require_manage_person(person=user, by=by)
        if "unit" in fields and fields["unit"] is not None:
            permissions.require(by, "manage", fields["unit"])
    deactivated = user.is_active and fields.get("is_active") is False
    for key, value in fields.items():
        setattr(user, key, value)
    stamp(user, by, gettext_noop("Account changed"))
    user.save()
    if deactivated:
        end_sessions_and_tokens(user)
        security_event("account_deactivated", by, user.unit, detail={"person": user.pk})
    return user


def end_sessions_and_tokens(user: User) -> None:
    """End every web session and API token of ``user`` at once (deactivation, new password, erasure)."""
    from django.contrib.sessions.models import Session

    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    key = str(user.pk)
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == key
    ]
    Session.objects.filter(session_key__in=doomed).delete()


@permissions.gated
@transaction.atomic
def user_set_password(*, user: User, password: str, by: Actor) -> None:
    """Set a new password. Every API token of the account ends with the old password, and so does
    every session (Django checks a hash of the password on each request); the caller keeps their own
    session with ``update_session_auth_hash`` when they changed their own password."""
    if not (_is_person(by) and by.pk == user.pk):
        require_manage_person(person=user, by=by)
    _validate_password(password, user)
    user.set_password(password)
    stamp(user, by, gettext_noop("Password changed"))
    user.save()
    end_sessions_and_tokens(user)
    security_event("password_reset", by, user.unit, detail={"person": user.pk})


def _may_grant(by: Actor, person: User, role: str, unit: Unit) -> None:
    """Separation of duties for grants and revocations: nobody grants themselves anything, and a
    role on a unit is granted or taken back only by someone who manages the person, manages the unit
    and holds every right of the role there (on that unit or above)."""
    if _is_person(by) and by.pk == person.pk:
        raise PermissionDenied(_("Nobody can grant roles to themselves: ask another administrator."))
    if role == Role.SYSTEM_ADMIN:
        permissions.require(by, "system", None)
        return
    permissions.require(by, "manage", unit)
    if not permissions.holds_role_rights(by, role, unit):
        raise PermissionDenied(
            _("You can only grant a role whose rights you hold yourself on %(unit)s.") % {"unit": unit.name}
        )
    require_manage_person(person=person, by=by)


@permissions.gated
@transaction.atomic
def role_grant(
    *, user: User, unit: Unit, role: str, by: Actor, valid_until: dt.date | None = None
) -> RoleGrant:
    """Give ``user`` the ``role`` on ``unit`` and its subtree."""
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role: %(role)s") % {"role": role}, fields={"role": _("Unknown role.")}
        )
    _may_grant(by, user, role, unit)
    require_exists(unit, planned_ok=True)
    grant = RoleGrant(
        user=user, unit=unit, role=role, valid_until=valid_until, granted_by=permissions.person(by)
    )
    stamp(grant, by, gettext_noop("Role granted"))
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:
        raise Conflict(_("This person already has this role on this unit.")) from exc
    permissions.forget(user)
    security_event("role_changed", by, unit, detail={"person": user.pk, "role": role, "action": "grant"})
    return grant


@permissions.gated
@transaction.atomic
def role_revoke(*, grant: RoleGrant, by: Actor) -> None:
    if _is_person(by) and by.pk == grant.user_id:
        permissions.require(by, "manage", grant.unit)
        if grant.role in (Role.SYSTEM_ADMIN, Role.UNIT_ADMIN):
            raise PermissionDenied(_("You cannot remove your own administrator role."))
    else:
        _may_grant(by, grant.user, grant.role, grant.unit)
    stamp(grant, by, gettext_noop("Role revoked"))
    grant.delete()
    permissions.forget(grant.user)
    security_event(
        "role_changed",
        by,
        grant.unit,
        detail={"person": grant.user_id, "role": grant.role, "action": "revoke"},
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@permissions.gated
@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    by: Actor,
    expires_at: dt.datetime | None = None,
    days: int | None = DEFAULT_TOKEN_DAYS,
    second_factor: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token; the clear token is returned once and never stored.

    ``second_factor`` says the owner proved a second factor for this request (a TOTP code, or a web
    session that passed one); where two factors are required for the owner's roles, none is issued
    without it.
    """
    if _is_person(by) and by.pk != user.pk:
        raise PermissionDenied(_("Tokens are personal: only their owner can create them."))
    if two_factor_required(user) and not second_factor:
        raise NotAuthenticated(
            _(
                "Your role needs two-factor login: turn it on from your profile on the web, "
                'then send the 6-digit code as "otp".'
            )
        )
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
        second_factor=second_factor,
        password_stamp=password_stamp(user),
    )
    security_event("token_issued", by or user, user.unit, detail={"token": token.pk, "prefix": token.prefix})
    return token, raw


def password_stamp(user: User) -> str:
    """A short fingerprint of the account's current password hash (changes with every new password)."""
    return hashlib.sha256(user.password.encode()).hexdigest()[:16]


def api_token_authenticate(*, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = ApiToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if row is None or not row.is_usable or not row.user.is_active:
        return None
    if row.password_stamp != password_stamp(row.user):
        return None  # issued under a password that has since been changed
    if two_factor_required(row.user) and not row.second_factor:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@permissions.gated
def api_token_revoke(*, token: ApiToken, by: Actor) -> None:
    if not (_is_person(by) and by.pk == token.user_id):
        require_manage_person(person=token.user, by=by)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        security_event(
            "token_revoked", by, token.user.unit, detail={"token": token.pk, "person": token.user_id}
        )
