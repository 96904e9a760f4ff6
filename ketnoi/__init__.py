"""Kết Nối: official communications work of a provincial office and its units in one place."""

from __future__ import annotations

__version__ = "0.1.0"
