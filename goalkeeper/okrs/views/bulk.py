"""The cycle board's bulk changes (docs/okrs.md, "Bulk changes"): thin, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs import services
from goalkeeper.okrs.forms.bulk import BulkObjectiveForm


def _reasons(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for found in error.message_dict.values() for message in found)
    return " ".join(error.messages)


@require_POST
@member_required
def objective_bulk(request: HttpRequest, person: Person) -> HttpResponse:
    """A new owner, a new team or closing for every selected objective, all or nothing;
    back to the board with what happened."""
    require_editor(person)
    target = request.POST.get("next", "")
    if not (target and url_has_allowed_host_and_scheme(target, {request.get_host()})):
        target = reverse("cycles")
    form = BulkObjectiveForm(request.POST, workspace=person.workspace)
    if not form.is_valid():
        reasons = " ".join(str(message) for found in form.errors.values() for message in found)
        messages.error(request, _("Nothing was changed: %(reasons)s") % {"reasons": reasons})
        return redirect(target)
    data = form.cleaned_data
    try:
        changed = services.bulk_change_objectives(
            actor=person,
            objective_ids=data["objectives"],
            action=services.ObjectiveBulkAction(data["action"]),
            owner=data.get("owner"),
            team=data.get("team"),
        )
    except ValidationError as error:
        messages.error(
            request, _("Nothing was changed: %(reasons)s") % {"reasons": _reasons(error)}
        )
        return redirect(target)
    messages.success(
        request,
        ngettext("%(count)d objective changed.", "%(count)d objectives changed.", changed)
        % {"count": changed},
    )
    return redirect(target)
