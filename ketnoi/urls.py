from __future__ import annotations

from django.urls import include, path

from ketnoi.core import views as core_views
from ketnoi.core.api import api

urlpatterns = [
    path("", core_views.home, name="home-root"),
    path("", include("ketnoi.core.urls")),
    path("accounts/", include("ketnoi.accounts.urls")),
    path("units/", include("ketnoi.units.urls")),
    path("pages/", include("ketnoi.pages.urls")),
    path("connectors/", include("ketnoi.connectors.urls")),
    path("reports/", include("ketnoi.reporting.urls")),
    path("directives/", include("ketnoi.directives.urls")),
    path("public/", include("ketnoi.pages.public_urls")),
    path("api/v1/", api.urls),
]

handler403 = "ketnoi.core.views.forbidden"
handler404 = "ketnoi.core.views.not_found"
