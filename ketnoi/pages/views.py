"""Screens of the official pages: registry, page detail with figures, import, checklist and dashboards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.accounts.selectors import user_list
from ketnoi.core import asof, permissions
from ketnoi.core.audit import history_rows
from ketnoi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from ketnoi.core.forms import add_application_error
from ketnoi.core.paging import page_of
from ketnoi.lib import uploads
from ketnoi.pages import dashboards, selectors, services
from ketnoi.pages.checklist import evaluate
from ketnoi.pages.context import rights
from ketnoi.pages.forms import AdministratorForm, ImportForm, PageForm, SnapshotForm, StatusForm
from ketnoi.pages.imports import ImportFailed, import_metrics, template_csv
from ketnoi.pages.models import METRIC_KEYS, PageAdministrator, PageStatus, Platform
from ketnoi.units.models import Unit
from ketnoi.units.picker import PickerOption, picker_options
from ketnoi.units.selectors import unit_get, unit_list


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**rights(request.user), **context})


def unit_options(user: Any) -> list[PickerOption]:
    """The units the person may see today, in tree order, for the unit picker of a filter bar
    (``{% unit_select %}``); dissolved ones come marked, hidden until the person asks for them."""
    return picker_options(unit_list(for_user=user, include_dissolved=True))


def unit_options_as_of(user: Any, day: dt.date) -> list[PickerOption]:
    """The same for the structure of ``day``, with the names of that day."""
    from ketnoi.units.selectors import units_as_of

    return picker_options(units_as_of(for_user=user, day=day), day=day)


def _chosen_unit(request: HttpRequest, day: dt.date | None = None) -> Unit:
    code = request.GET.get("unit", "").strip()
    if code:
        return unit_get(code=code, for_user=request.user)
    if day is not None:
        from ketnoi.units.selectors import top_units_as_of

        nodes = top_units_as_of(for_user=request.user, day=day)
        if nodes:
            return Unit.objects.get(pk=nodes[0].id)
    tops = permissions.top_units(request.user)
    if not tops:
        raise NotFound()
    return tops[0]


@login_required
def page_list(request: HttpRequest) -> HttpResponse:
    under = unit_get(code=request.GET["unit"], for_user=request.user) if request.GET.get("unit") else None
    platform = request.GET.get("platform", "")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    pages = selectors.page_list(
        for_user=request.user,
        under=under,
        platform=platform if platform in Platform.values else "",
        status=status if status in PageStatus.values else "",
        q=q,
    )
    context = {
        "page_obj": page_of(request, pages),
        "under": under,
        "platform": platform,
        "status": status,
        "q": q,
        "platforms": Platform.choices,
        "statuses": PageStatus.choices,
        "units": unit_options(request.user),
        "can_edit": permissions.can_any(request.user, "edit"),
    }
    template = "pages/_list_table.html" if getattr(request, "htmx", False) else "pages/list.html"
    return _render(request, template, context)


@login_required
def page_register(request: HttpRequest) -> HttpResponse:
    if not permissions.can_any(request.user, "edit"):
        raise PermissionDenied()
    units = unit_list(for_user=request.user, verb="edit")
    form = PageForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            page = services.page_register(
                unit=data["unit"],
                platform=data["platform"],
                name=data["name"],
                url=data["url"],
                platform_id=data["platform_id"],
                is_grassroots=data["is_grassroots"],
                recovery_email=data["recovery_email"],
                notes=data["notes"],
                by=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            if data["review_interval_days"] != page.review_interval_days:
                services.page_update(
                    page=page, by=request.user, review_interval_days=data["review_interval_days"]
                )
            messages.success(request, _("The page is registered."))
            return redirect("pages:detail", pk=page.pk)
    return _render(request, "pages/form.html", {"form": form, "page": None})


@login_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user, verb="edit")
    units = unit_list(for_user=request.user, verb="edit")
    initial = {
        "unit": page.unit,
        "platform": page.platform,
        "name": page.name,
        "url": page.url,
        "platform_id": page.platform_id,
        "is_grassroots": page.is_grassroots,
        "recovery_email": page.recovery_email,
        "review_interval_days": page.review_interval_days,
        "notes": page.notes,
    }
    form = PageForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if initial.get(k) != v}
        try:
            services.page_update(page=page, by=request.user, **changes)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("pages:detail", pk=page.pk)
    return _render(request, "pages/form.html", {"form": form, "page": page})


@login_required
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user)
    today = timezone.localdate()
    snapshots = list(selectors.snapshot_list(page=page, start=today - dt.timedelta(days=3 * 366)))
    months = list(
        page.months.filter(month__gte=today.replace(day=1) - dt.timedelta(days=3 * 366)).order_by("month")
    )
    chart = {
        "days": [s.day.isoformat() for s in snapshots],
        "audience": [s.audience for s in snapshots],
        "months": [(m.month + dt.timedelta(days=14)).isoformat() for m in months],
        "posts": [m.posts for m in months],
        "labels": {"audience": _("Audience"), "posts": _("Posts per month")},
    }
    can_edit = permissions.can(request.user, "edit", page.unit)
    can_enter = services.may_record_figures(request.user, page)
    can_verify = services.may_verify(request.user, page)
    context = {
        "page": page,
        "snapshots": list(reversed(snapshots[-60:])),
        "metric_keys": METRIC_KEYS,
        "chart": chart,
        "checklist": evaluate(page, today=today),
        "administrators": page.administrators.select_related("user", "user__unit").order_by("user__username"),
        "reviews": page.reviews.select_related("reviewed_by")[:10],
        "can_edit": can_edit,
        "can_enter": can_enter,
        "can_verify": can_verify,
        "snapshot_form": SnapshotForm(initial={"day": today}),
        "status_form": StatusForm(
            initial={"status": page.status, "on": today}, can_edit=can_edit, can_verify=can_verify
        ),
        "admin_form": AdministratorForm(),
        "history": history_rows(page, limit=20),
    }
    return _render(request, "pages/detail.html", context)


@login_required
@require_POST
def snapshot_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user)
    form = SnapshotForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("pages:detail", pk=page.pk)
    if not form.values():
        messages.error(request, _("Type at least one figure."))
        return redirect("pages:detail", pk=page.pk)
    try:
        services.metrics_record(
            page=page, day=form.cleaned_data["day"], values=form.values(), source="manual", by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Figures saved."))
    return redirect("pages:detail", pk=page.pk)


@login_required
@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user)  # the service checks who may set which status
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.page_set_status(
                page=page,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Status changed."))
    return redirect("pages:detail", pk=page.pk)


@login_required
@require_POST
def administrator_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user, verb="edit")
    form = AdministratorForm(request.POST)
    if form.is_valid():
        user = (
            user_list(for_user=request.user, verb="view")
            .filter(username=form.cleaned_data["username"])
            .first()
        )
        if user is None:
            messages.error(request, str(services.NO_SUCH_PERSON))
        else:
            try:
                services.page_administrator_set(
                    page=page,
                    user=user,
                    role=form.cleaned_data["role"],
                    two_factor=form.cleaned_data["two_factor"],
                    by=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Administrator saved."))
    return redirect("pages:detail", pk=page.pk)


@login_required
@require_POST
def administrator_remove(request: HttpRequest, pk: int, admin_pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user, verb="edit")
    admin = PageAdministrator.objects.filter(page=page, pk=admin_pk).first()
    if admin is not None:
        services.page_administrator_remove(admin=admin, by=request.user)
        messages.success(request, _("Administrator removed."))
    return redirect("pages:detail", pk=page.pk)


@login_required
@require_POST
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_get(pk=pk, for_user=request.user, verb="edit")
    review = services.security_review_record(page=page, by=request.user, note=request.POST.get("note", ""))
    if review.passed:
        messages.success(request, _("Review recorded: every check passes."))
    else:
        messages.warning(request, _("Review recorded: some checks fail."))
    return redirect("pages:detail", pk=page.pk)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not services.may_record_figures_somewhere(request.user):
        raise PermissionDenied()
    pages = selectors.page_list(for_user=request.user, verb="view").exclude(status=PageStatus.RETIRED)
    form = ImportForm(request.POST or None, request.FILES or None, pages=pages[:2000])
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        page = None
        if form.cleaned_data["page"]:
            page = selectors.page_get(pk=form.cleaned_data["page"], for_user=request.user)
        try:
            data = uploads.read_uploaded(upload, kind="metrics")
            result = import_metrics(data=data, file_name=upload.name, by=request.user, page=page)
        except uploads.UploadRefused as exc:
            form.add_error("file", str(exc.message))
        except ImportFailed as exc:
            context["failed"] = exc
        else:
            context["result"] = result
    return _render(request, "pages/import.html", context)


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        ("\ufeff" + template_csv(request.user)).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-so-lieu-trang.csv"'
    return response


CHECKLIST_PAGE = 25  # pages of the checklist per screen


@login_required
def checklist_view(request: HttpRequest) -> HttpResponse:
    unit = _chosen_unit(request)
    today = timezone.localdate()
    ids = dashboards.failing_page_ids(unit, today)  # the whole checklist once, the screen's pages loaded
    screen = page_of(request, ids, CHECKLIST_PAGE)
    failing, count = dashboards.checklist_results(list(screen.object_list), today), len(ids)
    return _render(
        request,
        "pages/checklist.html",
        {
            "unit": unit,
            "failing": failing,
            "count": count,
            "screen": screen,
            "units": unit_options(request.user),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    day = asof.day_of(request)
    unit = _chosen_unit(request, day)
    today = timezone.localdate()
    board = dashboards.build(unit, today, until=day)
    statuses = PageStatus.choices
    charts = {
        "months": [r["month"].isoformat() for r in board.series],
        "audience": [r["audience"] for r in board.series],
        "posts": [r["posts"] for r in board.series],
        "platforms": [r["label"] for r in board.platform_status],
        "statuses": [
            {"label": str(label), "values": [r[value] for r in board.platform_status]}
            for value, label in statuses
        ],
        "labels": {
            "audience": _("Audience"),
            "posts": _("Posts"),
            "audience_axis": _("Followers (people)"),
            "posts_axis": _("Posts in the month"),
            "partial": _("month still running: partial figures"),
        },
        # The running month has only some days of posts: drawn apart, not read as a collapse.
        "partial": [
            r["month"].year == (day or today).year and r["month"].month == (day or today).month
            for r in board.series
        ],
    }
    return _render(
        request,
        "pages/dashboard.html",
        {
            "board": board,
            "grassroots_top": sorted(board.grassroots, key=lambda r: -r["count"])[:10],
            "charts": charts,
            "statuses": statuses,
            "units": unit_options(request.user) if day is None else unit_options_as_of(request.user, day),
            "unit_name": _name_on(unit, day),
        },
    )


def _name_on(unit: Unit, day: dt.date | None) -> str:
    from ketnoi.units.selectors import tree_as_of

    node = tree_as_of(day).get(unit.pk) if day is not None else None
    return node.name if node else unit.name


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    unit = _chosen_unit(request)
    board = dashboards.build(unit, timezone.localdate())
    response = HttpResponse(
        dashboards.xlsx(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="trang-chinh-thuc-{unit.code}.xlsx"'
    return response
