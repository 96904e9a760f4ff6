"""The period rules of a report form: which period an identifier names for a form, and its deadline.

Below both services and selectors (both read them); pure rules, no writes.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting.models import (
    PeriodType,
    ReportForm,
)


def form_period(form: ReportForm, period_id: str) -> P.Period:
    """The period ``period_id`` read for ``form``: it must be of the form's period type."""
    try:
        period = P.parse(period_id)
    except P.PeriodError as exc:
        raise ValidationError(
            _("%(period)s is not a period identifier (examples: 2020, 2020S1, 2020Q3, 202007).")
            % {"period": period_id},
            fields={"period": _("Unknown period.")},
        ) from exc
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
