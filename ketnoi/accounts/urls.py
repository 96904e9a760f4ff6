from __future__ import annotations

from django.urls import path

from ketnoi.accounts import privacy_views, security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/details/", views.profile_update, name="profile_update"),
    path("me/password/", views.password_change, name="password_change"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("me/two-factor/", views.otp_setup, name="otp_setup"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:user_id>/", views.person_detail, name="person_detail"),
    path("people/<int:user_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:user_id>/password/", views.person_set_password, name="person_set_password"),
    path("people/<int:user_id>/roles/", views.role_add, name="role_add"),
    path("roles/<int:grant_id>/revoke/", views.role_remove, name="role_remove"),
    path(
        "people/<int:user_id>/personal-data/",
        privacy_views.personal_data_download,
        name="personal_data_export",
    ),
    path(
        "people/<int:user_id>/personal-data/erase/",
        privacy_views.personal_data_remove,
        name="personal_data_erase",
    ),
    path("security/", security_views.security_events, name="security_events"),
    path(
        "security/export.<str:fmt>",
        security_views.security_events_export,
        name="security_events_export",
    ),
]
