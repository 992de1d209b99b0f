"""Pages of the audit app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.audit import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/audit/", views.admin_audit, name="admin_audit"),
    path("admin/audit/export.csv", views.admin_audit_export, name="admin_audit_export"),
    path(
        "history/<str:object_type>/<int:object_id>/",
        views.object_history,
        name="object_history",
    ),
]
