"""The unit tree browser, unit pages and the reorganisation form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import asof, permissions
from ketnoi.core.audit import history_rows
from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.paging import page_of
from ketnoi.lib.vn_text import matches
from ketnoi.units import selectors, services
from ketnoi.units.forms import ReorganiseForm, UnitDetailsForm
from ketnoi.units.models import Reorganisation, Unit

STAFF_PAGE = 100  # people a page in a unit's staff list


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The hierarchy the person may see, today or as of a date, with diacritic-free search."""
    q = request.GET.get("q", "").strip()
    as_of = asof.day_of(request)
    context: dict[str, Any]
    if q and as_of:
        # Search the structure of that date, under the names the units had then.
        found = [
            n for n in selectors.units_as_of(for_user=request.user, day=as_of) if matches(q, n.name, n.code)
        ]
        units = Unit.objects.in_bulk([n.id for n in found[:50]])
        results = []
        for node in found[:50]:
            unit = units[node.id]
            unit.name = node.name  # shown only, never saved
            results.append(unit)
        context = {"q": q, "results": results, "as_of": as_of}
    elif q:
        results = selectors.unit_search(for_user=request.user, q=q, limit=50)
        context = {"q": q, "results": results, "as_of": as_of}
    else:
        day = as_of or timezone.localdate()
        nodes = selectors.units_as_of(for_user=request.user, day=day)
        context = {"q": q, "nodes": _nest(nodes), "as_of": as_of, "count": len(nodes)}
    template = "units/_tree_body.html" if request.htmx else "units/tree.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _nest(nodes: list[selectors.UnitOnDate]) -> list[dict[str, object]]:
    """Nested dicts for the template, in the order the selector gives."""
    by_id: dict[int, dict[str, object]] = {}
    roots: list[dict[str, object]] = []
    for n in nodes:
        item: dict[str, object] = {"node": n, "children": []}
        by_id[n.id] = item
        parent = by_id.get(n.parent_id) if n.parent_id else None
        if parent is None:
            roots.append(item)
        else:
            parent["children"].append(item)  # type: ignore[attr-defined]
    return roots


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code=code, for_user=request.user)
    can_reorganise = permissions.can(request.user, "reorganise", unit)
    can_manage = permissions.can(request.user, "manage", unit)
    details_form = None
    if can_manage:
        details_form = _details_form(request, unit)
    form = None
    if can_reorganise:
        form = ReorganiseForm(
            units=list(selectors.unit_list(for_user=request.user, verb="reorganise")),
            initial={"effective_date": timezone.localdate()},
        )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(unit),
            "children": selectors.unit_children(unit),
            "dissolved_children": [
                c for c in selectors.unit_children(unit, include_dissolved=True) if c.valid_to
            ],
            "versions": selectors.unit_history_versions(unit),
            "reorganisations": Reorganisation.objects.filter(units=unit).prefetch_related("units")[:50],
            "staff": page_of(request, unit.staff.order_by("full_name", "pk"), STAFF_PAGE)
            if can_manage
            else None,
            "unit_grants": _unit_grants(request, unit) if can_manage else None,
            "history": history_rows(unit),
            "form": form,
            "can_manage": can_manage,
            "details_form": details_form,
        },
    )


def _unit_grants(request: HttpRequest, unit: Unit) -> Page[Any]:
    """Roles granted on this very unit (they hold for everything under it); the caller manages the unit.

    Read through the relation rather than ``accounts.selectors``: accounts builds on units, not the reverse.
    """
    grants = unit.grants.select_related("user", "unit", "granted_by")
    return page_of(request, grants.order_by("unit__path", "user__username", "pk"), param="grants_page")


def _details_form(request: HttpRequest, unit: Unit) -> UnitDetailsForm:
    """The details form; the fields that reshape the unit are fixed for the root of the caller's scope."""
    initial = {
        "short_name": unit.short_name,
        "aliases": unit.aliases,
        "kind": unit.kind,
        "level": unit.level,
        "email": unit.email,
    }
    shape_fixed = not permissions.can_reshape(request.user, unit)
    data = request.POST if request.method == "POST" else None
    return UnitDetailsForm(data, initial=initial, shape_fixed=shape_fixed)


@login_required
@require_POST
def edit_details(request: HttpRequest, code: str) -> HttpResponse:
    """A unit administrator changes the unit's short name, other names, kind, level and e-mail."""
    unit = selectors.unit_get(code=code, for_user=request.user, verb="manage")
    form = _details_form(request, unit)
    if not form.is_valid():
        messages.error(request, _("Please check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("units:detail", code)
    services.unit_update(unit=unit, by=request.user, **form.cleaned_data)
    messages.success(request, _("The unit's details are saved."))
    return redirect("units:detail", code)


@login_required
@require_POST
def reorganise(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code=code, for_user=request.user, verb="reorganise")
    form = ReorganiseForm(
        request.POST, units=list(selectors.unit_list(for_user=request.user, verb="reorganise"))
    )
    if not form.is_valid():
        messages.error(request, _("Please check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("units:detail", code)
    data = form.cleaned_data
    day = data["effective_date"]

    def other() -> Unit:
        if not data["target"]:
            raise ApplicationError(_("Choose the other unit."))
        return selectors.unit_get(code=data["target"], for_user=request.user, verb="reorganise")

    try:
        action = data["action"]
        if action == "rename":
            services.unit_rename(
                unit=unit,
                new_name=data["new_name"],
                effective_date=day,
                by=request.user,
                decision=data["decision"],
            )
        elif action == "move":
            services.unit_move(
                unit=unit,
                new_parent=other(),
                effective_date=day,
                by=request.user,
                decision=data["decision"],
            )
        elif action == "merge":
            sources = [
                selectors.unit_get(code=c, for_user=request.user, verb="reorganise") for c in data["sources"]
            ]
            services.unit_merge(
                sources=sources, target=unit, effective_date=day, by=request.user, decision=data["decision"]
            )
        elif action == "split":
            parts = data["parts"]
            if len(parts) < 2:
                raise ApplicationError(_("A split needs at least two new units."))
            for part in parts:
                part["kind"] = data["kind"] or unit.kind
                part["level"] = data["level"] or unit.level
            services.unit_split(
                unit=unit,
                parts=parts,
                heir_code=parts[0]["code"],
                effective_date=day,
                by=request.user,
                decision=data["decision"],
            )
        elif action == "dissolve":
            successor = other() if data["target"] else None
            services.unit_dissolve(
                unit=unit,
                successor=successor,
                effective_date=day,
                by=request.user,
                decision=data["decision"],
            )
        elif action == "create":
            created = services.unit_create(
                code=data["code"],
                name=data["new_name"],
                kind=data["kind"] or "other",
                level=data["level"] or "grassroots",
                parent=unit,
                by=request.user,
                valid_from=day,
            )
            messages.success(request, _("Unit established."))
            return redirect("units:detail", created.code)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("units:detail", code)
    messages.success(request, _("The change is recorded with its effective date."))
    return redirect("units:detail", code)
