from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine


@pytest.fixture
def end_of_june_2025() -> Any:
    """Today is 30/06/2025 (files and figures of the tests are dated before it)."""
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield
