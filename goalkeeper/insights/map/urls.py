"""Pages of the strategy map: the page and its JSON answers (nodes a level at a time, search)."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.insights.map import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("alignment/map/", views.strategy_map, name="strategy_map"),
    path("alignment/map/nodes/", views.strategy_map_nodes, name="strategy_map_nodes"),
    path("alignment/map/search/", views.strategy_map_search, name="strategy_map_search"),
]
