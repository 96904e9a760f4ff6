"""Scheduled work: the daily reminders about tasks due soon or overdue."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ketnoi.directives import services


@db_periodic_task(crontab(hour="7", minute="0"))
def send_task_reminders() -> int:
    """Every morning at 07:00: e-mail each reminder once (the database row claims it)."""
    return services.reminders_send()
