"""Pages of a draft objective's review: submit it for review, approve it or send it back.

Each POST is one call of a service of `goalkeeper.okrs.services.reviews`; refusals come back
on the form, next to the field they name.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_objective_for_review,
    access_objective_for_review_request,
)
from goalkeeper.okrs.forms.reviews import ReviewDecisionForm, ReviewRequestForm
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.views.common import _annotate, _render, objective_url


def _page(
    request: HttpRequest, person: Person, template: str, objective: Objective, form: object
) -> HttpResponse:
    _annotate(form, focus=True)
    context = {"person": person, "objective": objective, "form": form}
    return _render(request, template, context)


@require_http_methods(["GET", "POST"])
@member_required
def objective_review_request(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Submit a draft objective for review; the reviewer starts as a lead of its team
    (else an admin), and any active person of the workspace can be chosen instead."""
    objective = access_objective_for_review_request(person, pk)
    if request.method == "GET":
        default = services.default_reviewer(objective, person)
        initial = {"reviewer": default.pk if default is not None else None}
        form = ReviewRequestForm(initial=initial, workspace=person.workspace, requester=person)
        return _page(request, person, "okrs/objective_review_request.html", objective, form)
    form = ReviewRequestForm(request.POST, workspace=person.workspace, requester=person)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.request_review(actor=person, objective=objective, reviewer=reviewer)
        except ValidationError as refusal:
            form.add_model_errors(refusal)
        else:
            messages.success(request, _("Sent to %(name)s for review.") % {"name": reviewer.name})
            return redirect(objective_url(objective.pk))
    return _page(request, person, "okrs/objective_review_request.html", objective, form)


@require_http_methods(["GET", "POST"])
@member_required
def objective_review(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """The reviewer's answer: approve (the draft becomes active) or send it back with a
    note. The objective page carries the same form; this page shows it again with errors."""
    objective = access_objective_for_review(person, pk)
    if request.method == "GET":
        return _page(request, person, "okrs/objective_review.html", objective, ReviewDecisionForm())
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.approve_review(actor=person, objective=objective)
                done = _("Approved: the objective is active.")
            else:
                note = form.cleaned_data["note"] or ""
                services.return_for_changes(actor=person, objective=objective, note=note)
                done = _("Sent back with your note.")
        except ValidationError as refusal:
            form.add_model_errors(refusal)
        else:
            messages.success(request, done)
            return redirect(objective_url(objective.pk))
    return _page(request, person, "okrs/objective_review.html", objective, form)
