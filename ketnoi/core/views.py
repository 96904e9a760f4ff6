"""The shell's own pages: overview, language switch, health check, error pages, vendored JavaScript."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from ketnoi.core.overview import overview_for
    from ketnoi.units.selectors import unit_children

    tops = permissions.top_units(request.user)
    cards = [{"unit": unit, "children": unit_children(unit)} for unit in tops[:5]]
    overview = overview_for(user=request.user, unit=tops[0]) if tops else None
    return render(
        request,
        "core/home.html",
        {
            "tops": tops,
            "cards": cards,
            "overview": overview,
            "roles": request.user.grants.select_related("unit"),  # type: ignore[union-attr]
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps the choice on their account."""
    language = request.POST.get("language", "vi")
    if language not in dict(settings.LANGUAGES):
        language = "vi"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    user = request.user
    if user.is_authenticated:
        from ketnoi.accounts.services import user_update

        user_update(user=user, by=user, language=language)
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@cache
def _plotly_source() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js from the installed plotly package: charts never load from a CDN."""
    return HttpResponse(_plotly_source(), content_type="application/javascript; charset=utf-8")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", None) if isinstance(exception, ApplicationError) else None
    return render(request, "core/error.html", {"status": 403, "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404}, status=404)


def render_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """Render a domain error as a page (views call this; htmx requests get the fragment)."""
    template = "core/_error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
    return render(request, template, {"status": exc.status, "message": exc.message}, status=exc.status)
