"""Pages of the kpis app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.kpis import upkeep_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/", views.board, name="kpis"),
    path("pick/kpis/", views.pick_kpis, name="pick_kpis"),
    path("kpis/new/", views.create, name="kpi_create"),
    path("kpis/<int:pk>/", views.detail, name="kpi_detail"),
    path("kpis/<int:pk>/edit/", views.edit, name="kpi_edit"),
    path("kpis/<int:pk>/baseline/", views.set_baseline, name="kpi_baseline"),
    path("kpis/<int:pk>/values/", views.values, name="kpi_values"),
    path("kpis/<int:pk>/upload/", views.upload, name="kpi_upload"),
    path("kpis/<int:pk>/upload/<uuid:token>/", views.upload_preview, name="kpi_upload_preview"),
    path("kpis/bulk/", upkeep_views.bulk, name="kpi_bulk"),
    path("kpis/<int:pk>/archive/", upkeep_views.archive, name="kpi_archive"),
    path("kpis/<int:pk>/restore/", upkeep_views.restore, name="kpi_restore"),
    path("kpis/<int:pk>/delete/", upkeep_views.delete, name="kpi_delete"),
    path("kpis/<int:pk>/values/<int:measurement_id>/", upkeep_views.value, name="kpi_value_edit"),
]
