"""Login, the person's own page, and people and role management for unit administrators."""

from __future__ import annotations

import base64
import time
from typing import cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketnoi.accounts import selectors, services
from ketnoi.accounts.backends import DEMO_PASSWORD_REFUSED, known_demo_password
from ketnoi.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    OtpConfirmForm,
    PersonEditForm,
    PersonForm,
    ProfileForm,
    RoleForm,
    SetPasswordForm,
    TokenForm,
)
from ketnoi.accounts.models import ApiToken, User
from ketnoi.accounts.twofactor import needs_two_factor, passed_second_factor
from ketnoi.core import permissions
from ketnoi.core.audit import history_rows, security_event
from ketnoi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from ketnoi.core.forms import add_application_error
from ketnoi.core.paging import page_of
from ketnoi.units.selectors import unit_get, unit_list


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view below is behind ``login_required``)."""
    return cast(User, request.user)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("core:home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("core:home")
    return target


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    need_otp = False
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is None and known_demo_password(form.cleaned_data["password"]):
            form.add_error(None, DEMO_PASSWORD_REFUSED)
        elif user is None:
            form.add_error(None, _("Wrong user name or password."))
        else:
            devices = list(devices_for_user(user, confirmed=True))
            code = form.cleaned_data.get("otp") or ""
            device = next((d for d in devices if code and d.verify_token(code)), None)
            if devices and device is None:
                need_otp = True
                if code:
                    security_event("second_factor_failed", user, user.unit, request)
                    form.add_error(
                        "otp", _("The code is not right. Enter the current 6-digit code from your app.")
                    )
            else:
                # One commit for the login's writes (the new session, the time of the login, the lockout
                # counter's reset, the security events): on SQLite each commit waits for the write lock.
                # The session's data is written with the response, as on every request.
                with transaction.atomic():
                    login(request, user)  # a new session key at login
                    now = int(time.time())
                    request.session["ketnoi_started"] = now
                    request.session["ketnoi_seen"] = now
                    if device is not None:
                        otp_login(request, device)
                        security_event("second_factor", user, user.unit, request)
                return redirect(_safe_next(request))
    expired = request.GET.get("expired") == "1"
    return render(request, "accounts/login.html", {"form": form, "need_otp": need_otp, "expired": expired})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    profile_form = ProfileForm(
        initial={"full_name": user.full_name, "phone": user.phone, "language": user.language}
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "password_form": ChangePasswordForm(),
            "tokens": ApiToken.objects.filter(user=user),
            "token_form": TokenForm(),
            "new_token": request.session.pop("new_token", None),
            "has_device": any(True for _ in devices_for_user(user, confirmed=True)),
            "needs_2fa": needs_two_factor(user),
            "grants": user.grants.select_related("unit"),
        },
    )


@login_required
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    """The person's own name, phone and interface language."""
    form = ProfileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("accounts:profile")
    services.user_update(user=_me(request), by=_me(request), **form.cleaned_data)
    translation.activate(form.cleaned_data["language"])
    messages.success(request, _("Your details are saved."))
    response = redirect("accounts:profile")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
    return response


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.POST)
    user = _me(request)
    if not form.is_valid() or not user.check_password(form.cleaned_data["current"]):
        messages.error(request, _("The current password is not right."))
        return redirect("accounts:profile")
    try:
        services.user_set_password(user=user, password=form.cleaned_data["password"], by=user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts:profile")
    update_session_auth_hash(request, user)
    messages.success(request, _("Your password is changed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(
                user=_me(request),
                name=form.cleaned_data["name"],
                by=_me(request),
                days=form.cleaned_data["days"],
                second_factor=passed_second_factor(request.user),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            request.session["new_token"] = raw
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=_me(request)).first()
    if token is None:
        raise NotFound()
    services.api_token_revoke(token=token, by=_me(request))
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: show a QR code, confirm with the first code."""
    user = _me(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = OtpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            request.session.cycle_key()  # a new session key once the second factor is passed
            otp_login(request, device)
            security_event("second_factor", user, user.unit, request)
            messages.success(request, _("Two-factor login is now on for your account."))
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is not right. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    svg = base64.b64encode(qr.svg_inline(scale=4).encode()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg_b64": svg, "secret": secret})


@login_required
def people(request: HttpRequest) -> HttpResponse:
    if not permissions.can_any(_me(request), "manage"):
        raise PermissionDenied()
    q = request.GET.get("q", "")
    people_qs = selectors.user_list(for_user=_me(request), q=q)
    template = "accounts/_people_rows.html" if request.htmx else "accounts/people.html"  # type: ignore[attr-defined]
    return render(request, template, {"people": page_of(request, people_qs), "q": q})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    units = list(unit_list(for_user=_me(request), verb="manage"))
    if not units:
        raise PermissionDenied()
    form = PersonForm(request.POST or None, units=units, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                unit=unit_get(code=data["unit"], for_user=_me(request), verb="manage"),
                by=_me(request),
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect("accounts:person_detail", person.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=_me(request))
    units = list(unit_list(for_user=_me(request), verb="manage"))
    may_manage = permissions.can_manage_person(_me(request), person)
    edit_form = None
    if may_manage and units:
        edit_form = PersonEditForm(
            units=units,
            initial={
                "full_name": person.full_name,
                "email": person.email,
                "position": person.position,
                "phone": person.phone,
                "unit": person.unit.code if person.unit else "",
                "is_active": person.is_active,
            },
        )
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "grants": selectors.grant_list(for_user=_me(request), user=person),
            "role_form": RoleForm(units=units) if units and may_manage else None,
            "edit_form": edit_form,
            "password_form": SetPasswordForm() if may_manage else None,
            "history": history_rows(person),
        },
    )


@login_required
@require_POST
def person_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=_me(request))
    units = list(unit_list(for_user=_me(request), verb="manage"))
    form = PersonEditForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("Please check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("accounts:person_detail", person.pk)
    data = dict(form.cleaned_data)
    data["unit"] = unit_get(code=data["unit"], for_user=_me(request), verb="manage")
    if person.pk == _me(request).pk and not data["is_active"]:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("accounts:person_detail", person.pk)
    services.user_update(user=person, by=_me(request), **data)
    messages.success(request, _("Saved."))
    return redirect("accounts:person_detail", person.pk)


@login_required
@require_POST
def person_set_password(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=_me(request))
    form = SetPasswordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a new password."))
        return redirect("accounts:person_detail", person.pk)
    try:
        services.user_set_password(user=person, password=form.cleaned_data["password"], by=_me(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The new password is set. Give it to the person in a safe way."))
    return redirect("accounts:person_detail", person.pk)


@login_required
@require_POST
def role_add(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=_me(request))
    units = list(unit_list(for_user=_me(request), verb="manage"))
    form = RoleForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.role_grant(
                user=person,
                unit=unit_get(code=form.cleaned_data["unit"], for_user=_me(request), verb="manage"),
                role=form.cleaned_data["role"],
                valid_until=form.cleaned_data["valid_until"],
                by=_me(request),
            )
            messages.success(request, _("Role granted."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Choose a role and a unit."))
    return redirect("accounts:person_detail", person.pk)


@login_required
@require_POST
def role_remove(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selectors.grant_get(pk=grant_id, for_user=_me(request))
    user_id = grant.user_id
    services.role_revoke(grant=grant, by=_me(request))
    messages.success(request, _("Role revoked."))
    return redirect("accounts:person_detail", user_id)
