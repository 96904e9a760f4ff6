"""The report workflow: submit, approve, return, reopen, and reminders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting.models import (
    DataValue,
    ReminderLog,
    Report,
    ReportForm,
    ReportStatus,
)
from ketnoi.reporting.services.entry import _form_items, _totals, check_rules
from ketnoi.reporting.values import where
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def approving_unit(unit: Unit) -> Unit:
    """Where a unit's reports are approved: on its parent (on itself at the root of the tree)."""
    parent = Unit.objects.get_parent(unit)
    return parent if parent is not None else unit


def approving_units(units: Iterable[Unit]) -> dict[int, Unit]:
    """``approving_unit`` of many units, their parents read in one query (a list of units asks this)."""
    units = list(units)
    wanted = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    parents = {p.path: p for p in Unit.objects.filter(path__in=wanted)}
    return {u.pk: parents.get(u.path[: -Unit.steplen], u) if u.depth > 1 else u for u in units}


def may_approve(user: Actor, unit: Unit, *, approving: Unit | None = None) -> bool:
    """May ``user`` approve, return or remind about the reports of ``unit``? (Web and API ask this.)
    ``approving``: the unit's ``approving_unit`` when the caller already read it (``approving_units``)."""
    return permissions.can(user, "approve", approving or approving_unit(unit))


def _approval_level(by: Actor, report: Report) -> Unit:
    """The unit at whose level ``by`` approves: the highest unit of their ``approve`` right over the
    report (the top of the tree for a product-wide right or the product itself)."""
    approving = approving_unit(report.unit)
    path = permissions.acting_level(by, "approve", approving)
    if not path:
        return Unit.objects.get(path=approving.path[: Unit.steplen])
    return Unit.objects.get(path=path)


def approval_level(report: Report) -> Unit:
    """The level a report was approved from (for one approved before it was recorded: its parent)."""
    return report.approval_unit or approving_unit(report.unit)


def may_reopen(user: Actor, report: Report) -> bool:
    """Separation of duties: an approved report is reopened only by an approver at or above the level
    that approved it (a district cannot reopen what the province approved); a submitted one, not yet
    approved, by an administrator of the unit."""
    if report.status == ReportStatus.APPROVED:
        return permissions.can(user, "approve", approval_level(report))
    if report.status == ReportStatus.SUBMITTED:
        return permissions.can(user, "manage", report.unit)
    return False


@permissions.gated
@transaction.atomic
def report_submit(*, report: Report, by: Actor) -> Report:
    permissions.require(by, "enter_data", report.unit)
    report = Report.objects.select_for_update().select_related("form", "unit").get(pk=report.pk)
    if not report.is_editable:
        raise Conflict(_("Only a draft or a returned report can be submitted."))
    form, unit = report.form, report.unit
    p = P.parse(report.period)
    totals = _totals(form, unit, p.id)
    missing = {
        it.indicator.code: _("%(place)s: required.") % {"place": where(unit, p, it.indicator)}
        for it in _form_items(form)
        if it.required
        and not it.indicator.is_computed
        and it.indicator.code not in totals
        and not DataValue.objects.filter(unit=unit, period=p.id, indicator=it.indicator).exists()
    }
    if missing:
        raise ValidationError(_("Some required values are missing."), fields=missing)
    rule_errors, _warnings = check_rules(form, unit, p, totals)
    if rule_errors:
        raise ValidationError(_("Some values break the form's rules."), fields=rule_errors)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = permissions.person(by)
    report.reason = ""
    stamp(report, by, _("Submitted"))
    report.save()
    return report


@permissions.gated
@transaction.atomic
def report_approve(*, report: Report, by: Actor) -> Report:
    permissions.require(by, "approve", approving_unit(report.unit))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be approved."))
    if getattr(by, "pk", None) is not None and report.submitted_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves a report they submitted themselves."))
    report.status = ReportStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = permissions.person(by)
    report.approval_unit = _approval_level(by, report)
    stamp(report, by, _("Approved"))
    report.save()
    security_event("approval", by, report.unit, detail={"report": report.pk, "period": report.period})
    return report


@permissions.gated
@transaction.atomic
def report_return(*, report: Report, reason: str, by: Actor) -> Report:
    permissions.require(by, "approve", approving_unit(report.unit))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the report is returned."), fields={"reason": _("Required.")})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be returned."))
    report.status = ReportStatus.RETURNED
    report.reason = reason
    stamp(report, by, reason)
    report.save()
    return report


@permissions.gated
@transaction.atomic
def report_reopen(*, report: Report, reason: str, by: Actor) -> Report:
    """Back to draft, with a reason; see ``may_reopen`` for who may."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit", "approval_unit")
        .get(pk=report.pk)
    )
    if not may_reopen(by, report):
        if report.status == ReportStatus.APPROVED:
            permissions.require(by, "view", report.unit)
            raise PermissionDenied(
                _(
                    "This report was approved at the level of %(unit)s: only an approver of %(unit)s "
                    "or a unit above it can reopen it."
                )
                % {"unit": approval_level(report).name}
            )
        permissions.require(by, "manage", report.unit)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the report is reopened."), fields={"reason": _("Required.")})
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise Conflict(_("Only a submitted or approved report can be reopened."))
    report.status = ReportStatus.DRAFT
    report.approved_at = None
    report.approved_by = None
    report.approval_unit = None
    report.reason = reason
    stamp(report, by, reason)
    report.save()
    security_event("reopen", by, report.unit, detail={"report": report.pk, "period": report.period})
    return report


@permissions.gated
@transaction.atomic
def reminder_record(*, form: ReportForm, unit: Unit, period: str, kind: str, by: Actor) -> ReminderLog:
    """Record a reminder (``before``/``after`` the deadline by the scheduler, ``manual`` by an approver)."""
    if kind == "manual":
        permissions.require(by, "approve", approving_unit(unit))
    return ReminderLog.objects.create(
        report_form=form, unit=unit, period=period, kind=kind, sent_by=permissions.person(by)
    )
