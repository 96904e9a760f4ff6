from __future__ import annotations

from django.urls import path

from ketnoi.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly_js"),
]
