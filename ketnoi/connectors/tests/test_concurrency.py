"""Two workers given the same run at the same moment: exactly one claims it (real threads, real database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from ketnoi.connectors import services
from ketnoi.connectors.models import ConnectorRun, RunStatus
from ketnoi.core.permissions import SYSTEM


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_a_run_exactly_once(make_page):
    page = make_page("facebook_page", "3030303030")
    services.credential_set(page=page, access_token="EAAB-concurrent-token", expires_at=None, by=SYSTEM)
    run = services.pull_enqueue(page=page, by=SYSTEM)
    barrier = threading.Barrier(8)
    wins: list[bool] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            wins.append(services._claim(run.pk, f"worker-{n}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(wins) == [False] * 7 + [True]
    claimed = ConnectorRun.objects.get(pk=run.pk)
    assert claimed.status == RunStatus.RUNNING and claimed.attempts == 1
