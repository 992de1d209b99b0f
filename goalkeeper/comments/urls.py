"""Routes of the thread fragments and check-in reactions (docs/comments.md)."""

from django.urls import URLPattern, path

from goalkeeper.comments import views

urlpatterns: list[URLPattern] = [
    path("comments/", views.comments, name="comments"),
    path("comments/<int:pk>/", views.comment_item, name="comment_item"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("check-ins/<int:pk>/reactions/", views.check_in_reaction, name="check_in_reaction"),
]
