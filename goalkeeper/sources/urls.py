"""Pages of the sources app: a KPI's data source, its runs, and the workspace's sources."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.sources import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("sources/", views.sources, name="sources"),
    path("sources/runs/<int:pk>/", views.source_run, name="source_run"),
    path("sources/tests/<int:pk>/", views.source_test_result, name="source_test_result"),
    path("kpis/<int:pk>/source/", views.source_detail, name="source_detail"),
    path("kpis/<int:pk>/source/edit/", views.source_edit, name="source_edit"),
    path("kpis/<int:pk>/source/fields/", views.source_fields, name="source_fields"),
    path("kpis/<int:pk>/source/test/", views.source_test, name="source_test"),
    path("kpis/<int:pk>/source/sync/", views.source_sync, name="source_sync"),
    path("kpis/<int:pk>/source/delete/", views.source_delete, name="source_delete"),
]
