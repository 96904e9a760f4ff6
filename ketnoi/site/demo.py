"""Loads the demo province: every app's demo data, in dependency order, idempotently."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from ketnoi.accounts import demo as accounts_demo
from ketnoi.connectors import demo as connectors_demo
from ketnoi.directives import demo as directives_demo
from ketnoi.pages import demo as pages_demo
from ketnoi.publishing import demo as publishing_demo
from ketnoi.reporting import demo as reporting_demo
from ketnoi.units import demo as units_demo


def load_all(stdout: object | None = None) -> list[tuple[str, str]]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demo (with its known passwords) is never loaded in production.")
    with transaction.atomic():
        units_demo.load()
        accounts = accounts_demo.load()
    for module in (pages_demo, connectors_demo, reporting_demo, directives_demo, publishing_demo):
        with transaction.atomic():
            module.load()
    return accounts
