from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "goalkeeper.comments"
    label = "comments"
    verbose_name = "Comments"
