"""Pages of the exports app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.exports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("exports/", views.export_list, name="export_list"),
    path("exports/start/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_row, name="export_row"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("exports/<int:pk>/delete/", views.export_delete, name="export_delete"),
]
