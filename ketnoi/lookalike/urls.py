from __future__ import annotations

from django.urls import path

from ketnoi.lookalike import views

app_name = "lookalike"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("reports/", views.reports, name="reports"),
    path("import/", views.import_list, name="import"),
    path("threshold/", views.set_threshold, name="threshold"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/evidence/", views.add_evidence, name="evidence"),
    path("<int:pk>/report/", views.report_state, name="report"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
