"""Public pages (no login): the directory of official pages and the link check."""

from __future__ import annotations

from django.urls import path

app_name = "public"
urlpatterns: list[path] = []  # type: ignore[valid-type]
