"""Demo data of this app, loaded by `ketnoi demo` after the pages demo. Must be idempotent.

A few of the demo's pages are shown as connected, with made-up tokens marked as demo
(``PageCredential.is_demo``): the worker never sends them to a real platform (the run ends with a message
saying so, and the schedule skips them); they are pulled only from a fake platform server on this computer.
To try a pull by hand from a source checkout, run ``python -m tests.fakes.serve --port 8765``, point the
KETNOI_*_URL settings at it as it prints, and use its sample pages and tokens.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ketnoi.connectors import services
from ketnoi.connectors.models import PageCredential
from ketnoi.connectors.platforms import PULLED_PLATFORMS
from ketnoi.core.permissions import SYSTEM
from ketnoi.pages.models import Page, PageStatus

DEMO_CONNECTIONS = 3


def load() -> None:
    pages = (
        Page.objects.filter(platform__in=list(PULLED_PLATFORMS))
        .exclude(status=PageStatus.RETIRED)
        .select_related("unit")
        .order_by("pk")[:DEMO_CONNECTIONS]
    )
    for page in pages:
        if PageCredential.objects.filter(page=page).exists():
            continue
        services.credential_set(
            page=page,
            access_token=f"DEMO-{page.pk}-not-a-real-token",
            expires_at=timezone.now() + dt.timedelta(days=60),
            by=SYSTEM,
            demo=True,
        )
