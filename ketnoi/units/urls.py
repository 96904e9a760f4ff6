from __future__ import annotations

from django.urls import path

from ketnoi.units import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/reorganise/", views.reorganise, name="reorganise"),
    path("<str:code>/details/", views.edit_details, name="edit_details"),
]
