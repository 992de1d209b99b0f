"""Pages of the open format."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.portability import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/format/", views.portability, name="portability"),
    path("format/schema.json", views.portability_schema, name="portability_schema"),
    path("admin/format/export/", views.portability_export, name="portability_export"),
    path("admin/format/import/", views.portability_import, name="portability_import"),
    path("admin/format/apply/", views.portability_apply, name="portability_apply"),
]
