"""Pages of the template library."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.library import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("templates/", views.gallery, name="template_gallery"),
    path("templates/<slug:key>/", views.template_detail, name="template_detail"),
    path(
        "templates/<slug:key>/objectives/<int:index>/",
        views.start_objective,
        name="template_objective",
    ),
    path("templates/<slug:key>/kpis/", views.start_kpis, name="template_kpis"),
]
