"""Scheduled work of the official pages."""

from __future__ import annotations

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="30", hour="2"))
def aggregates_rebuild_nightly() -> None:
    """Rebuild the dashboard aggregates from the snapshots every night.

    Writes keep them current; this catches what writes cannot see, such as a reorganisation of units that
    moves pages to another subtree.
    """
    from ketnoi.pages.aggregates import rebuild_all

    with transaction.atomic():
        rebuild_all()
