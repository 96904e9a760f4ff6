"""The URL root: every app's URLs, the API, and the site's own pages.

The URL names ``core:home``, ``core:set_language``, ``core:healthz`` and ``core:plotly_js`` keep their
namespace: the first two are the site's pages, the last two the foundation's.
"""

from __future__ import annotations

from django.urls import include, path, re_path

from ketnoi.core import files as core_files
from ketnoi.core import views as core_views
from ketnoi.site import views
from ketnoi.site.api import api
from ketnoi.site.dhis2 import api as dhis2_api

core_patterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("files/<slug:kind>/<int:pk>/", core_files.serve, name="file"),
    path(f"vendor/plotly-{core_views.PLOTLY_VERSION}.min.js", core_views.plotly_js, name="plotly_js"),
]

urlpatterns = [
    path("", views.home, name="home-root"),
    path("", include((core_patterns, "core"))),
    path("accounts/", include("ketnoi.accounts.urls")),
    path("units/", include("ketnoi.units.urls")),
    path("pages/", include("ketnoi.pages.urls")),
    path("connectors/", include("ketnoi.connectors.urls")),
    path("reports/", include("ketnoi.reporting.urls")),
    path("directives/", include("ketnoi.directives.urls")),
    path("documents/", include("ketnoi.documents.urls")),
    path("publishing/", include("ketnoi.publishing.urls")),
    path("k/", include("ketnoi.publishing.kit_urls")),
    path("lookalike/", include("ketnoi.lookalike.urls")),
    path("public/", include("ketnoi.pages.public_urls")),
    path("api/v1/", api.urls),
    # DHIS2's paths, with or without its API version (/api/40/...): ketnoi/site/dhis2.py
    re_path(r"^api/(?:\d{2}/)?", dhis2_api.urls),
]

handler403 = "ketnoi.core.views.forbidden"
handler404 = "ketnoi.core.views.not_found"
