from __future__ import annotations

from django.urls import path

from ketnoi.reporting.views import entry, overview, pivot, sheets

app_name = "reporting"
urlpatterns = [
    path("", overview.home, name="home"),
    path("analysis/", pivot.pivot, name="pivot"),
    path("f/<str:form_code>/", overview.form_home, name="form"),
    path("f/<str:form_code>/go/", overview.go, name="go"),
    path("f/<str:form_code>/<str:period_id>/", overview.status, name="status"),
    path("f/<str:form_code>/<str:period_id>/remind/", overview.remind, name="remind"),
    path("f/<str:form_code>/<str:period_id>/approve/", overview.approve_many, name="approve_many"),
    path("f/<str:form_code>/<str:period_id>/template.xlsx", sheets.template, name="template"),
    path("f/<str:form_code>/<str:period_id>/upload/", sheets.upload, name="upload"),
    path("f/<str:form_code>/<str:period_id>/u/<str:unit_code>/", entry.entry, name="entry"),
    path("f/<str:form_code>/<str:period_id>/u/<str:unit_code>/save/", entry.save, name="save"),
    path("f/<str:form_code>/<str:period_id>/u/<str:unit_code>/submit/", entry.submit, name="submit"),
    path(
        "f/<str:form_code>/<str:period_id>/u/<str:unit_code>/<str:action>/",
        entry.decide,
        name="decide",
    ),
    path(
        "f/<str:form_code>/<str:period_id>/u/<str:unit_code>/history/<str:key>/",
        entry.value_history,
        name="value_history",
    ),
]
