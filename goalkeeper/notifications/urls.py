"""Pages of the notifications app: /inbox/, /settings/notifications/, /unsubscribe/..."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.notifications import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/done/", views.inbox_all_done, name="inbox_all_done"),
    path("inbox/<int:notification_id>/open/", views.inbox_open, name="inbox_open"),
    path("inbox/<int:notification_id>/done/", views.inbox_done, name="inbox_done"),
    path("inbox/<int:notification_id>/undo/", views.inbox_undo, name="inbox_undo"),
    path("inbox/<int:notification_id>/snooze/", views.inbox_snooze, name="inbox_snooze"),
    path("watch/<str:subject_type>/<int:subject_id>/", views.watch, name="watch"),
    path("settings/notifications/", views.preferences, name="notification_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
