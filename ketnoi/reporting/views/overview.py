"""The reporting home (forms, current period, completeness at a glance), completeness of a form and
period for any subtree, and reminders to units that are late."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError, ValidationError
from ketnoi.core.paging import PAGE_PARAM, page_of
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services, tasks, ui_selectors
from ketnoi.reporting.models import ReportForm
from ketnoi.reporting.periods import current_period
from ketnoi.reporting.views.common import get_form, get_period, get_unit
from ketnoi.units import selectors as unit_selectors
from ketnoi.units.models import Unit

HOME_FORMS = 30
STATUS_PAGE = 50  # rows of the completeness table a page


def _root(request: HttpRequest, form: ReportForm | None) -> Unit | None:
    code = request.GET.get("unit") or request.POST.get("unit")
    if code:
        return get_unit(request, code)
    return ui_selectors.default_root(request.user, form)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Forms the person may see, the current period of each, and completeness for their subtree."""
    user = request.user
    today = timezone.localdate()
    cards: list[dict[str, Any]] = []
    trees = unit_selectors.Trees()  # forms of the same period share the tree of its last day
    for form in selectors.form_list(for_user=user)[:HOME_FORMS]:
        if not form.is_active:
            continue
        period = current_period(form, today)
        root = ui_selectors.default_root(user, form)
        summary = None
        if root is not None:
            summary = selectors.completeness(
                form=form, unit=root, period=period.id, for_user=user, today=today, tree=trees(period.end)
            )
        entry_units = form.units.filter(permissions.scope_q(user, "enter_data")).order_by("path")
        own = [u for u in entry_units[:6] if u.is_active_on(period.end)]
        more = entry_units.count() - 6 if len(own) == 6 else 0
        cards.append(
            {
                "form": form,
                "period": period,
                "root": root,
                "summary": summary,
                "own": own,
                "more": max(more, 0),
            }
        )
    context = {
        "cards": cards,
        "pending": list(selectors.approvals_pending(for_user=user)[:50]),
        "notices": tasks.notices_for(user),
    }
    return render(request, "reporting/home.html", context)


@login_required
def go(request: HttpRequest, form_code: str) -> HttpResponse:
    """The period picker's target: open the chosen period (for a unit's entry page or the status page)."""
    form = get_form(request, form_code)
    period = get_period(form, request.GET.get("period", ""))
    unit = request.GET.get("unit", "")
    if request.GET.get("view") == "status" or not unit:
        target = redirect("reporting:status", form.code, period.id)
        query = {k: v for k, v in (("unit", unit), ("only", request.GET.get("only", ""))) if v}
        if query:
            target["Location"] += "?" + urlencode(query)
        return target
    return redirect("reporting:entry", form.code, period.id, unit)


@login_required
def form_home(request: HttpRequest, form_code: str) -> HttpResponse:
    form = get_form(request, form_code)
    return redirect("reporting:status", form.code, current_period(form).id)


