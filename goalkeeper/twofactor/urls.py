"""Pages of two-factor authentication."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.twofactor import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/code/", views.login_code, name="login_code"),
    path("me/two-factor/", views.overview, name="twofactor"),
    path("me/two-factor/setup/", views.setup, name="twofactor_setup"),
    path("me/two-factor/confirm/", views.confirm, name="twofactor_confirm"),
    path("me/two-factor/disable/", views.disable, name="twofactor_disable"),
    path(
        "me/two-factor/recovery-codes/",
        views.recovery_codes,
        name="twofactor_recovery_codes",
    ),
    path("admin/settings/two-factor/", views.requirement, name="twofactor_requirement"),
]
