from __future__ import annotations

from django.urls import path

from ketnoi.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.page_list, name="list"),
    path("new/", views.page_register, name="register"),
    path("<int:pk>/", views.page_detail, name="detail"),
    path("<int:pk>/edit/", views.page_edit, name="edit"),
    path("<int:pk>/figures/", views.snapshot_add, name="snapshot_add"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/administrators/", views.administrator_add, name="administrator_add"),
    path(
        "<int:pk>/administrators/<int:admin_pk>/remove/",
        views.administrator_remove,
        name="administrator_remove",
    ),
    path("<int:pk>/review/", views.review_record, name="review"),
    path("import/", views.import_view, name="import"),
    path("import/template.csv", views.template_download, name="template"),
    path("checklist/", views.checklist_view, name="checklist"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
]
