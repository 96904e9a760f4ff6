from __future__ import annotations

from django.urls import path

from ketnoi.connectors import views

app_name = "connectors"
urlpatterns = [
    path("pages/<int:page_id>/", views.connection, name="connection"),
    path("pages/<int:page_id>/credential/", views.credential_save, name="credential"),
    path("pages/<int:page_id>/disconnect/", views.disconnect, name="disconnect"),
    path("pages/<int:page_id>/pull/", views.pull_now, name="pull"),
    path("notices/", views.notices, name="notices"),
    path("", views.overview, name="overview"),
]
