"""Pages of the kpis app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.kpis import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/", views.board, name="kpis"),
    path("pick/kpis/", views.pick_kpis, name="pick_kpis"),
    path("kpis/new/", views.create, name="kpi_create"),
    path("kpis/<int:pk>/", views.detail, name="kpi_detail"),
    path("kpis/<int:pk>/edit/", views.edit, name="kpi_edit"),
    path("kpis/<int:pk>/values/", views.values, name="kpi_values"),
    path("kpis/<int:pk>/upload/", views.upload, name="kpi_upload"),
    path("kpis/<int:pk>/upload/<uuid:token>/", views.upload_preview, name="kpi_upload_preview"),
]
