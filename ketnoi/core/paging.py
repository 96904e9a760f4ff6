"""Paging of API lists: one rule for every ``limit`` and ``offset`` query parameter.

``limit`` is from 1 to the list's maximum and ``offset`` from 0 to a billion; anything else (a negative
number, a number beyond 64 bits) is a 422 naming the parameter, documented in the OpenAPI schema,
instead of reaching the database as a slice it cannot take.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_OFFSET = 1_000_000_000

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many to skip (0 to 1.000.000.000).")]
Limit100 = Annotated[int, Field(ge=1, le=100, description="How many to return (1 to 100).")]
Limit500 = Annotated[int, Field(ge=1, le=500, description="How many to return (1 to 500).")]
Limit1000 = Annotated[int, Field(ge=1, le=1000, description="How many to return (1 to 1.000).")]
Limit5000 = Annotated[int, Field(ge=1, le=5000, description="How many to return (1 to 5.000).")]
