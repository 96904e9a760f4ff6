"""Every period rule of a report form, in one place: the form's period at a date, the period being reported
now, the latest periods, which period an identifier names for the form, and its deadline. Labels and the
reading of period identifiers themselves are ``ketnoi.lib.periods`` (``Period.label()``, ``parse``).

Below both services and selectors (both read them); pure rules, no writes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting.models import (
    PeriodType,
    ReportForm,
)


def read_period(period_id: str, *, field: str = "period") -> P.Period:
    """A period identifier from a person or a machine, or a 422 naming it (DHIS2's forms, case-sensitive)."""
    try:
        return P.parse(period_id)
    except P.PeriodError as exc:
        raise ValidationError(
            _(
                "%(period)s is not a period identifier (examples: 20260126, 2026W5, 2026BiW3, 202601, "
                "202601B, 2026Q1, 2026S1, 2026, 2026April; letters as written)."
            )
            % {"period": period_id},
            fields={field: _("Unknown period %(period)s.") % {"period": period_id}},
        ) from exc


def form_period(form: ReportForm, period_id: str) -> P.Period:
    """The period ``period_id`` read for ``form``: it must be of the form's period type."""
    period = read_period(period_id)
    if period.type != form.period_type or (
        form.period_type == PeriodType.CUSTOM
        and (
            period.end.year - period.start.year + 1 != form.span_years
            or (form.span_anchor is not None and (period.start.year - form.span_anchor) % form.span_years)
        )
    ):
        raise ValidationError(
            _("The form %(form)s is reported per %(type)s; %(period)s is not such a period.")
            % {"form": form.name, "type": form.get_period_type_display().lower(), "period": period_id},
            fields={"period": _("Wrong period type.")},
        )
    return period


def form_deadline(form: ReportForm, period: P.Period) -> dt.date:
    return period.end + dt.timedelta(days=form.deadline_days)


def form_period_at(form: ReportForm, day: dt.date) -> P.Period:
    """The form's period that contains ``day``."""
    return P.for_date(form.period_type, day, span_years=form.span_years or 1, anchor=form.span_anchor)


def current_period(form: ReportForm, today: dt.date | None = None) -> P.Period:
    """The period being reported now: the latest one that has ended (a custom span: the one running)."""
    running = form_period_at(form, today or timezone.localdate())
    if form.period_type == PeriodType.CUSTOM:
        return running
    return running.previous()


def form_periods(form: ReportForm, *, today: dt.date | None = None, count: int = 12) -> list[P.Period]:
    """The latest ``count`` periods of the form up to the running one, newest first."""
    p = form_period_at(form, today or timezone.localdate())
    out = [p]
    while len(out) < count:
        p = p.previous()
        out.append(p)
    return out
