"""Top-level routes. Each app owns its paths; names are unique across apps."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("goalkeeper.api.urls")),
    path("", include("goalkeeper.accounts.urls")),
    path("", include("goalkeeper.sso.urls")),
    path("", include("goalkeeper.twofactor.urls")),
    path("", include("goalkeeper.api.web_urls")),
    path("", include("goalkeeper.audit.urls")),
    path("", include("goalkeeper.webhooks.urls")),
    path("", include("goalkeeper.digests.urls")),
    path("", include("goalkeeper.channels.urls")),
    path("", include("goalkeeper.okrs.urls")),
    path("", include("goalkeeper.kpis.urls")),
    path("", include("goalkeeper.bridges.urls")),
    path("", include("goalkeeper.comments.urls")),
    path("", include("goalkeeper.sources.urls")),
    path("", include("goalkeeper.notifications.urls")),
    path("", include("goalkeeper.insights.urls")),
    path("", include("goalkeeper.exports.urls")),
    path("", include("goalkeeper.portability.urls")),
    path("", include("goalkeeper.library.urls")),
    path("", include("goalkeeper.importers.urls")),
    path("", include("goalkeeper.backups.urls")),
    path("", include("goalkeeper.dashboards.urls")),
    path("", include("goalkeeper.reports.urls")),
    path("", include("goalkeeper.search.urls")),
    path("", include("goalkeeper.scim.urls")),
    path("", include("goalkeeper.web.urls")),
]

# Errors no view answered: pages in the app's look, JSON under /api/ (goalkeeper.web.errors).
handler400 = "goalkeeper.web.errors.bad_request"
handler403 = "goalkeeper.web.errors.permission_denied"
handler404 = "goalkeeper.web.errors.page_not_found"
handler500 = "goalkeeper.web.errors.server_error"
