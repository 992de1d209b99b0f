"""Pages of the insights app; the strategy map's live in `insights.map.urls`."""

from django.urls import URLPattern, URLResolver, include, path

from goalkeeper.insights import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("insights/", views.insights, name="insights"),
    path("", include("goalkeeper.insights.map.urls")),
]
