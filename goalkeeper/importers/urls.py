"""Pages of the importers."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.importers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/import/", views.import_page, name="import_page"),
    path("admin/import/preview/", views.import_preview, name="import_preview"),
    path("admin/import/apply/", views.import_apply, name="import_apply"),
]
