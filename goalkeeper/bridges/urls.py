"""Pages of the bridges; their paths sit under the KPI and key result they act on."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.bridges import guard_views, split_views, views

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
    path("key-results/<int:pk>/shape/", views.follow_shape, name="key_result_follow_shape"),
    path("objectives/<int:pk>/guardrails/", guard_views.guardrail_add, name="guardrail_add"),
    path(
        "objectives/<int:pk>/guardrails/<int:kpi_id>/remove/",
        guard_views.guardrail_remove,
        name="guardrail_remove",
    ),
    path("kpis/<int:pk>/drivers/", guard_views.driver_add, name="driver_add"),
    path(
        "kpis/<int:pk>/drivers/<int:link_id>/remove/",
        guard_views.driver_remove,
        name="driver_remove",
    ),
]
