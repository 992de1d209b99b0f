"""The `data` of comment and reaction webhooks, made of the REST resources.

`comment.*` events carry `comment`, the body `GET /comments/{id}` answers (as it was just
before a deletion), with what a receiver needs besides: `text` (the body with mentions as
`@Name`, for chat and email), `url` (the subject's page) and `new_mentions` (the people the
write mentioned who were not before). `reaction.added` carries `reaction`, the reaction as
`POST /check-ins/{id}/reactions` answers it, `check_in`, an item of
`GET /key-results/{id}/check-ins`, and `url`. The API app hands these shapes to the
webhooks app when it starts (goalkeeper/api/apps.py); see docs/api.md, "Webhooks".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from goalkeeper.comments.api import comment_out, reaction_out
from goalkeeper.comments.models import Comment, Reaction
from goalkeeper.events import Event
from goalkeeper.okrs.api.key_results import check_in_out
from goalkeeper.okrs.models import CheckIn

Payload = dict[str, Any]


def comment_data(event: Event) -> Payload:
    """A comment event's data: the REST comment and the event's own facts."""
    given: Mapping[str, Any] = event.payload["comment"]
    comment = Comment.objects.prefetch_related("mentions").get(pk=given["id"])
    shown = comment_out(comment, sorted(person.pk for person in comment.mentions.all()))
    return {
        "comment": shown.model_dump(mode="json"),
        "text": given["text"],
        "url": given["url"],
        "new_mentions": list(given["new_mentions"]),
    }


def reaction_data(event: Event) -> Payload:
    """A reaction event's data: the REST reaction and check-in."""
    given: Mapping[str, Any] = event.payload["reaction"]
    reaction = Reaction.objects.get(pk=given["id"])
    check_in = CheckIn.objects.get(pk=reaction.check_in_id)
    return {
        "reaction": reaction_out(reaction).model_dump(mode="json"),
        "check_in": check_in_out(check_in).model_dump(mode="json"),
        "url": given["url"],
    }


SHAPES: dict[str, Callable[[Event], Payload]] = {
    "comment.created": comment_data,
    "comment.updated": comment_data,
    "comment.deleted": comment_data,
    "reaction.added": reaction_data,
}
