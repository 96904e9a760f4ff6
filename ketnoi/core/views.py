"""The foundation's own pages: health check, error pages, vendored JavaScript.

The home overview and the language switch are pages of the site layer (``ketnoi.site.views``)."""

from __future__ import annotations

import gzip
import importlib.metadata
from functools import cache

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ketnoi.core.audit import refused_access
from ketnoi.core.exceptions import ApplicationError, NotFound, PermissionDenied


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


# The script's address carries the plotly package's version (site/urls.py): a new version, a new address,
# so browsers may keep the script for a year (cache-busting without a build step).
PLOTLY_VERSION = importlib.metadata.version("plotly")


@cache
def _plotly_source() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


@cache
def _plotly_gzipped() -> bytes:
    """The 4,8 MB script compressed once (about 1,4 MB), served to every browser that accepts gzip."""
    return gzip.compress(_plotly_source(), compresslevel=9, mtime=0)


@require_GET
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
@vary_on_headers("Accept-Encoding")
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js from the installed plotly package, compressed and cache-busted: charts never load from a CDN.
    (The Python package ships the full bundle only; a partial bundle needs plotly.js's own build, see the
    README's "Charts" note.)"""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(_plotly_gzipped(), content_type="application/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
        return response
    return HttpResponse(_plotly_source(), content_type="application/javascript; charset=utf-8")


def api_error(exc: ApplicationError) -> JsonResponse:
    """The API's one error shape, for answers given outside the API's own handlers (URL not matched,
    request refused by a middleware)."""
    fields = {k: str(v) for k, v in exc.fields.items()}
    body = {"error": {"code": exc.code, "message": str(exc.message), "fields": fields}}
    return JsonResponse(body, status=exc.status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    refused_access(request, exception)
    message = getattr(exception, "message", None) if isinstance(exception, ApplicationError) else None
    if request.path.startswith("/api/"):
        return api_error(PermissionDenied(message))
    return render(request, "core/error.html", {"status": 403, "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):  # e.g. /api/v1/pages/abc where an id is a number
        return api_error(NotFound())
    return render(request, "core/error.html", {"status": 404}, status=404)


def render_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """Render a domain error as a page (views call this; htmx requests get the fragment)."""
    template = "core/_error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
    return render(request, template, {"status": exc.status, "message": exc.message}, status=exc.status)
