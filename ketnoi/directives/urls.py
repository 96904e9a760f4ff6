from __future__ import annotations

from django.urls import path

from ketnoi.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/review/", views.document_review, name="review"),
    path("documents/<int:pk>/reference/", views.document_reference, name="reference"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("units/<str:code>/", views.unit_progress, name="unit"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("calendar/", views.calendar_view, name="calendar"),
]