@login_required
def status(request: HttpRequest, form_code: str, period_id: str) -> HttpResponse:
    """Which units of a subtree submitted on time, late, or not at all; approvers remind the late ones."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    root = _root(request, form)
    if root is None:
        raise ValidationError(_("You have no unit to look at."))
    return render(request, "reporting/status.html", _status_context(request, form, period, root))


def _status_context(request: HttpRequest, form: ReportForm, period: P.Period, root: Unit) -> dict[str, Any]:
    """The figures above the table count every unit of the subtree; the table shows one page of them, and
    what each row needs (its unit, last reminder, approver, entry right) is read for that page only, so the
    page costs the same for a district of 30 units as for a province of 3.300."""
    user = request.user
    tree = unit_selectors.tree_as_of(period.end)
    result = selectors.completeness(form=form, unit=root, period=period.id, for_user=user, tree=tree)
    only_missing = request.GET.get("only") == "missing"
    listed = result.missing if only_missing else result.expected
    page_obj = page_of(request, listed, per_page=STATUS_PAGE)
    shown = list(page_obj.object_list)
    reminders = ui_selectors.last_reminders(form, period, [s.unit_id for s in shown])
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[s.unit_id for s in shown])}
    # The parent unit's approver approves and reminds (``services.may_approve``): parents read at once.
    approving = services.approving_units(units.values())
    rows: list[dict[str, Any]] = []

    def level(unit_id: int) -> int:  # how far below the chosen unit, in the tree of the period
        steps, node = 0, tree.get(unit_id)
        while node is not None and node.id != root.pk and steps < 10:
            steps, node = steps + 1, tree.get(node.parent_id) if node.parent_id else None
        return steps

    # One reverse for the page: the rows' links differ only in the unit's code.
    entry_url = reverse("reporting:entry", args=[form.code, period.id, "0"])[:-2]
    for s in shown:
        unit = units[s.unit_id]
        approver = services.may_approve(user, unit, approving=approving[unit.pk])
        can_remind = not s.submitted and approver
        can_approve = s.report_status == "submitted" and approver
        rows.append(
            {
                "s": s,
                "unit": unit,
                "level": level(unit.pk),
                "reminder": reminders.get(s.unit_id),
                "can_remind": can_remind,
                "can_approve": can_approve,
                "can_enter": permissions.can(user, "enter_data", unit),
                "entry_url": f"{entry_url}{quote(unit.code)}/",
                "pick_label": (
                    _("Remind %(name)s") % {"name": s.name}
                    if can_remind
                    else _("Approve %(name)s") % {"name": s.name}
                    if can_approve
                    else ""
                ),
            }
        )
    n = len(result.expected) or 1
    return {
        "only_missing": only_missing,
        "form": form,
        "period": period,
        "root": root,
        "result": result,
        "rows": rows,
        "page_obj": page_obj,
        "shares": {
            "on_time": round(100 * len(result.on_time) / n),
            "late": round(100 * len(result.late) / n),
            "missing": round(100 * len(result.missing) / n),
        },
        "any_remind": any(r["can_remind"] for r in rows),
        "any_approve": any(r["can_approve"] for r in rows),
        "roots": ui_selectors.summary_units(user),
        "periods": ui_selectors.period_choices(form, period),
        "now": timezone.localtime(),
        # Over the whole subtree, not the page shown: the template and upload serve every unit of it.
        "can_enter_any": form.units.filter(path__startswith=root.path)
        .filter(permissions.scope_q(user, "enter_data"))
        .exists(),
    }


def _back_to_status(request: HttpRequest, form: ReportForm, period: P.Period) -> HttpResponse:
    """Back to the status page after an action, on the same unit, filter and page."""
    target = redirect("reporting:status", form.code, period.id)
    query = {k: v for k in ("unit", "only", PAGE_PARAM) if (v := request.POST.get(k, ""))}
    if query:
        target["Location"] += "?" + urlencode(query)
    return target


@login_required
@require_POST
def remind(request: HttpRequest, form_code: str, period_id: str) -> HttpResponse:
    """Send a reminder (in the app and by e-mail) to the chosen units that have not submitted."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    codes = request.POST.getlist("units")
    units = [get_unit(request, code) for code in codes]
    try:
        sent = tasks.reminder_send(form=form, period=period, units=units, by=request.user)
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
    else:
        if sent:
            messages.success(
                request,
                ngettext(
                    "Reminder sent to %(n)d unit: %(names)s.",
                    "Reminders sent to %(n)d units: %(names)s.",
                    len(sent),
                )
                % {"n": len(sent), "names": ", ".join(s.unit.name for s in sent)},
            )
        skipped = len(units) - len(sent)
        if skipped:
            messages.info(
                request,
                ngettext(
                    "%(n)d unit was skipped: it has submitted or was reminded in the last hours.",
                    "%(n)d units were skipped: they have submitted or were reminded in the last hours.",
                    skipped,
                )
                % {"n": skipped},
            )
    return _back_to_status(request, form, period)


@login_required
@require_POST
def approve_many(request: HttpRequest, form_code: str, period_id: str) -> HttpResponse:
    """Approve the chosen submitted reports at once (all or none: one refusal approves nothing)."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    units = [get_unit(request, code) for code in request.POST.getlist("units")]
    reports = [
        r
        for r in selectors.report_list(for_user=request.user, form=form, period=period.id, status="submitted")
        if r.unit_id in {u.pk for u in units}
    ]
    with transaction.atomic():
        for report in reports:
            services.report_approve(report=report, by=request.user)
    if reports:
        messages.success(
            request,
            ngettext(
                "Approved %(n)d report: %(names)s. The figures are locked.",
                "Approved %(n)d reports: %(names)s. The figures are locked.",
                len(reports),
            )
            % {"n": len(reports), "names": ", ".join(r.unit.name for r in reports)},
        )
    else:
        messages.info(request, _("None of the chosen units has a submitted report to approve."))
    return _back_to_status(request, form, period)
