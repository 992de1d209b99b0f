"""Pages of the search app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.search import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", views.search_page, name="search"),
]
