"""Authentication, the caller's own account, personal API tokens, people and roles."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ketnoi.accounts import selectors, services
from ketnoi.accounts.backends import DEMO_PASSWORD_REFUSED, known_demo_password
from ketnoi.accounts.models import Role
from ketnoi.accounts.twofactor import has_device, verify_code
from ketnoi.core import permissions
from ketnoi.core.audit import security_event
from ketnoi.core.exceptions import NotAuthenticated, ValidationError
from ketnoi.units.selectors import unit_get

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    name: str = "API"
    days: int = services.DEFAULT_TOKEN_DAYS


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime | None


@router.post(
    "/auth/token", auth=None, response=TokenOut, summary="Exchange a user name and password for a token"
)
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, object]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and known_demo_password(payload.password):
        raise NotAuthenticated(DEMO_PASSWORD_REFUSED)
    if user is None:
        raise NotAuthenticated(_("Wrong user name or password, or the account is locked for a while."))
    code_ok = verify_code(user, payload.otp)
    if payload.otp:
        security_event("second_factor" if code_ok else "second_factor_failed", user, user.unit, request)
    if not code_ok and has_device(user):
        raise NotAuthenticated(_('This account uses two-factor login: send the 6-digit code as "otp".'))
    token, raw = services.api_token_create(
        user=user, name=payload.name, by=user, days=max(1, min(payload.days, 365)), second_factor=code_ok
    )
    return {"token": raw, "expires_at": token.expires_at}


class GrantOut(Schema):
    id: int
    role: str
    unit_code: str
    unit_name: str
    valid_until: dt.date | None


class MeOut(Schema):
    username: str
    full_name: str
    unit_code: str | None
    language: str
    roles: list[GrantOut]


def _grant_out(g: object) -> dict[str, object]:
    return {
        "id": g.pk,  # type: ignore[attr-defined]
        "role": g.role,  # type: ignore[attr-defined]
        "unit_code": g.unit.code,  # type: ignore[attr-defined]
        "unit_name": g.unit.name,  # type: ignore[attr-defined]
        "valid_until": g.valid_until,  # type: ignore[attr-defined]
    }


@router.get("/me", response=MeOut, summary="The caller's account and roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    grants = user.grants.select_related("unit").all()  # type: ignore[union-attr]
    return {
        "username": user.username,
        "full_name": user.full_name,  # type: ignore[union-attr]
        "unit_code": user.unit.code if user.unit else None,  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
        "roles": [_grant_out(g) for g in grants],
    }


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked: bool


@router.get(
    "/tokens", response=list[ApiTokenOut], summary="The caller's personal API tokens (never the secret)"
)
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "revoked": t.revoked_at is not None,
        }
        for t in request.user.api_tokens.all()  # type: ignore[union-attr]
    ]


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of the caller's tokens")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    from ketnoi.accounts.models import ApiToken
    from ketnoi.core.exceptions import NotFound

    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()  # type: ignore[misc]
    if token is None:
        raise NotFound()
    services.api_token_revoke(token=token, by=request.user)
    return Status(204, None)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    unit_code: str | None
    position: str
    is_active: bool


class UserIn(Schema):
    username: str
    password: str
    full_name: str = ""
    email: str = ""
    unit_code: str
    position: str = ""


def _user_out(u: object) -> dict[str, object]:
    return {
        "id": u.pk,  # type: ignore[attr-defined]
        "username": u.username,  # type: ignore[attr-defined]
        "full_name": u.full_name,  # type: ignore[attr-defined]
        "email": u.email,  # type: ignore[attr-defined]
        "unit_code": u.unit.code if u.unit else None,  # type: ignore[attr-defined]
        "position": u.position,  # type: ignore[attr-defined]
        "is_active": u.is_active,  # type: ignore[attr-defined]
    }


@router.get("/users", response=list[UserOut], summary="People of the units the caller manages")
def user_list(request: HttpRequest, q: str = "") -> list[dict[str, object]]:
    return [_user_out(u) for u in selectors.user_list(for_user=request.user, q=q)[:500]]


@router.post("/users", response={201: UserOut}, summary="Create a staff account")
def user_create(request: HttpRequest, payload: UserIn) -> Status[dict[str, object]]:
    unit = unit_get(code=payload.unit_code, for_user=request.user, verb="manage")
    user = services.user_create(
        username=payload.username,
        password=payload.password,
        full_name=payload.full_name,
        email=payload.email,
        unit=unit,
        position=payload.position,
        by=request.user,
    )
    return Status(201, _user_out(user))


@router.get("/users/{user_id}", response=UserOut, summary="One person")
def user_detail(request: HttpRequest, user_id: int) -> dict[str, object]:
    return _user_out(selectors.user_get(pk=user_id, for_user=request.user))


class GrantIn(Schema):
    role: str
    unit_code: str
    valid_until: dt.date | None = None


@router.get("/users/{user_id}/roles", response=list[GrantOut], summary="A person's roles")
def grant_list(request: HttpRequest, user_id: int) -> list[dict[str, object]]:
    user = selectors.user_get(pk=user_id, for_user=request.user)
    return [_grant_out(g) for g in selectors.grant_list(for_user=request.user, user=user)]


@router.post(
    "/users/{user_id}/roles", response={201: GrantOut}, summary="Grant a role on a unit and its subtree"
)
def grant_create(request: HttpRequest, user_id: int, payload: GrantIn) -> Status[dict[str, object]]:
    if payload.role not in Role.values:
        raise ValidationError(fields={"role": _("Unknown role.")})
    user = selectors.user_get(pk=user_id, for_user=request.user, verb="view")
    unit = unit_get(code=payload.unit_code, for_user=request.user, verb="manage")
    grant = services.role_grant(
        user=user, unit=unit, role=payload.role, by=request.user, valid_until=payload.valid_until
    )
    return Status(201, _grant_out(grant))


@router.delete("/roles/{grant_id}", response={204: None}, summary="Revoke a role")
def grant_delete(request: HttpRequest, grant_id: int) -> Status[None]:
    grant = selectors.grant_get(pk=grant_id, for_user=request.user)
    services.role_revoke(grant=grant, by=request.user)
    permissions.forget(request.user)
    return Status(204, None)
