"""Top-level routes. Each app owns its paths; names are unique across apps."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("goalkeeper.api.urls")),
    path("", include("goalkeeper.accounts.urls")),
    path("", include("goalkeeper.api.web_urls")),
    path("", include("goalkeeper.audit.urls")),
    path("", include("goalkeeper.webhooks.urls")),
    path("", include("goalkeeper.okrs.urls")),
    path("", include("goalkeeper.kpis.urls")),
    path("", include("goalkeeper.bridges.urls")),
    path("", include("goalkeeper.sources.urls")),
    path("", include("goalkeeper.web.urls")),
]
