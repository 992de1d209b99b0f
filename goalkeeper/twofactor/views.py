"""Pages of two-factor authentication: the login's code step, a person's own setup, and
the workspace's requirement (admins). Thin: a form, one service call, a page or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts import services as account_services
from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.twofactor import codes, limits, login, queries, services
from goalkeeper.twofactor.forms import (
    CodeForm,
    DisableForm,
    LoginCodeForm,
    RequirementForm,
    SetupForm,
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's errors on the form, translated (the services mark them with gettext_noop)."""
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, _(problem))


# --- The second step of a login ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """ "Enter the 6-digit code": the login passed its password and waits for its code."""
    user = login.pending_user(request)
    if user is None:
        if not request.user.is_authenticated:
            messages.info(request, _("Log in again: the code is asked for five minutes."))
        return redirect("login")
    form = LoginCodeForm(_posted(request))
    status = 200
    lock: ratelimit.Lock | None = None
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        key = str(user.pk)
        address = [(ratelimit.login_address_limit(), ratelimit.client_address(request))]
        # The login's attempt is counted before the code is checked (limits.py); the
        # address counts only wrong codes, so people behind one address who log in fine
        # do not use up its limit.
        lock = ratelimit.first_lock(address, now) or limits.take_attempt(
            [(login.code_limit(), key)], now
        )
        if lock is not None:
            form.add_error(None, limits.refusal(lock, now, codes=True))
            status = 429
        else:
            kind = services.check_login_code(user=user, code=form.cleaned_data["code"], now=now)
            if kind is not None:
                limits.clear(login.code_limit(), key)
                if kind == "recovery":
                    messages.warning(
                        request,
                        _(
                            "You logged in with a recovery code; it will not work again. "
                            "You have %(count)s left."
                        )
                        % {"count": queries.status_of(user).recovery_codes_left},
                    )
                return login.complete(request, user)
            account_services.count_attempt(address, now)
            form.add_error("code", _(services.WRONG_CODE))
            status = 400
    elif request.method == "POST":
        status = 400
    response = render_page(request, None, "twofactor/login_code.html", {"form": form}, status)
    if status == 429 and lock is not None:
        return ratelimit.too_many(response, lock, now)
    return response


# --- A person's own two-factor authentication -----------------------------------------------


def _overview(
    request: HttpRequest,
    person: Person,
    *,
    disable_form: DisableForm | None = None,
    renew_form: CodeForm | None = None,
    setup_form: SetupForm | None = None,
    status: int = 200,
    lock: ratelimit.Lock | None = None,
) -> HttpResponse:
    context = {
        "status": queries.status_of(person.user),
        "required": queries.is_required(person.workspace_id),
        "disable_form": disable_form or DisableForm(),
        "renew_form": renew_form or CodeForm(),
        "setup_form": setup_form or SetupForm(),
        "needs_password": services.needs_password(person.user),
    }
    response = render_page(request, person, "twofactor/overview.html", context, status)
    if lock is not None:
        return ratelimit.too_many(response, lock, timezone.now())
    return response


def _attempt(
    person: Person, form: Form, limit: ratelimit.Limit, *, codes: bool
) -> ratelimit.Lock | None:
    """Count a proof (a code or the password) of `person` before it is checked; the lock,
    with its message on `form`, when there were too many."""
    now = timezone.now()
    lock = limits.take_attempt([(limit, str(person.user_id))], now)
    if lock is not None:
        form.add_error(None, limits.refusal(lock, now, codes=codes))
    return lock


@require_http_methods(["GET"])
@member_required
def overview(request: HttpRequest, person: Person) -> HttpResponse:
    """Whether two-factor is on, and the ways to set it up, renew codes or turn it off."""
    return _overview(request, person)


def _setup_page(
    request: HttpRequest,
    person: Person,
    enrolment: services.Enrolment,
    form: CodeForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "secret": enrolment.secret,
        "uri": enrolment.uri,
        "qr": codes.qr_svg(enrolment.uri),
        "form": form,
    }
    response = render_page(request, person, "twofactor/setup.html", context, status)
    response["Cache-Control"] = "no-store"  # the secret is not to be kept by any cache
    return response


