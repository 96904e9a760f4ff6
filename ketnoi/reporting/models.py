"""Periodic reporting: indicators (DHIS2 data elements), forms (data sets), reports, values, roll-ups.

* ``Indicator``   what is counted: value type, unit of measure, how it aggregates over units and,
                  separately, over time; optional disaggregation; or a formula over other indicators.
* ``ReportForm``  a set of indicators reported by a set of units every period of one type.
* ``Report``      one unit's return of one form for one period: the workflow (draft, submitted,
                  approved, returned) and its timeliness.
* ``DataValue``   one figure: (indicator, unit, period, option). Values belong to the unit and period,
                  not to the form, as in DHIS2, so two forms sharing an indicator share its value.
* ``Rollup``      pre-aggregation kept current in the same transaction as every value change: for each
                  (ancestor as the hierarchy stood at the end of the value's period, indicator, option,
                  period) the sum and count of the values of the units strictly below that ancestor.
* ``RollupPeriod`` whether the roll-up of a period is current; a reorganisation dated on or before a
                  period's end marks it stale and the next read rebuilds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel


class ValueType(models.TextChoices):
    """DHIS2's aggregate value types (``DHIS2_VALUE_TYPES``); rules: ``reporting.values.clean_value``."""

    INTEGER = "integer", _("Whole number")
    INTEGER_POSITIVE = "integer_positive", _("Positive whole number")
    INTEGER_NEGATIVE = "integer_negative", _("Negative whole number")
    INTEGER_ZERO_OR_POSITIVE = "integer_zero_or_positive", _("Whole number, zero or more")
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")
    BOOLEAN = "boolean", _("Yes/No")
    TRUE_ONLY = "true_only", _("Yes only")
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")


INTEGER_TYPES = frozenset(
    {
        ValueType.INTEGER,
        ValueType.INTEGER_POSITIVE,
        ValueType.INTEGER_NEGATIVE,
        ValueType.INTEGER_ZERO_OR_POSITIVE,
    }
)
NUMERIC_TYPES = INTEGER_TYPES | {
    ValueType.NUMBER,
    ValueType.PERCENTAGE,
    ValueType.BOOLEAN,
    ValueType.TRUE_ONLY,
}
TEXT_TYPES = frozenset({ValueType.TEXT, ValueType.LONG_TEXT})
# Ours -> DHIS2's valueType names.
DHIS2_VALUE_TYPES: dict[str, str] = {str(v): str(v).upper() for v in ValueType.values}


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    AVERAGE_WEIGHTED = "average_weighted", _("Average weighted by a base indicator")
    LAST = "last", _("Last value in the period")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    NONE = "none", _("Not aggregated")


