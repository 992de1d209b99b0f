"""Pages of the chat channels: /admin/channels/... (admins, team leads) and /me/chat/."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.channels import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/channels/", views.chat_channels, name="chat_channels"),
    path("admin/channels/<int:channel_id>/", views.channel_edit, name="chat_channel_edit"),
    path("admin/channels/<int:channel_id>/test/", views.channel_test, name="chat_channel_test"),
    path(
        "admin/channels/<int:channel_id>/delete/",
        views.channel_delete,
        name="chat_channel_delete",
    ),
    path(
        "admin/channels/<int:channel_id>/deliveries/",
        views.channel_deliveries,
        name="chat_channel_deliveries",
    ),
    path("me/chat/", views.my_chat, name="my_chat"),
]
