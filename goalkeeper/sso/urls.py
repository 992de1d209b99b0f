"""Pages of single sign-on: the way in from the login page, and the admin's settings."""

from django.urls import URLPattern, path

from goalkeeper.sso import views

urlpatterns: list[URLPattern] = [
    path("login/sso/", views.sso_start, name="sso_start"),
    path("login/sso/callback/", views.sso_callback, name="sso_callback"),
    path("admin/sso/", views.sso_settings, name="sso_settings"),
    path("admin/sso/test/", views.sso_test, name="sso_test"),
]
