from __future__ import annotations

from django.urls import path

from ketnoi.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
    path("draft/", views.draft, name="draft"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/render/", views.render_start, name="render"),
    path("<int:pk>.docx", views.download, {"fmt": "docx"}, name="docx"),
    path("<int:pk>.pdf", views.download, {"fmt": "pdf"}, name="pdf"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("certificates/", views.certificates, name="certificates"),
    path("verify/", views.verify, name="verify"),
]
