"""The schedule of reminders and digests, on the workspace settings page (admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from goalkeeper.accounts.decorators import admin_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.digests import services
from goalkeeper.digests.forms import ScheduleForm
from goalkeeper.digests.queries import schedule_initial


@require_http_methods(["GET", "POST"])
@admin_required
def digest_schedule(request: HttpRequest, person: Person) -> HttpResponse:
    """Edit when the check-in reminder and the digests go out, and which are sent."""
    workspace = person.workspace
    data: Any = request.POST if request.method == "POST" else None
    form = ScheduleForm(data, initial=schedule_initial(workspace))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_schedule(actor=person, workspace=workspace, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, _(problem))
        else:
            messages.success(request, _("Saved the schedule of reminders and digests."))
            return redirect(reverse("workspace_settings") + "#digests")
    status = 400 if form.errors else 200
    context = {"section": "settings", "form": form, "zone": workspace.timezone}
    return render_page(request, person, "digests/schedule.html", context, status)
