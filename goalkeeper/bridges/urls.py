"""Pages of the bridges; their paths sit under the KPI and key result they act on."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.bridges import split_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/<int:pk>/flag/", views.flag, name="kpi_flag"),
    path(
        "kpis/<int:pk>/recoveries/<int:objective_id>/dismiss/",
        views.dismiss,
        name="kpi_recovery_dismiss",
    ),
    path("kpis/<int:pk>/links/", views.link, name="kpi_link"),
    path("kpis/<int:pk>/links/<int:key_result_id>/remove/", views.unlink, name="kpi_unlink"),
    path("key-results/<int:pk>/promote/", views.promote, name="key_result_promote"),
    path("kpis/<int:pk>/split/", split_views.kpi_split, name="kpi_split"),
    path("key-results/<int:pk>/hand-down/", views.hand_down, name="key_result_hand_down"),
    path("key-results/<int:pk>/formula/", views.formula, name="key_result_formula"),
]