@require_POST
@member_required
def setup(request: HttpRequest, person: Person) -> HttpResponse:
    """A new secret, shown as a QR code and as text, with the form to confirm it; for the
    password, when the login has one."""
    if queries.is_enabled(person.user_id):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("twofactor")
    form = SetupForm(request.POST)
    form.is_valid()
    password = form.cleaned_data.get("password") or ""
    limit = limits.password_limit()
    if services.needs_password(person.user) and password:
        lock = _attempt(person, form, limit, codes=False)
        if lock is not None:
            return _overview(request, person, setup_form=form, status=429, lock=lock)
    try:
        enrolment = services.begin_enrolment(person=person, password=password)
    except ValidationError as error:
        if "password" not in error.message_dict:
            messages.info(request, _("Two-factor authentication is already on."))
            return redirect("twofactor")
        _add_errors(form, error)
        return _overview(request, person, setup_form=form, status=400)
    limits.clear(limit, str(person.user_id))
    return _setup_page(request, person, enrolment, CodeForm())


def _codes_page(request: HttpRequest, person: Person, plain: list[str]) -> HttpResponse:
    response = render_page(request, person, "twofactor/recovery_codes.html", {"codes": plain})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required
def confirm(request: HttpRequest, person: Person) -> HttpResponse:
    """The first code from the app turns two-factor on; the recovery codes are shown once."""
    enrolment = services.pending_enrolment(person)
    if enrolment is None:
        return redirect("twofactor")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            plain = services.confirm_enrolment(person=person, code=form.cleaned_data["code"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Two-factor authentication is on."))
            return _codes_page(request, person, plain)
    return _setup_page(request, person, enrolment, form, status=400)


@require_POST
@member_required
def disable(request: HttpRequest, person: Person) -> HttpResponse:
    """Turn two-factor off, with a current code or the password; both are rate limited."""
    form = DisableForm(request.POST)
    if form.is_valid():
        code, password = form.cleaned_data["code"], form.cleaned_data["password"]
        limit = login.code_limit() if code else limits.password_limit()
        lock = _attempt(person, form, limit, codes=bool(code)) if code or password else None
        if lock is not None:
            return _overview(request, person, disable_form=form, status=429, lock=lock)
        try:
            services.disable(person=person, code=code, password=password)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            limits.clear(limit, str(person.user_id))
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("profile")
    return _overview(request, person, disable_form=form, status=400)


@require_POST
@member_required
def recovery_codes(request: HttpRequest, person: Person) -> HttpResponse:
    """New recovery codes for a current code (rate limited); the old ones stop working."""
    form = CodeForm(request.POST)
    if form.is_valid():
        lock = _attempt(person, form, login.code_limit(), codes=True)
        if lock is not None:
            return _overview(request, person, renew_form=form, status=429, lock=lock)
        try:
            plain = services.regenerate_recovery_codes(
                person=person, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            limits.clear(login.code_limit(), str(person.user_id))
            messages.success(request, _("New recovery codes: the old ones no longer work."))
            return _codes_page(request, person, plain)
    return _overview(request, person, renew_form=form, status=400)


# --- The workspace's requirement (admins) ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_required
def requirement(request: HttpRequest, person: Person) -> HttpResponse:
    """Require two-factor of everyone in the workspace, or stop requiring it."""
    workspace = person.workspace
    form = RequirementForm(
        _posted(request), initial={"required": queries.is_required(workspace.pk)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_requirement(
                actor=person, workspace=workspace, required=form.cleaned_data["required"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved the two-factor setting."))
            return redirect(reverse("workspace_settings") + "#two-factor")
    status = 400 if form.errors else 200
    context = {"section": "settings", "form": form}
    return render_page(request, person, "twofactor/requirement.html", context, status)
