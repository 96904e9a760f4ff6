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
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/attach/", views.document_attach, name="document_attach"),
    path("documents/<int:pk>/tasks/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("units/<str:code>/", views.unit_progress, name="unit"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("calendar/", views.calendar_view, name="calendar"),
]
