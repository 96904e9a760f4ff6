"""Renders in the task queue: the queue carries the job's id; the job's row holds its state and progress."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task


@db_task()
def render_job(job_id: int, user_id: int | None) -> None:
    from ketnoi.accounts.models import User
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.documents import services

    by: Any = User.objects.filter(pk=user_id).first() if user_id is not None else SYSTEM
    services.job_run(job_id=job_id, by=by or SYSTEM)
