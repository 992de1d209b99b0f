"""Pages of the webhooks app (admins): /admin/webhooks/..."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.webhooks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/webhooks/", views.webhooks, name="webhooks"),
    path("admin/webhooks/<int:subscription_id>/", views.webhook_detail, name="webhook_detail"),
    path(
        "admin/webhooks/<int:subscription_id>/toggle/",
        views.webhook_toggle,
        name="webhook_toggle",
    ),
    path("admin/webhooks/<int:subscription_id>/ping/", views.webhook_ping, name="webhook_ping"),
    path(
        "admin/webhooks/<int:subscription_id>/rotate/",
        views.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "admin/webhooks/<int:subscription_id>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "admin/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/retry/",
        views.delivery_retry,
        name="webhook_delivery_retry",
    ),
]
