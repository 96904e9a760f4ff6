"""What a locked-out login attempt gets back (django-axes calls this): a page, or the API's error shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        message = _("Too many failed logins: this account is locked for 15 minutes.")
        return JsonResponse(
            {"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=LOCKOUT_STATUS
        )
    return render(request, "accounts/locked_out.html", status=LOCKOUT_STATUS)
