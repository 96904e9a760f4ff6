"""Scheduled pulls through Huey. The queue carries run ids; the state is in ``ConnectorRun`` rows."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ketnoi.connectors import services


@db_task()
def connectors_pull(run_id: int) -> str | None:
    """Pull one queued run (a no-op when another worker has claimed it)."""
    run = services.pull_execute(run_id)
    return run.status if run is not None else None


@db_periodic_task(crontab(minute="*/10"))
def connectors_schedule() -> int:
    """Every ten minutes: one queued run per page whose pull is due, each sent to the queue."""
    ids = services.enqueue_due()
    for run_id in ids:
        connectors_pull(run_id)
    return len(ids)


@db_periodic_task(crontab(minute="20"))
def connectors_warn_expiring() -> int:
    """Every hour: warn administrators of tokens that expire soon (once per expiry)."""
    return services.warn_expiring()
