"""Turns domain errors raised in server-rendered views into friendly, localised pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ketnoi.core.audit import refused_access
from ketnoi.core.exceptions import ApplicationError, PermissionDenied
from ketnoi.lib import uploads


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            from ketnoi.core.views import render_error

            if isinstance(exception, PermissionDenied):
                refused_access(request, exception)
            return render_error(request, exception)
        return None


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: an office PC set up
    in English still shows the product in Vietnamese. The choice comes from the language cookie
    (set by the switch) and, once signed in, from the person's account (UserLanguageMiddleware).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response


class UploadSizeMiddleware:
    """A request body larger than the largest upload of any kind is refused before a byte of it is read.

    Each upload is then measured against the limit of its own kind (``ketnoi.lib.uploads``); this only
    keeps a huge body from being spooled to disk or memory by the request parser first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Multipart forms carry their fields and boundaries besides the file: one megabyte of room.
        if length > uploads.largest_upload_bytes() + uploads.MB:
            try:
                uploads.check_size(length, name=_("The request"), kind=_largest_kind())
            except uploads.UploadRefused as exc:
                return _refusal(request, exc)
        return self.get_response(request)


def _largest_kind() -> uploads.Kind:
    kinds: list[uploads.Kind] = ["metrics", "report_sheet", "data_values", "document", "evidence"]
    return max(kinds, key=uploads.max_bytes)


def _refusal(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    from ketnoi.core.views import api_error, render_error

    return api_error(exc) if request.path.startswith("/api/") else render_error(request, exc)


# Scripts only from the product's own files: no inline script, no event-handler attribute, no eval.
# Styles may be inline (plotly, htmx and Swagger UI set style attributes and elements); images may be
# data: URIs (Swagger UI's icons, plotly's exported PNG).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# No page of the product uses any of these browser features.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; ``Cache-Control: no-store`` on
    every answer to a signed-in person and every API answer, so no shared or back-button cache keeps
    what a person saw. Answers that declare themselves public (vendored JavaScript) keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        private = request.path.startswith("/api/") or bool(user is not None and user.is_authenticated)
        if private and "public" not in response.headers.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True)  # kept with what a view said (e.g. private)
        return response
