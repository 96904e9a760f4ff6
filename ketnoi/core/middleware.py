"""Turns domain errors raised in server-rendered views into friendly, localised pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from ketnoi.core.exceptions import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            from ketnoi.core.views import render_error

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
