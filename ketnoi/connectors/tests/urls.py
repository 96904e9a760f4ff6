"""The project's URLs plus the connectors' own, until the lead includes them in ketnoi/urls.py."""

from __future__ import annotations

from django.urls import include, path

from ketnoi.site.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if "connectors" not in str(getattr(p, "pattern", ""))],
    path("connectors/", include("ketnoi.connectors.urls")),
]
