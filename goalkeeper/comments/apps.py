from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "goalkeeper.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from goalkeeper.changes.tracking import track
        from goalkeeper.comments.models import Comment

        track("comment", Comment)
