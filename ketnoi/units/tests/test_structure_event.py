"""One documented structure event: ``structure_changed(units, effective_from)``, sent on commit by the units
services, once per transaction, and the only way pages and reporting hear of a reorganisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from ketnoi.core.permissions import SYSTEM
from ketnoi.units import services
from ketnoi.units.models import Unit, UnitVersion
from ketnoi.units.signals import structure_changed

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def events() -> Any:
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    structure_changed.connect(listen, weak=False)
    yield heard
    structure_changed.disconnect(listen)


def test_a_merge_is_announced_once_on_commit_with_its_units_and_day(
    events: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    xdk, xpn, bgm = unit("BP-BGM-XDK"), unit("BP-BGM-XPN"), unit("BP-BGM")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.unit_merge(sources=[xdk], target=xpn, effective_date=REFORM, by=SYSTEM)
        assert events == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(events) == 1
    assert events[0]["effective_from"] == REFORM
    assert {xdk.pk, xpn.pk, bgm.pk} <= set(events[0]["units"])


def test_many_reorganisations_in_one_transaction_send_one_event_from_the_earliest_day(
    events: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.unit_rename(
            unit=unit("BP-DX"), new_name="Phường Đồng Xoài", effective_date=REFORM, by=SYSTEM
        )
        services.unit_move(
            unit=unit("BP-BGM-XDK"), new_parent=unit("BP-DX"), effective_date=dt.date(2024, 1, 1), by=SYSTEM
        )
        services.unit_dissolve(unit=unit("BP-DX-PTP"), effective_date=REFORM, by=SYSTEM)
    assert len(events) == 1
    assert events[0]["effective_from"] == dt.date(2024, 1, 1)
    assert unit("BP-BGM-XDK").pk in events[0]["units"] and unit("BP-BGM").pk in events[0]["units"]


def test_a_reorganisation_that_rolls_back_is_not_announced(
    events: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.unit_rename(unit=unit("BP-DX"), new_name="Tên tạm", effective_date=REFORM, by=SYSTEM)
            raise RuntimeError("changed my mind")
        services.unit_rename(unit=unit("BP-BGM"), new_name="Huyện Mới", effective_date=REFORM, by=SYSTEM)
    assert len(events) == 1
    assert unit("BP-DX").pk not in events[0]["units"]


def test_no_app_listens_to_saves_of_units_or_unit_versions() -> None:
    for signal in (pre_save, post_save, post_delete):
        for sender in (Unit, UnitVersion):
            sync, _async = signal._live_receivers(sender)
            ours = [r for r in sync if getattr(r, "__module__", "").startswith("ketnoi.")]
            assert ours == [], (signal, sender)