class PeriodType(models.TextChoices):
    """A form's period type: every DHIS2 period type (``ketnoi.lib.periods``) and our span of years."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    WEEKLY_WEDNESDAY = "weekly_wednesday", _("Weekly (starting Wednesday)")
    WEEKLY_THURSDAY = "weekly_thursday", _("Weekly (starting Thursday)")
    WEEKLY_SATURDAY = "weekly_saturday", _("Weekly (starting Saturday)")
    WEEKLY_SUNDAY = "weekly_sunday", _("Weekly (starting Sunday)")
    BI_WEEKLY = "bi_weekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    BI_MONTHLY = "bi_monthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")
    QUARTERLY_NOV = "quarterly_nov", _("Quarterly (year starting in November)")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    SIX_MONTHLY_APRIL = "six_monthly_april", _("Half-yearly (starting in April)")
    SIX_MONTHLY_NOV = "six_monthly_nov", _("Half-yearly (starting in November)")
    YEARLY = "yearly", _("Yearly")
    FINANCIAL_APRIL = "financial_april", _("Financial year (April)")
    FINANCIAL_JULY = "financial_july", _("Financial year (July)")
    FINANCIAL_SEP = "financial_sep", _("Financial year (September)")
    FINANCIAL_OCT = "financial_oct", _("Financial year (October)")
    FINANCIAL_NOV = "financial_nov", _("Financial year (November)")
    CUSTOM = "custom", _("Custom span of years")


class Feed(models.TextChoices):
    MANUAL = "", _("Entered by the unit")
    PAGES_COUNT = "pages_count", _("Number of official pages (from the page registry)")
    PAGES_FOLLOWERS = "pages_followers", _("Total followers of official pages (from the page registry)")


class Disaggregation(BaseModel):
    """A breakdown of an indicator, e.g. by platform (DHIS2 category)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DisaggregationOption(BaseModel):
    """One option of a disaggregation, e.g. Facebook (DHIS2 category option combo, by code)."""

    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.CASCADE, related_name="options", verbose_name=_("disaggregation")
    )
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    sort_order = models.PositiveIntegerField(default=0, verbose_name=_("order"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disaggregation option")
        verbose_name_plural = _("disaggregation options")
        ordering = ["disaggregation_id", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Indicator(BaseModel):
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    value_type = models.CharField(
        _("value type"), max_length=30, choices=ValueType.choices, default=ValueType.INTEGER
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    unit_aggregation = models.CharField(
        _("aggregation over units"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    time_aggregation = models.CharField(
        _("aggregation over time"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self",
        verbose_name=_("base indicator for weighted averages"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    formula = models.CharField(
        _("formula"),
        max_length=500,
        blank=True,
        help_text=_(
            "For a computed indicator: an expression over other indicator codes, "
            "e.g. studied / members * 100."
        ),
    )
    disaggregation = models.ForeignKey(
        Disaggregation, verbose_name=_("disaggregation"), null=True, blank=True, on_delete=models.PROTECT
    )
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    feed = models.CharField(_("source"), max_length=30, choices=Feed.choices, default=Feed.MANUAL, blank=True)
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose administrators may change this indicator (empty: product-wide)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.formula)

    @property
    def is_numeric(self) -> bool:
        return self.value_type in NUMERIC_TYPES


class ReportForm(BaseModel):
    """A DHIS2 data set: indicators reported by units every period."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    period_type = models.CharField(_("period type"), max_length=20, choices=PeriodType.choices)
    span_years = models.PositiveSmallIntegerField(
        _("years per period"),
        default=1,
        help_text=_("For a custom span: how many whole years one period covers."),
    )
    span_anchor = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("For a custom span: the first year of one of its periods."),
    )
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="owned_report_forms",
    )
    indicators = models.ManyToManyField(Indicator, through="FormIndicator", related_name="forms")
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("reporting units"), related_name="report_forms"
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days after the period ends)"), default=10)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the deadline"), default=3
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FormIndicator(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="form_items")
    sort_order = models.PositiveIntegerField(default=0)
    section = models.CharField(_("section"), max_length=120, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["form_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "indicator"], name="unique_form_indicator")]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.indicator_id}"


class Severity(models.TextChoices):
    ERROR = "error", _("Error (blocks saving)")
    WARNING = "warning", _("Warning")


class ValidationRule(BaseModel):
    """``left operator right``, both sides expressions over indicator codes, e.g. trained <= members."""

    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="rules", verbose_name=_("form")
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(
        _("operator"),
        max_length=2,
        choices=[("<=", "≤"), ("<", "<"), (">=", "≥"), (">", ">"), ("==", "="), ("!=", "≠")],
    )
    right = models.CharField(_("right side"), max_length=500)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.CharField(_("message"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["form_id", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.left} {self.operator} {self.right}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Report(BaseModel):
    """One unit's return of one form for one period."""

    form = models.ForeignKey(
        ReportForm, on_delete=models.PROTECT, related_name="reports", verbose_name=_("form")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=16)
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # The level the approval came from: the highest unit from which the approver held ``approve``
    # over this report. Only an approver at that level or above may reopen it.
    approval_unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved at the level of"),
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was last returned or reopened."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["form", "unit", "period"], name="unique_report")]
        indexes = [models.Index(fields=["form", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.form} · {self.unit} · {self.period}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() > self.deadline

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class DataValue(models.Model):
    # No single-column indexes on indicator and unit: the unique constraints and (unit, period) cover them,
    # and every index costs on bulk loads of millions of values.
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
        verbose_name=_("indicator"),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="data_values",
        db_index=False,
        verbose_name=_("unit"),
    )
    period = models.CharField(_("period"), max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    option = models.ForeignKey(
        DisaggregationOption,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        verbose_name=_("breakdown option"),
    )
    value = models.TextField(_("value"))  # long text: up to 50.000 characters (DHIS2)
    number = models.FloatField(null=True, blank=True, verbose_name=_("value"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The audit rows are read per value (by id); other indexes would only slow bulk imports down. Their
    # user is a plain reference, not a database constraint checked once per audit row at commit (accounts
    # are deactivated, never deleted; a deletion through Django still empties it).
    history = HistoricalRecords(
        excluded_fields=["period_start", "period_end", "created_at"],
        no_db_index=["indicator", "unit", "option", "stored_by", "history_user", "history_date"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"],
                condition=Q(option__isnull=True),
                name="unique_value_total",
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit", "period", "option"],
                condition=Q(option__isnull=False),
                name="unique_value_option",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "period"]),
            models.Index(fields=["period", "indicator"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}={self.value}"


class Rollup(models.Model):
    """Sum and count of the values of the units strictly below ``ancestor`` (tree as of ``period_end``)."""

    ancestor = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    option_id = models.IntegerField(default=0)  # 0: every value of the indicator, whatever its option
    period = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.FloatField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "indicator", "option_id", "period"], name="unique_rollup"
            )
        ]
        indexes = [models.Index(fields=["ancestor", "indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.ancestor_id}/{self.indicator_id}/{self.option_id}/{self.period}={self.total}"


class RollupPeriod(models.Model):
    period = models.CharField(max_length=16, unique=True)
    period_end = models.DateField()
    built = models.BooleanField(default=False)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.period} ({'built' if self.built else 'stale'})"


class ReminderLog(models.Model):
    """One reminder sent (in the app and by e-mail) so the same one is never sent twice."""

    report_form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    kind = models.CharField(max_length=10)  # before / after / manual
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["report_form", "period", "unit"])]

    def __str__(self) -> str:
        return f"{self.report_form_id}/{self.unit_id}/{self.period} {self.kind}"
