"""Reviews of draft objectives: whom to ask, and the reviewer's note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.accounts.pickers import people_source
from goalkeeper.okrs.forms.common import ModelErrorsMixin, _input
from goalkeeper.okrs.services.reviews import NOTE_MAX
from goalkeeper.pickers import PickerField, picker


class ReviewRequestForm(ModelErrorsMixin):
    """Submit a draft for review: the reviewer, searched among the workspace's people."""

    reviewer = PickerField(
        noun="person",
        label=_("Reviewer"),
        help_text=_("Asked to approve the objective (it becomes active) or send it back."),
    )

    def __init__(self, *args: Any, workspace: Workspace, requester: Person, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Nobody reviews their own request: the requester is not offered.
        picker(self, "reviewer").use(people_source(workspace, exclude=requester))


class ReviewDecisionForm(ModelErrorsMixin):
    """The reviewer's answer: approve, or send back with a note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve (activate)")), ("return", _("Send back with a note"))],
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        label=_("Note"),
        help_text=_("What should change before it is approved (needed to send it back)."),
        widget=forms.Textarea(attrs=_input(rows=3, maxlength=NOTE_MAX)),
    )
