from __future__ import annotations

from django.urls import path

from ketnoi.publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.library, name="library"),
    path("stories/new/", views.story_form, name="story_new"),
    path("stories/<int:pk>/", views.story_detail, name="story"),
    path("stories/<int:pk>/edit/", views.story_form, name="story_edit"),
    path("stories/<int:pk>/<slug:action>/", views.story_action, name="story_action"),
    path("publications/<int:pk>/pack/", views.publish_pack, name="pack"),
    path("publications/<int:pk>/<slug:action>/", views.publication_action, name="publication_action"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("kits/", views.kit_list, name="kits"),
]
