"""Public pages (no login): the directory of official pages and the link check."""

from __future__ import annotations

from django.urls import path

from ketnoi.pages import public

app_name = "public"
urlpatterns = [
    path("", public.directory, name="directory"),
    path("check", public.check_view, name="check"),
    path("pages.json", public.pages_json, name="pages_json"),
    path("pages.csv", public.pages_csv, name="pages_csv"),
]
