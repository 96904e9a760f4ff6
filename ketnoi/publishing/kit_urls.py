"""The members' pages of share kits (no sign-in), mounted at /k/."""

from __future__ import annotations

from django.urls import path

from ketnoi.publishing import views

app_name = "kit"

urlpatterns = [
    path("<str:token>/", views.kit_page, name="page"),
    path("<str:token>/share/", views.kit_share, name="share"),
]
