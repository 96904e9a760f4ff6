"""The site's own pages: the home overview (a glance at every app) and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ketnoi.accounts.services import user_update
from ketnoi.core import asof, permissions
from ketnoi.site.overview import overview_for, waiting_for
from ketnoi.units.models import Unit
from ketnoi.units.selectors import children_as_of, top_units_as_of, unit_children


@login_required
def home(request: HttpRequest) -> HttpResponse:
    day = asof.day_of(request)
    if day is None:
        tops = permissions.top_units(request.user)
        cards = [{"unit": u, "name": u.name, "children": unit_children(u)} for u in tops[:5]]
    else:  # the structure of that date: e.g. Tỉnh Bình Phước and its districts before 01/07/2025
        nodes = top_units_as_of(for_user=request.user, day=day)
        by_id = Unit.objects.in_bulk([n.id for n in nodes])
        tops = [by_id[n.id] for n in nodes]
        cards = [
            {"unit": by_id[n.id], "name": n.name, "children": children_as_of(n.id, day)} for n in nodes[:5]
        ]
    overview = overview_for(user=request.user, unit=tops[0], day=day) if tops else None
    return render(
        request,
        "site/home.html",
        {
            "tops": tops,
            "cards": cards,
            "overview": overview,
            "waiting": waiting_for(request.user, limit=5),
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
        user_update(user=user, by=user, language=language)
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
