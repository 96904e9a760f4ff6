"""The foundation's own pages: health check, error pages, vendored JavaScript.

The home overview and the language switch are pages of the site layer (``ketnoi.site.views``)."""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

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


# Charts use plotly.js's scatter and bar traces only, so the browser gets plotly.js's own partial "basic"
# bundle (scatter, bar, pie: 1,2 MB, about 395 KB compressed, against 4,8 MB for the full bundle the Python
# package ships), vendored in static/ketnoi/vendor/ by tools/plotly_basic.sh at the plotly.js version of the
# installed plotly package (core/tests/test_plotly_bundle.py holds them equal). The script's address carries
# that version (site/urls.py): a new version, a new address, so browsers may keep it for a year.
PLOTLY_BUNDLE = Path(__file__).parent / "static" / "ketnoi" / "vendor" / "plotly-basic.min.js"


def bundle_version(source: str) -> str:
    """The plotly.js version a bundle announces in its first lines ("plotly.js (basic - minified) v4.1.1")."""
    found = re.search(r"plotly\.js\b[^\n]*? v(\d+\.\d+\.\d+)", source[:600])
    return found.group(1) if found else "0"


@cache
def _plotly_source() -> bytes:
    return PLOTLY_BUNDLE.read_bytes()


PLOTLY_VERSION = bundle_version(_plotly_source().decode("utf-8", "replace"))


@cache
def _plotly_gzipped() -> bytes:
    """The bundle compressed once, served to every browser that accepts gzip."""
    return gzip.compress(_plotly_source(), compresslevel=9, mtime=0)


@require_GET
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
@vary_on_headers("Accept-Encoding")
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js's partial bundle, vendored, compressed and cache-busted: charts never load from a CDN."""
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
