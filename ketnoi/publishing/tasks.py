"""Publishing through Huey. The queue carries publication ids; the state lives in ``Publication`` rows.

A message lost with a killed worker is harmless: every minute (and when a worker starts) the sweep sends
again every publication that is due or whose lease ran out, and a claim lets only one worker run it.
"""

from __future__ import annotations

import datetime as dt
import threading

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from ketnoi.publishing.services import delivery


@db_task()
def publishing_publish(publication_id: int) -> None:
    """Publish one publication (a no-op when it is not claimable now). The outcome is in its row, so the
    queue stores no result."""
    delivery.publication_execute(publication_id)


_started = threading.Lock()
_started_once: list[bool] = []


def sweep(*, leases: bool = False) -> int:
    """Send every claimable publication; with ``leases``, also those held now, for when their lease ends."""
    ids = delivery.due_ids()
    for pk in ids:
        publishing_publish(pk)
    if leases:
        for pk, until in delivery.leased():
            publishing_publish.schedule((pk,), eta=until + dt.timedelta(seconds=1))
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def publishing_sweep() -> int:
    """Every minute: send due publications (and ones left behind by a stopped worker) to the queue."""
    return sweep()


@on_startup()
def publishing_on_startup() -> None:
    """A worker that starts picks up what a killed one left (once its lease has run out)."""
    from django.db import close_old_connections

    with _started:
        if _started_once:
            return  # once per worker process, not once per thread
        _started_once.append(True)
    close_old_connections()
    try:
        sweep(leases=True)
    finally:
        close_old_connections()
