"""The public directory of official pages (no login), the link check and the open data.

Only what is meant to be public leaves here: name, platform, address, owning unit, verified date (and for
a retired page, the date it was retired). Never administrators, tokens, notes or figures of the checklist.
Every endpoint is rate-limited per client address with Django's cache.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ketnoi.core.client import client_address
from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.paging import page_of
from ketnoi.lib.exports import csv_writer
from ketnoi.pages import selectors
from ketnoi.pages.models import Page, PageStatus, Platform
from ketnoi.pages.urlnorm import BadAddress, canonical
from ketnoi.units.models import Unit

WINDOW_SECONDS = 60


def _limit() -> int:
    return int(getattr(settings, "KETNOI_PUBLIC_RATE_PER_MINUTE", 60))


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most N requests per client address per minute (fixed window kept in the cache)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request)
        window = int(time.time() // WINDOW_SECONDS)
        key = f"pages:public:{address}:{window}"
        cache.add(key, 0, WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS + 5)
            count = 1
        if count > _limit():
            message = _("Too many requests. Please wait a moment and try again.")
            retry = str(WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
            if request.path.endswith((".json", "/check")) or "json" in request.headers.get("Accept", ""):
                response: HttpResponse = JsonResponse(
                    {"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429
                )
            else:
                response = render(request, "core/error.html", {"status": 429, "message": message}, status=429)
            response["Retry-After"] = retry
            return response
        return view(request, *args, **kwargs)

    return wrapper


# Other apps add to the public answers without this app importing them (the look-alike watch registers both
# in its AppConfig.ready): what an unregistered address resembles, and the known fakes of listed pages.
Resemblance = Callable[[str], "dict[str, Any] | None"]
KnownFakes = Callable[[list[int]], "dict[int, list[dict[str, Any]]]"]
_RESEMBLANCE: list[Resemblance] = []
_KNOWN_FAKES: list[KnownFakes] = []


def register_resemblance(hook: Resemblance) -> None:
    if hook not in _RESEMBLANCE:
        _RESEMBLANCE.append(hook)


def register_known_fakes(hook: KnownFakes) -> None:
    if hook not in _KNOWN_FAKES:
        _KNOWN_FAKES.append(hook)


def known_fakes(page_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Page id -> the fakes of it the office published (name and address, shown as text, never a link)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for hook in _KNOWN_FAKES:
        for page_id, fakes in hook(page_ids).items():
            out.setdefault(page_id, []).extend(fakes)
    return out


def public_row(page: Page) -> dict[str, Any]:
    return {
        "name": page.name,
        "platform": page.platform,
        "platform_label": str(page.get_platform_display()),
        "url": page.url,
        "canonical_url": page.canonical_url,
        "unit_code": page.unit.code,
        "unit_name": page.unit.name,
        "verified_on": page.verified_on.isoformat() if page.verified_on else None,
    }


def check(url: str) -> dict[str, Any]:
    """What the registry says about an address: official, retired or not registered."""
    try:
        key = canonical(url)
    except BadAddress:  # text that is not a web address at all gets its own answer
        return {"status": "not_an_address", "url": url, "valid_address": False}
    page = selectors.page_find_by_url(url)
    answer: dict[str, Any] = {"url": url, "canonical_url": key, "valid_address": True}
    if page is not None and page.status == PageStatus.VERIFIED:
        answer.update(status="official", page=public_row(page))
    elif page is not None and page.status == PageStatus.RETIRED:
        answer.update(
            status="retired",
            page={
                "name": page.name,
                "unit_name": page.unit.name,
                "retired_on": page.retired_on.isoformat() if page.retired_on else None,
            },
        )
    elif page is not None:
        # Registered but not (yet, or no longer) verified: not vouched for in public, but not unknown either.
        answer["status"] = "not_verified"
    else:
        answer["status"] = "not_registered"
        if page is None:
            for hook in _RESEMBLANCE:
                try:
                    resembles = hook(url)
                except ApplicationError:  # an address the watch refuses (a person's account...): no warning
                    resembles = None
                if resembles:
                    answer["resembles"] = resembles
                    break
    return answer


def _filters(request: HttpRequest) -> tuple[str, str, str]:
    platform = request.GET.get("platform", "")
    return (
        request.GET.get("q", "").strip()[:100],
        request.GET.get("unit", "").strip()[:40],
        platform if platform in Platform.values else "",
    )


@require_GET
@rate_limited
def directory(request: HttpRequest) -> HttpResponse:
    q, unit_code, platform = _filters(request)
    pages = selectors.public_page_list(q=q, unit_code=unit_code, platform=platform)
    checked = check(request.GET["url"]) if request.GET.get("url", "").strip() else None
    units = Unit.objects.filter(pages__status=PageStatus.VERIFIED).distinct().order_by("path")
    page_obj = page_of(request, pages)
    fakes = known_fakes([p.pk for p in page_obj])
    for p in page_obj:
        p.known_fakes = fakes.get(p.pk, [])  # type: ignore[attr-defined]
    context = {
        "page_obj": page_obj,
        "q": q,
        "unit_code": unit_code,
        "platform": platform,
        "platforms": Platform.choices,
        "units": units,
        "checked": checked,
        "checked_url": request.GET.get("url", ""),
    }
    return render(request, "pages/public/directory.html", context)


@require_GET
@rate_limited
def check_view(request: HttpRequest) -> JsonResponse:
    url = request.GET.get("url", "").strip()[:1000]
    if not url:
        return JsonResponse(
            {"error": {"code": "validation_error", "message": _("Give an address: ?url=..."), "fields": {}}},
            status=400,
        )
    return JsonResponse(check(url), json_dumps_params={"ensure_ascii": False})


@require_GET
@rate_limited
@cache_control(public=True, max_age=300)
def pages_json(request: HttpRequest) -> JsonResponse:
    q, unit_code, platform = _filters(request)
    rows = [public_row(p) for p in selectors.public_page_list(q=q, unit_code=unit_code, platform=platform)]
    return JsonResponse({"count": len(rows), "pages": rows}, json_dumps_params={"ensure_ascii": False})


@require_GET
@rate_limited
@cache_control(public=True, max_age=300)
def pages_csv(request: HttpRequest) -> HttpResponse:
    q, unit_code, platform = _filters(request)
    out = io.StringIO()
    writer = csv_writer(out)
    header = ["name", "platform", "url", "canonical_url", "unit_code", "unit_name", "verified_on"]
    writer.writerow(header)
    for page in selectors.public_page_list(q=q, unit_code=unit_code, platform=platform):
        row = public_row(page)
        writer.writerow([str(row[h] or "") for h in header])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trang-chinh-thuc.csv"'
    return response
