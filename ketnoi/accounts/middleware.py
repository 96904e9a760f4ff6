"""Session lifetime, the user's language and two-factor enforcement."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLifetimeMiddleware:
    """Ends a session after 30 minutes without activity or 12 hours in all."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        if session.get("_auth_user_id"):
            started = session.get("ketnoi_started", now)
            last = session.get("ketnoi_seen", now)
            if (
                now - last > settings.KETNOI_SESSION_IDLE_SECONDS
                or now - started > settings.KETNOI_SESSION_MAX_SECONDS
            ):
                session.flush()
                request.session_expired = True  # type: ignore[attr-defined]
                if request.method == "GET" and not request.path.startswith(("/api/", "/accounts/login/")):
                    # Say why the person has to log in again, and bring them back where they were.
                    query = urlencode({"expired": "1", "next": request.get_full_path()})
                    return redirect(f"{reverse('accounts:login')}?{query}")
            else:
                session.setdefault("ketnoi_started", now)
                if now - last > 30 or "ketnoi_seen" not in session:
                    session["ketnoi_seen"] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person sees the product in the language they chose (Vietnamese by default)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        return response


class RequireTwoFactorMiddleware:
    """In production, administrators and approvers must log in with a TOTP code.

    Until the session has passed the second factor, it may only enrol a device or log out (and read
    the public pages and static files); every other page sends it to enrolment. The API refuses such
    a session in its own authentication (``ketnoi.core.api.SessionCookie``), by the same rule.
    """

    EXEMPT_PREFIXES = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/me/two-factor/",
        "/static/",
        "/public/",
        "/api/",
        "/i18n/",
        "/healthz",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.KETNOI_REQUIRE_2FA and not request.path.startswith(self.EXEMPT_PREFIXES):
            from ketnoi.accounts.twofactor import second_factor_pending

            if second_factor_pending(getattr(request, "user", None)):
                return redirect(reverse("accounts:otp_setup") + "?" + urlencode({"next": request.path}))
        return self.get_response(request)
