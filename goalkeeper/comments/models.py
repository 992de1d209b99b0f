"""Comments on objectives, key results, check-ins and KPIs, and reactions on check-ins.

A comment points at its subject by the pair `(subject_type, subject_id)` rather than a
foreign key: the four subjects live in two apps that must not know each other, and this
app sits above both (docs/comments.md). Deleting a comment removes the row; the audit
trail keeps its text.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goalkeeper.changes.stamps import Stamped

BODY_MAX = 5_000


class SubjectType(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    KEY_RESULT = "key_result", _("Key result")
    CHECK_IN = "check_in", _("Check-in")
    KPI = "kpi", "KPI"


class Emoji(models.TextChoices):
    """The reactions a check-in takes: a small fixed set, stored by short name."""

    THUMBS_UP = "thumbs_up", "\U0001f44d"
    TADA = "tada", "\U0001f389"
    EYES = "eyes", "\U0001f440"
    PRAY = "pray", "\U0001f64f"
    HEART = "heart", "\u2764\ufe0f"
    ROCKET = "rocket", "\U0001f680"


# What a screen reader says for each reaction.
EMOJI_WORDS: dict[str, str] = {
    "thumbs_up": "thumbs up",
    "tada": "celebrate",
    "eyes": "looking",
    "pray": "thanks",
    "heart": "love",
    "rocket": "rocket",
}


class Comment(Stamped):
    """Plain text on a subject, with @mentions written as tokens in the body."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the author's person row goes, so the thread still says who wrote it.
    author_name = models.CharField(max_length=150)
    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_id = models.PositiveBigIntegerField()
    body = models.TextField(max_length=BODY_MAX)
    mentions = models.ManyToManyField("accounts.Person", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(
                fields=["workspace", "subject_type", "subject_id", "created_at"],
                name="comment_subject_at",
            )
        ]

    def __str__(self) -> str:
        return f"Comment on {self.get_subject_type_display().lower()} #{self.subject_id}"

    def clean(self) -> None:
        if not self.body.strip():
            raise ValidationError({"body": _("write something")})


class Reaction(models.Model):
    """One person's emoji on a check-in; adding it again takes it back."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    check_in = models.ForeignKey("okrs.CheckIn", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=20, choices=Emoji.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["check_in", "person", "emoji"], name="reaction_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_emoji_display()} on check-in #{self.check_in_id}"
