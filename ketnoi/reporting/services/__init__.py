"""Every write of periodic reporting. Signatures are stable; the web UI builds on them.

Setup (needs ``manage`` on the owner unit; ``owner=None`` indicators need a system administrator)
    indicator_create(*, code, name, by, value_type="integer", owner=None, **fields) -> Indicator
    indicator_update(*, indicator, by, **fields) -> Indicator
    disaggregation_create(*, code, name, options: Sequence[tuple[code, name]], by) -> Disaggregation
    form_create(*, code, name, period_type, owner, by, indicators=(), units=(), deadline_days=10,
                reminder_days=3, span_years=1, span_anchor=None, description="") -> ReportForm
    form_update(*, form, by, **fields) -> ReportForm
    form_set_indicators(*, form, indicators: Sequence[Indicator | str], by, required=()) -> None
    form_set_units(*, form, units: Sequence[Unit], by) -> None     (every unit must be in the owner's subtree)
    rule_create(*, form, left, operator, right, by, name="", severity="error", message="") -> ValidationRule

Data entry (``enter_data`` on the unit; values locked once submitted, until returned or reopened)
    report_open(*, form, unit, period: str, by) -> Report                         draft created on first use
    report_values_save(*, form, unit, period, values: Mapping[key, value], by, comments=None) -> SaveResult
        key = indicator code, or "code.option_code" for a disaggregated indicator; "" or None deletes.
        Raises ValidationError whose ``fields`` are keyed like ``values`` with messages naming the unit,
        period and field; nothing is written then. ``SaveResult.warnings`` lists outliers and
        warning-level rules.
    values_import(*, rows: Sequence[ImportRow], by, source="", dry_run=False, strategy="CREATE_AND_UPDATE",
                  atomic=True, data_set=None) -> ImportSummary
        all-or-nothing unless atomic=False: raises ImportRejected (a ValidationError carrying the summary)
        on any conflict; DHIS2's importStrategy, partial import and data set checks (services/imports.py).

Workflow
    report_submit(*, report, by) -> Report            ``enter_data`` on the unit; required fields, rules
    report_approve(*, report, by) -> Report           ``approve`` on the unit's parent; locks the values
    report_return(*, report, reason, by) -> Report    ``approve`` on the unit's parent; reason required
    report_reopen(*, report, reason, by) -> Report    reason required; an approved report only by an
                                                      approver at or above the level that approved it,
                                                      a submitted one by an administrator of the unit
    may_reopen(user, report) -> bool                  the same rule, for showing the button
    reminder_record(*, form, unit, period, kind, by) -> ReminderLog

Roll-up
    rollup_rebuild(*, periods: Sequence[str] | None = None) -> int

The package splits these by concern; import from ``ketnoi.reporting.services`` (the names below), not from
its modules:
    metadata.py   indicators, disaggregations, forms, their units and rules
    entry.py      reports and their values
    workflow.py   submit, approve, return, reopen, reminders
    imports.py    bulk import (DHIS2, CSV, XLSX, the page registry feed)
    rollup.py     rebuilding the roll-up
Period rules of a form live in ``ketnoi.reporting.periods``; value rules in ``ketnoi.reporting.values``.
"""

from __future__ import annotations

from ketnoi.reporting.periods import form_deadline, form_period
from ketnoi.reporting.services.entry import (
    SaveResult,
    check_rules,
    form_field_keys,
    locked_reason,
    outlier_warning,
    report_open,
    report_values_save,
)
from ketnoi.reporting.services.imports import (
    ImportRejected,
    ImportRow,
    ImportSummary,
    feed_refresh,
    values_import,
)
from ketnoi.reporting.services.metadata import (
    FORM_FIELDS,
    INDICATOR_FIELDS,
    disaggregation_create,
    form_create,
    form_get_by_code,
    form_set_indicators,
    form_set_units,
    form_update,
    indicator_create,
    indicator_update,
    rule_create,
)
from ketnoi.reporting.services.rollup import rollup_rebuild
from ketnoi.reporting.services.workflow import (
    approval_level,
    approving_unit,
    approving_units,
    may_approve,
    may_reopen,
    reminder_record,
    report_approve,
    report_reopen,
    report_return,
    report_submit,
)
from ketnoi.reporting.values import clean_value, value_key, where

__all__ = [
    "FORM_FIELDS",
    "INDICATOR_FIELDS",
    "ImportRejected",
    "ImportRow",
    "ImportSummary",
    "SaveResult",
    "approval_level",
    "approving_unit",
    "approving_units",
    "check_rules",
    "clean_value",
    "disaggregation_create",
    "feed_refresh",
    "form_create",
    "form_deadline",
    "form_field_keys",
    "form_get_by_code",
    "form_period",
    "form_set_indicators",
    "form_set_units",
    "form_update",
    "indicator_create",
    "indicator_update",
    "locked_reason",
    "may_approve",
    "may_reopen",
    "outlier_warning",
    "reminder_record",
    "report_approve",
    "report_open",
    "report_reopen",
    "report_return",
    "report_submit",
    "report_values_save",
    "rollup_rebuild",
    "rule_create",
    "value_key",
    "values_import",
    "where",
]
