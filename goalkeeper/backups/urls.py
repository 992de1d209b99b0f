"""Pages of the backups."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.backups import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/backups/", views.backup_runs, name="backup_runs"),
]
