"""Loads the demo province: every app's demo data, in dependency order, idempotently.

The old tree's records are made while it is today's tree, then the 2025 reform is recorded through the
reorganisation services, as an office using the product since 2020 would have done it: its records stay
on the old tree for their dates and follow the successors from 01/07/2025 (see ``ketnoi.units.demo``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from ketnoi.accounts import demo as accounts_demo
from ketnoi.connectors import demo as connectors_demo
from ketnoi.directives import demo as directives_demo
from ketnoi.documents import demo as documents_demo
from ketnoi.pages import demo as pages_demo
from ketnoi.publishing import demo as publishing_demo
from ketnoi.reporting import demo as reporting_demo
from ketnoi.units import demo as units_demo


def load_all(stdout: object | None = None) -> list[tuple[str, str]]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demo (with its known passwords) is never loaded in production.")
    before = (
        units_demo.load_old_tree,
        pages_demo.load,
        directives_demo.load_before_reform,
        units_demo.load_reform,
    )
    after = (
        pages_demo.load_administrators,
        connectors_demo.load,
        reporting_demo.load,
        directives_demo.load_after_reform,
        publishing_demo.load,
        documents_demo.load,
    )
    _each_atomic(before)
    with transaction.atomic():
        accounts = accounts_demo.load()
    _each_atomic(after)
    return accounts


def _each_atomic(steps: tuple[Callable[[], None], ...]) -> None:
    for step in steps:
        with transaction.atomic():
            step()
