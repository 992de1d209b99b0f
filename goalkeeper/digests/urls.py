"""Pages of the digests app (admins)."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.digests import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/settings/digests/", views.digest_schedule, name="digest_schedule"),
]
