"""Reminders about report deadlines: in the app and by e-mail, once per unit, form, period and kind.

* ``before``  the deadline is within the form's reminder lead time and the unit has not submitted;
* ``after``   the deadline passed less than ``AFTER_WINDOW_DAYS`` ago and the unit has still not submitted
              (one nudge soon after the deadline; later on, the approver reminds from the completeness page);
* ``manual``  an approver reminds late units from the completeness page (may be repeated, at most once
              per unit and period every ``MANUAL_COOLDOWN`` so a double click sends one).

A ``ReminderLog`` row records each reminder. The automatic kinds are claimed inside a transaction that
first locks the form row, so two workers running the periodic task at once never send the same
reminder twice. The in-app notice is the ``ReminderLog`` row itself: the reporting home lists the
reminders of the units the person enters data for.

Recipients of a unit's reminder: the people holding a data-entry role (``enter_data``) granted on that
very unit, else the unit's own staff who may enter its data, plus the unit's official e-mail address.
People of a district are not woken for each of its communes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ketnoi.accounts.models import User
from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError, ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services
from ketnoi.reporting.models import ReminderLog, Report, ReportForm, ReportStatus
from ketnoi.reporting.periods import form_deadline, form_period_at
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

log = logging.getLogger(__name__)

BEFORE = "before"
AFTER = "after"
MANUAL = "manual"
AFTER_WINDOW_DAYS = 7
NOTICE_DAYS = 45
MANUAL_COOLDOWN = dt.timedelta(hours=12)
DONE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
ENTRY_ROLES = [
    r for r, verbs in permissions.ROLE_VERBS.items() if "enter_data" in verbs and r != "system_admin"
]


def periods_to_watch(form: ReportForm, today: dt.date) -> list[P.Period]:
    """Periods of the form whose deadline lies between ``AFTER_WINDOW_DAYS`` ago and the lead time ahead."""
    out: list[P.Period] = []
    p = form_period_at(form, today)
    # A deadline can lie in a later period than the one it closes; look a few periods back.
    for _step in range(36):
        deadline = form_deadline(form, p)
        if deadline < today - dt.timedelta(days=AFTER_WINDOW_DAYS):
            break
        if deadline - dt.timedelta(days=form.reminder_days) <= today:
            out.append(p)
        p = p.previous()
    return sorted(out)


def expected_units(form: ReportForm, period: P.Period) -> list[Unit]:
    return selectors.form_reporting_units(form, day=period.end)


def unsubmitted_units(form: ReportForm, period: P.Period, units: Iterable[Unit] | None = None) -> list[Unit]:
    units = list(units) if units is not None else expected_units(form, period)
    done = set(
        Report.objects.filter(form=form, period=period.id, status__in=DONE_STATUSES).values_list(
            "unit_id", flat=True
        )
    )
    return [u for u in units if u.pk not in done]


def recipients_for(units: Iterable[Unit]) -> dict[int, list[User]]:
    """Per unit, who receives its reminders: the people responsible for entering its data."""
    return permissions.responsible_people_for(units, "enter_data")


def recipients_of(unit: Unit) -> list[User]:
    return recipients_for([unit])[unit.pk]


@dataclass(frozen=True)
class Sent:
    unit: Unit
    kind: str
    emails: int


def _message(form: ReportForm, period: P.Period, unit: Unit, kind: str, language: str) -> tuple[str, str]:
    deadline = form_deadline(form, period)
    with translation.override(language):
        label = period.label()
        if kind == BEFORE:
            subject = _("Reminder: %(form)s for %(period)s is due on %(date)s") % {
                "form": form.name,
                "period": label,
                "date": deadline.strftime("%d/%m/%Y"),
            }
            lead = _(
                "The report “%(form)s” of %(unit)s for %(period)s is due on %(date)s "
                "and has not been submitted yet."
            )
        else:
            subject = _("Overdue: %(form)s for %(period)s (deadline %(date)s)") % {
                "form": form.name,
                "period": label,
                "date": deadline.strftime("%d/%m/%Y"),
            }
            lead = _(
                "The report “%(form)s” of %(unit)s for %(period)s was due on %(date)s "
                "and has not been submitted."
            )
        body = lead % {
            "form": form.name,
            "unit": unit.name,
            "period": label,
            "date": deadline.strftime("%d/%m/%Y"),
        }
        url = str(getattr(settings, "KETNOI_BASE_URL", "")).rstrip("/")
        link = url + reverse("reporting:entry", args=[form.code, period.id, unit.code])
        body += "\n\n" + _("Enter or upload the figures here: %(link)s") % {"link": link}
        body += "\n\n" + _("This message was sent by Kết Nối. Please do not reply to it.")
    return subject, body


def _send_mail(
    form: ReportForm,
    period: P.Period,
    unit: Unit,
    kind: str,
    connection: Any,
    people: list[User] | None = None,
) -> int:
    people = recipients_of(unit) if people is None else people
    by_language: dict[str, list[str]] = {}
    for person in people:
        if person.email:
            by_language.setdefault(person.language or "vi", []).append(person.email)
    if unit.email:
        by_language.setdefault("vi", [])
        if unit.email not in by_language["vi"]:
            by_language["vi"].append(unit.email)
    sent = 0
    for language, addresses in by_language.items():
        if not addresses:
            continue
        subject, body = _message(form, period, unit, kind, language)
        message = EmailMessage(subject, body, to=[], bcc=sorted(set(addresses)), connection=connection)
        sent += message.send(fail_silently=False)
    return sent


def send_due_reminders(*, today: dt.date | None = None) -> list[Sent]:
    """Send every automatic reminder due today and not sent before. Safe to run any number of times."""
    today = today or timezone.localdate()
    out: list[Sent] = []
    connection = get_connection()
    for form in ReportForm.objects.filter(is_active=True).order_by("pk"):
        for period in periods_to_watch(form, today):
            kind = AFTER if today > form_deadline(form, period) else BEFORE
            claimed = _claim(form, period, kind)
            people = recipients_for(claimed)
            for unit in claimed:
                try:
                    emails = _send_mail(form, period, unit, kind, connection, people[unit.pk])
                except OSError:
                    # The in-app notice is recorded; the mail server is down. Log and carry on.
                    log.exception("reminder e-mail for %s/%s/%s failed", form.code, period.id, unit.code)
                    emails = 0
                out.append(Sent(unit, kind, emails))
    return out


def _claim(form: ReportForm, period: P.Period, kind: str) -> list[Unit]:
    """Record the reminders of one form, period and kind not yet sent; return their units."""
    with transaction.atomic():
        # Lock the form row: concurrent runs for one form wait here, then see each other's rows.
        ReportForm.objects.select_for_update().filter(pk=form.pk).first()
        already = set(
            ReminderLog.objects.filter(report_form=form, period=period.id, kind=kind).values_list(
                "unit_id", flat=True
            )
        )
        units = [u for u in unsubmitted_units(form, period) if u.pk not in already]
        for unit in units:
            services.reminder_record(form=form, unit=unit, period=period.id, kind=kind, by=SYSTEM)
    return units


@permissions.gated
@transaction.atomic
def reminder_send(*, form: ReportForm, period: P.Period, units: list[Unit], by: Actor) -> list[Sent]:
    """An approver reminds chosen units that have not submitted (the parent unit's approver, checked by
    the service); units already done, or reminded in the last hours, are skipped."""
    if not units:
        raise ValidationError(_("Choose at least one unit to remind."), fields={"units": _("Required.")})
    pending = unsubmitted_units(form, period, units)
    since = timezone.now() - MANUAL_COOLDOWN
    recent = set(
        ReminderLog.objects.filter(
            report_form=form, period=period.id, kind=MANUAL, unit__in=pending, sent_at__gte=since
        ).values_list("unit_id", flat=True)
    )
    todo = [u for u in pending if u.pk not in recent]
    ids = [services.reminder_record(form=form, unit=u, period=period.id, kind=MANUAL, by=by).pk for u in todo]
    if ids:
        transaction.on_commit(lambda: mail_reminders(ids))
    return [Sent(u, MANUAL, 0) for u in todo]


@db_task()
def mail_reminders(log_ids: list[int]) -> int:
    """Send the e-mails of recorded reminders (the queue carries ids only)."""
    sent = 0
    connection = get_connection()
    rows = list(ReminderLog.objects.filter(pk__in=log_ids).select_related("report_form", "unit"))
    people = recipients_for({row.unit_id: row.unit for row in rows}.values())
    for row in rows:
        form = row.report_form
        try:
            period = P.parse(row.period)
            kind = AFTER if row.kind == MANUAL else row.kind
            sent += _send_mail(form, period, row.unit, kind, connection, people[row.unit_id])
        except (OSError, P.PeriodError):
            log.exception("reminder e-mail %s failed", row.pk)
    return sent


# Every hour from 07:05 to 17:05 Vietnam time (00–10 UTC): idempotent, so a missed hour is caught up.
@db_periodic_task(crontab(minute="5", hour="0-10"))
def reminders_periodic() -> int:
    return len(send_due_reminders())


def notices_for(user: Any, *, limit: int = 20) -> list[ReminderLog]:
    """Reminders to units the person enters data for, still unanswered, newest first: the in-app notices."""
    since = timezone.now() - dt.timedelta(days=NOTICE_DAYS)
    answered = Report.objects.filter(
        form_id=OuterRef("report_form_id"),
        unit_id=OuterRef("unit_id"),
        period=OuterRef("period"),
        status__in=DONE_STATUSES,
    )
    return list(
        ReminderLog.objects.filter(permissions.scope_q(user, "enter_data", "unit"), sent_at__gte=since)
        .exclude(Exists(answered))
        .select_related("report_form", "unit", "sent_by")
        .order_by("-sent_at")[:limit]
    )


@db_periodic_task(crontab(minute="40", hour="1"))
def dhis2_push_nightly() -> int:
    """Push the approved values of the forms in KETNOI_DHIS2_SYNC_FORMS to KETNOI_DHIS2_URL (last 3 periods);
    idempotent, so a missed night is caught up by the next one."""
    from django.conf import settings

    from ketnoi.reporting import dhis2_sync

    if not settings.KETNOI_DHIS2_URL:
        return 0
    sent = 0
    connection = dhis2_sync.Connection.from_settings()
    for form in dhis2_sync.nightly_forms():
        try:
            summary = dhis2_sync.push(form=form, connection=connection)
        except (OSError, ApplicationError):
            log.exception("DHIS2 push of %s failed", form.code)
            continue
        log.info("%s", summary.line())
        sent += summary.sent
    return sent
