"""Pages of accounts: login, passwords, invitations, workspaces, people, teams and settings.

Thin: resolve the caller (decorators), reach objects through the access helpers, validate a
form, call one service, redirect with a message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper import pickers
from goalkeeper.accounts import access, emails, login_steps, queries, ratelimit, services
from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.forms import (
    MONTHS,
    AcceptExistingForm,
    AcceptNewForm,
    DeactivateForm,
    InviteForm,
    PersonForm,
    ProfileForm,
    StyledPasswordChangeForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
    TeamAddForm,
    TeamCreateForm,
    TeamEditForm,
    ThemeForm,
    WorkspaceLoginForm,
    WorkspaceSettingsForm,
)
from goalkeeper.accounts.holdings import holdings_of
from goalkeeper.accounts.middleware import SESSION_KEY, person_of, sso_workspace_of
from goalkeeper.accounts.models import Person, Team, User, Workspace
from goalkeeper.accounts.pickers import search_people, search_teams
from goalkeeper.accounts.rendering import render_page

# --- Login, rate limited -------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login, with failed attempts slowed down (`goalkeeper.accounts.ratelimit`).

    A wait is checked before the password is, so guessing during it is pointless; it is
    answered 429 with `Retry-After`. Once the wait is over the right password signs in and
    clears the failures of its account from this address, and the browser gets a device
    cookie: next time it is exempt from the account-wide wait (`ratelimit.login_lock`).
    """

    template_name = "web/login.html"
    authentication_form = WorkspaceLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = ratelimit.normalise_email(request.POST.get("username"))
        address = ratelimit.client_address(request)
        device = ratelimit.device_of(request, email)
        now = timezone.now()
        # Counted as a failure before the password is checked (and taken back if it is
        # right), so that guesses sent in parallel see each other.
        lock, attempt = services.begin_login(email, address, now, device=device)
        if lock is not None:
            # An unbound form: adding the error to the posted one would check its password.
            form = self.get_form_class()(
                request, initial={"username": str(request.POST.get("username", ""))[:254]}
            )
            form.cleaned_data = {}  # what add_error expects of a validated form
            form.add_error(None, _wait_message(lock, now))
            response = self.render_to_response(self.get_context_data(form=form))
            return ratelimit.too_many(response, lock, now)
        form = self.get_form()
        if form.is_valid():
            services.end_login(email, address, attempt, succeeded=True, device=device)
            response = self.form_valid(form)
            ratelimit.remember_device(response, email)
            return response
        if email and "no_workspace" not in {e.code for e in form.non_field_errors().as_data()}:
            services.end_login(email, address, attempt, succeeded=False, device=device, now=now)
        else:
            services.end_login(email, address, attempt, succeeded=True, device=device)
        return self.form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        # A login with two-factor on is asked for its code before the session is signed in.
        second_step = login_steps.after_password(
            self.request, form.get_user(), self.get_success_url()
        )
        return second_step or super().form_valid(form)


def _wait_message(lock: ratelimit.Lock, now: Any) -> str:
    """What a refused login reads: whose failures, and how long to wait."""
    seconds = lock.seconds_left(now)
    if lock.scope == ratelimit.login_address_limit().scope:
        if seconds < 60:
            text = ngettext(
                "Too many failed attempts for your address. Try again in %(seconds)s "
                "second, or reset your password.",
                "Too many failed attempts for your address. Try again in %(seconds)s "
                "seconds, or reset your password.",
                seconds,
            )
        else:
            text = ngettext(
                "Too many failed attempts for your address. Try again in %(minutes)s "
                "minute, or reset your password.",
                "Too many failed attempts for your address. Try again in %(minutes)s "
                "minutes, or reset your password.",
                lock.minutes_left(now),
            )
    elif seconds < 60:
        text = ngettext(
            "Too many failed attempts for this account. Try again in %(seconds)s "
            "second, or reset your password.",
            "Too many failed attempts for this account. Try again in %(seconds)s "
            "seconds, or reset your password.",
            seconds,
        )
    else:
        text = ngettext(
            "Too many failed attempts for this account. Try again in %(minutes)s "
            "minute, or reset your password.",
            "Too many failed attempts for this account. Try again in %(minutes)s "
            "minutes, or reset your password.",
            lock.minutes_left(now),
        )
    return text % {"seconds": seconds, "minutes": lock.minutes_left(now)}


# --- Workspaces ----------------------------------------------------------------------------


@require_POST
@member_required
def workspace_switch(request: HttpRequest, person: Person) -> HttpResponse:
    """Make another of the caller's workspaces the current one."""
    try:
        workspace_id = int(request.POST.get("workspace", ""))
    except ValueError:
        workspace_id = 0
    only = sso_workspace_of(request)
    if only is not None and workspace_id != only:
        # Signed in through single sign-on: the provider vouches for that workspace alone.
        raise Http404("no such workspace")
    target = access.access_workspace_of_user(person.user, workspace_id)
    request.session[SESSION_KEY] = target.workspace_id
    # The page the switch came from shows the old workspace's objects: start from home.
    url = reverse("home")
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    messages.success(
        request, _("You are now in %(workspace)s.") % {"workspace": target.workspace.name}
    )
    return redirect(url)


# --- Passwords -----------------------------------------------------------------------------


@method_decorator(login_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Django's own form_valid saves through the form; the service saves and audits in
        # one transaction instead, then the session keeps its login as Django's would.
        try:
            services.change_password(
                user=form.user,
                new_password=form.cleaned_data["new_password1"],
                person=person_of(self.request),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_required, name="dispatch")
class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _site() -> tuple[str, bool]:
    """The public host and whether it uses https, from SITE_URL (never the Host header)."""
    parts = urlsplit(settings.SITE_URL)
    return parts.netloc, parts.scheme == "https"


class PasswordResetView(auth_views.PasswordResetView):
    """Send a reset link; links point at SITE_URL, so a forged Host header cannot redirect them."""

    template_name = "accounts/password_reset.html"
    form_class = StyledPasswordResetForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = ratelimit.normalise_email(form.cleaned_data.get("email"))
        checks = [
            (ratelimit.reset_account_limit(), email),
            (ratelimit.reset_address_limit(), ratelimit.client_address(self.request)),
        ]
        now = timezone.now()
        lock = ratelimit.first_lock(checks, now)
        if lock is not None:
            minutes = lock.minutes_left(now)
            form.add_error(
                None,
                ngettext(
                    "Too many reset requests. Try again in %(minutes)s minute.",
                    "Too many reset requests. Try again in %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = self.render_to_response(self.get_context_data(form=form))
            return ratelimit.too_many(response, lock, now)
        services.count_attempt(checks, now)
        # The email's context is spread last, so these win over the request's host.
        host, secure = _site()
        self.extra_email_context = {
            "domain": host,
            "protocol": "https" if secure else "http",
            "site_name": "Goalkeeper",
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever reads the mailbox owns the account: a reset lifts every wait on it.
        services.clear_account(form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Invitations ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from an invitation link: with a new login, or the existing one."""
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render_page(request, None, "accounts/invite_invalid.html", {}, status=404)
    # A login made for an invited person and never used is theirs to claim with a password.
    existing = (
        None
        if queries.unclaimed_login(invitation.email)
        else User.objects.filter(email=invitation.email).first()
    )
    signed_in = request.user if request.user.is_authenticated else None
    context: dict[str, Any] = {"invitation": invitation, "existing": existing}
    if signed_in is not None and signed_in.pk != getattr(existing, "pk", None):
        context["wrong_user"] = signed_in
        return render_page(request, None, "accounts/invite_accept.html", context, status=403)
    if existing is None:
        form: AcceptNewForm | AcceptExistingForm | None = AcceptNewForm(
            _posted(request),
            email=invitation.email,
            initial={"name": invitation.name},
        )
    elif signed_in is None and not existing.has_usable_password():
        # A login made by the API, SCIM or single sign-on has no password to type here: it
        # sets one by email (reading it proves the mailbox), or signs in by single sign-on,
        # and then opens this link again.
        form = None
        context["no_password"] = True
        context["sso"] = _has_single_sign_on(invitation.workspace)
    elif signed_in is None:
        form = AcceptExistingForm(_posted(request))
    else:
        form = None  # signed in as the invited login: one click joins
    if request.method == "POST" and request.POST.get("decision") == "decline":
        return _decline(request, token, signed_in, context)
    if request.method == "POST" and context.get("no_password"):
        context["error"] = _("Set a password for this login first, or sign in another way.")
        return render_page(request, None, "accounts/invite_accept.html", context, status=400)
    if request.method == "POST":
        return _accept(request, token, invitation.email, existing, form, context)
    context["form"] = form
    return render_page(request, None, "accounts/invite_accept.html", context)


def _has_single_sign_on(workspace: Workspace) -> bool:
    """Whether `workspace` lets its people sign in with single sign-on (read through the
    reverse relation: accounts does not import the single sign-on app)."""
    try:
        provider = workspace.sso
    except ObjectDoesNotExist:
        return False
    return bool(getattr(provider, "enabled", False))


def _decline(
    request: HttpRequest, token: str, signed_in: Any, context: dict[str, Any]
) -> HttpResponse:
    """Say no: the link stops working, the inviting workspace sees it declined."""
    try:
        invitation = services.decline_invitation(token=token, user=signed_in)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render_page(request, None, "accounts/invite_accept.html", context, status=400)
    return render_page(request, None, "accounts/invite_declined.html", {"invitation": invitation})


def _accept(
    request: HttpRequest,
    token: str,
    email: str,
    existing: User | None,
    form: AcceptNewForm | AcceptExistingForm | None,
    context: dict[str, Any],
) -> HttpResponse:
    context["form"] = form
    if form is not None and not form.is_valid():
        return render_page(request, None, "accounts/invite_accept.html", context, status=400)
    if isinstance(form, AcceptExistingForm) and existing is not None:
        # The password here is a sign-in: the same waits as the login page's.
        address = ratelimit.client_address(request)
        device = ratelimit.device_of(request, email)
        now = timezone.now()
        lock, attempt = services.begin_login(email, address, now, device=device)
        if lock is not None:
            form.add_error(None, _wait_message(lock, now))
            response = render_page(request, None, "accounts/invite_accept.html", context)
            return ratelimit.too_many(response, lock, now)
        if not existing.check_password(form.cleaned_data["password"]):
            services.end_login(email, address, attempt, succeeded=False, device=device, now=now)
            form.add_error("password", _("That is not the password of this account."))
            return render_page(request, None, "accounts/invite_accept.html", context, status=400)
        services.end_login(email, address, attempt, succeeded=True, device=device)
    typed_password = isinstance(form, AcceptExistingForm)
    try:
        if isinstance(form, AcceptNewForm):
            person = services.accept_invitation(
                token=token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        else:
            assert existing is not None
            person = services.accept_invitation(token=token, user=existing)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render_page(request, None, "accounts/invite_accept.html", context, status=400)
    # An existing login with two-factor on gives its code before the session is signed in.
    second_step = login_steps.after_password(request, person.user, reverse("home"))
    if second_step is None:
        auth_login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = person.workspace_id
    messages.success(
        request,
        _("Welcome to %(workspace)s, %(name)s.")
        % {"workspace": person.workspace.name, "name": person.name},
    )
    response = second_step or redirect("home")
    if typed_password:
        ratelimit.remember_device(response, email)
    return response


@require_http_methods(["GET", "POST"])
@admin_required
def admin_invite(request: HttpRequest, person: Person) -> HttpResponse:
    """Invite someone by email with a role (and a first team)."""
    form = InviteForm(_posted(request), workspace=person.workspace)
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        try:
            invitation, token = services.invite_person(
                actor=person,
                workspace=person.workspace,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                team=team,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            link = emails.invitation_link(token)
            if emails.send_invitation(invitation, link):
                messages.success(
                    request,
                    ngettext(
                        "Invitation sent to %(email)s. The link works once, for %(days)s "
                        "day: %(link)s",
                        "Invitation sent to %(email)s. The link works once, for %(days)s "
                        "days: %(link)s",
                        emails.invitation_days(invitation),
                    )
                    % {
                        "email": invitation.email,
                        "days": emails.invitation_days(invitation),
                        "link": link,
                    },
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The invitation for %(email)s is ready but the email could not be "
                        "sent. Give them this link yourself: %(link)s"
                    )
                    % {"email": invitation.email, "link": link},
                )
            return redirect("admin_people")
    status = 400 if form.errors else 200
    return render_page(
        request, person, "accounts/admin_invite.html", {"form": form, "section": "people"}, status
    )


@require_POST
@admin_required
def admin_invite_revoke(request: HttpRequest, person: Person, invitation_id: int) -> HttpResponse:
    invitation = access.access_invitation_by_id(person, invitation_id)
    try:
        services.revoke_invitation(actor=person, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation for %(email)s no longer works.") % {"email": invitation.email},
        )
    return redirect("admin_people")


# --- Admin: overview and people ------------------------------------------------------------


@require_http_methods(["GET"])
@admin_required
def admin_home(request: HttpRequest, person: Person) -> HttpResponse:
    """The admin landing page: people, teams, audit log and settings at a glance."""
    workspace = person.workspace
    team_count, depth = queries.tree_shape(workspace)
    context = {
        "section": "overview",
        "counts": queries.people_counts(workspace),
        "invitations": len(queries.pending_invitations(workspace)),
        "team_count": team_count,
        "depth": depth,
        "month_name": dict(MONTHS)[workspace.fiscal_year_start_month],
    }
    return render_page(request, person, "accounts/admin_home.html", context)


@require_http_methods(["GET"])
@admin_required
def admin_people(request: HttpRequest, person: Person) -> HttpResponse:
    """Everyone in the workspace, their roles and teams, and the pending invitations."""
    status = request.GET.get("status", "active")
    filters = queries.PeopleFilters(
        q=request.GET.get("q", "")[:100],
        role=request.GET.get("role", ""),
        status=status if status in {"active", "invited", "deactivated", "all"} else "active",
    )
    page = queries.people(person.workspace, filters, _page_number(request))
    # The pager's links keep the filters (a page number alone would drop them).
    kept = {"q": filters.q, "role": filters.role, "status": filters.status}
    context = {
        "section": "people",
        "filters": filters,
        "page": page,
        "rows": page.rows,
        "previous_url": _page_url(request, kept, page.number - 1) if page.number > 1 else "",
        "next_url": _page_url(request, kept, page.number + 1) if page.number < page.pages else "",
        "counts": queries.people_counts(person.workspace),
        "invitations": queries.pending_invitations(person.workspace),
        "to_send": min(
            queries.invited_to_send(person.workspace).count(), queries.INVITATIONS_PER_SEND
        ),
    }
    return render_page(request, person, "accounts/admin_people.html", context)


@require_POST
@admin_required
def admin_person_invite(request: HttpRequest, person: Person, person_id: int) -> HttpResponse:
    """Email an invited person their invitation (again: the older link stops working)."""
    subject = access.access_person_by_id(person, person_id, for_write=True)
    try:
        services.send_invitation(actor=person, person=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation for %(name)s is on its way.") % {"name": subject.name}
        )
    if request.POST.get("back") == "person":
        return redirect("admin_person_edit", person_id=subject.pk)
    return redirect("admin_people")


@require_POST
@admin_required
def admin_people_invite_all(request: HttpRequest, person: Person) -> HttpResponse:
    """Email the invited people who have not declined their invitation (a bounded batch)."""
    chosen = queries.invited_to_send(person.workspace)[: queries.INVITATIONS_PER_SEND]
    sent = services.send_invitations(actor=person, people=list(chosen))
    if sent:
        messages.success(
            request,
            ngettext(
                "%(count)d invitation is on its way.",
                "%(count)d invitations are on their way.",
                sent,
            )
            % {"count": sent},
        )
    else:
        messages.info(request, _("Nobody is waiting for an invitation."))
    return redirect("admin_people")


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def _page_url(request: HttpRequest, kept: dict[str, str], number: int) -> str:
    query = {name: value for name, value in kept.items() if value}
    query["page"] = str(number)
    return f"{request.path}?{urlencode(query)}"


@require_http_methods(["GET", "POST"])
@admin_required
def admin_person_edit(request: HttpRequest, person: Person, person_id: int) -> HttpResponse:
    """A person's name, title, role and teams, what they own, and their history."""
    subject = access.access_person_by_id(person, person_id, for_write=True)
    which = request.POST.get("form", "details") if request.method == "POST" else ""
    details = PersonForm(
        request.POST if which == "details" else None,
        initial={"name": subject.name, "title": subject.title, "role": subject.role},
    )
    if which == "details" and details.is_valid():
        try:
            services.change_person(actor=person, person=subject, details=details.cleaned_data)
        except ValidationError as error:
            _add_errors(details, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": subject.name})
            return redirect("admin_person_edit", person_id=subject.pk)
    elif which == "teams":
        adding = TeamAddForm(request.POST, workspace=person.workspace)
        if not adding.is_valid():
            for refusal in adding.errors.get("add_team", []):
                messages.error(request, _("Add to a team: %(reason)s") % {"reason": refusal})
            return redirect("admin_person_edit", person_id=subject.pk)
        chosen = _chosen_teams(request, person)
        added = adding.cleaned_data.get("add_team")
        if added is not None:
            chosen.setdefault(added.pk, False)
        try:
            services.change_person(actor=person, person=subject, teams=chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved the teams of %(name)s.") % {"name": subject.name})
            return redirect("admin_person_edit", person_id=subject.pk)
    context = {
        "section": "people",
        "subject": subject,
        "form": details,
        # The person's own teams (a handful), not the org tree: a picker adds another.
        "teams": queries.teams_of(subject),
        "add_team": TeamAddForm(workspace=person.workspace),
        "holdings": holdings_of(subject),
    }
    status = 400 if details.errors else 200
    return render_page(request, person, "accounts/admin_person_edit.html", context, status)


def _chosen_teams(request: HttpRequest, person: Person) -> dict[int, bool]:
    """{team id: lead} from the teams form's checkboxes (a lead is a member too)."""

    def ids(name: str) -> set[int]:
        return {int(v) for v in request.POST.getlist(name) if v.isdigit()}

    members, leads = ids("member"), ids("lead")
    return {team_id: team_id in leads for team_id in members | leads}


@require_http_methods(["GET", "POST"])
@admin_required
def admin_person_deactivate(request: HttpRequest, person: Person, person_id: int) -> HttpResponse:
    """Deactivate a person, handing what they own to someone else."""
    subject = access.access_person_by_id(person, person_id, for_write=True)
    holdings = holdings_of(subject)
    form = DeactivateForm(_posted(request), subject=subject, required=holdings.total > 0)
    if request.method == "POST" and form.is_valid():
        new_owner = form.cleaned_data["new_owner"]
        try:
            handed = services.deactivate_person(actor=person, person=subject, new_owner=new_owner)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            handed_text = (
                " "
                + ngettext(
                    "%(count)s item now belongs to %(name)s.",
                    "%(count)s items now belong to %(name)s.",
                    handed.total,
                )
                % {"count": handed.total, "name": new_owner.name}
                if new_owner is not None and handed.total
                else ""
            )
            messages.success(
                request, _("%(name)s is deactivated.") % {"name": subject.name} + handed_text
            )
            return redirect("admin_person_edit", person_id=subject.pk)
    context = {"section": "people", "subject": subject, "holdings": holdings, "form": form}
    status = 400 if form.errors else 200
    return render_page(request, person, "accounts/admin_person_deactivate.html", context, status)


@require_POST
@admin_required
def admin_person_reactivate(request: HttpRequest, person: Person, person_id: int) -> HttpResponse:
    subject = access.access_person_by_id(person, person_id, for_write=True)
    try:
        services.reactivate_person(actor=person, person=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": subject.name})
    return redirect("admin_person_edit", person_id=subject.pk)


# --- Admin: teams ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_required
def admin_teams(request: HttpRequest, person: Person) -> HttpResponse:
    """The org tree; a form below adds a team."""
    workspace = person.workspace
    form = TeamCreateForm(_posted(request), workspace=workspace)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            team = services.create_team(
                actor=person, workspace=workspace, name=form.cleaned_data["name"], parent=parent
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Added %(team)s under %(parent)s.") % {"team": team.name, "parent": parent.name},
            )
            return redirect("admin_teams")
    q = request.GET.get("q", "").strip()[:100]
    page = queries.org_tree_page(workspace, q=q, page=_page_number(request))
    archived = queries.org_tree_page(workspace, archived=True)
    context = {
        "section": "teams",
        "q": q,
        "page": page,
        "tree": page.nodes,
        "archived": archived.nodes,
        "archived_total": archived.total,
        "previous_url": _page_url(request, {"q": q}, page.number - 1) if page.number > 1 else "",
        "next_url": _page_url(request, {"q": q}, page.number + 1)
        if page.number < page.pages
        else "",
        "form": form,
    }
    status = 400 if form.errors else 200
    return render_page(request, person, "accounts/admin_teams.html", context, status)


@require_http_methods(["GET", "POST"])
@admin_required
def admin_team_edit(request: HttpRequest, person: Person, team_id: int) -> HttpResponse:
    """Rename a team, move it in the tree, archive or restore it."""
    team = access.access_team_for_admin(person, team_id)
    is_root = team.parent_id is None
    form = TeamEditForm(
        _posted(request), team=team, initial={"name": team.name, "parent": team.parent}
    )
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data.get("parent")
        try:
            services.change_team(
                actor=person, team=team, name=form.cleaned_data["name"], parent=parent
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": team.name})
            return redirect("admin_team_edit", team_id=team.pk)
    members = (
        Person.objects.filter(memberships__team=team)
        .select_related("user")
        .order_by("-memberships__is_lead", "name")
        .distinct()
    )
    leads = set(team.memberships.filter(is_lead=True).values_list("person_id", flat=True))
    context = {
        "section": "teams",
        "team": team,
        "parent": team.parent,
        "form": form,
        "members": [{"person": p, "lead": p.pk in leads} for p in members],
        "is_root": is_root,
    }
    status = 400 if form.errors else 200
    return render_page(request, person, "accounts/admin_team_edit.html", context, status)


@require_POST
@admin_required
def admin_team_archive(request: HttpRequest, person: Person, team_id: int) -> HttpResponse:
    team = access.access_team_for_admin(person, team_id)
    return _team_action(request, person, team, services.archive_team, _("%(team)s is archived."))


@require_POST
@admin_required
def admin_team_restore(request: HttpRequest, person: Person, team_id: int) -> HttpResponse:
    team = access.access_team_for_admin(person, team_id)
    return _team_action(request, person, team, services.restore_team, _("%(team)s is restored."))


def _team_action(
    request: HttpRequest, person: Person, team: Team, action: Any, done: str
) -> HttpResponse:
    try:
        action(actor=person, team=team)
    except ValidationError as error:
        messages.error(request, f"{team.name}: {' '.join(error.messages)}")
        return redirect("admin_team_edit", team_id=team.pk)
    messages.success(request, done % {"team": team.name})
    return redirect("admin_teams")


# --- Admin: workspace settings --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_required
def workspace_settings(request: HttpRequest, person: Person) -> HttpResponse:
    """Fiscal year, time zone, pace thresholds, stale days and the alerts' hold."""
    workspace = person.workspace
    initial = {
        "name": workspace.name,
        "fiscal_year_start_month": workspace.fiscal_year_start_month,
        "timezone": workspace.timezone,
        "on_track_gap": workspace.on_track_gap,
        "at_risk_gap": workspace.at_risk_gap,
        "stale_days": workspace.stale_days,
        "alert_hold_periods": workspace.alert_hold_periods,
    }
    form = WorkspaceSettingsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_workspace(actor=person, workspace=workspace, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved the workspace settings."))
            return redirect("workspace_settings")
    status = 400 if form.errors else 200
    context = {"section": "settings", "form": form}
    return render_page(request, person, "accounts/workspace_settings.html", context, status)


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), None for a GET.

    Not `request.POST or None`: an empty POST would then show the blank form as if
    nothing had been sent.
    """
    return request.POST if request.method == "POST" else None


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field when it names known fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Pickers: search as you type (docs/pickers.md) -----------------------------------------


@require_http_methods(["GET"])
@member_required
def pick_people(request: HttpRequest, person: Person) -> HttpResponse:
    """Active people of the workspace matching `?q=` (`?exclude=` one of them), at most 20."""
    exclude = pickers.int_param(request, "exclude")
    return pickers.options_response(
        search_people(person, pickers.query_of(request), exclude=exclude)
    )


@require_http_methods(["GET"])
@member_required
def pick_teams(request: HttpRequest, person: Person) -> HttpResponse:
    """Teams of the workspace not archived matching `?q=`, at most 20."""
    return pickers.options_response(search_teams(person, pickers.query_of(request)))


# --- The person's own profile -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def profile(request: HttpRequest, person: Person) -> HttpResponse:
    """The person's name, email, language and theme (docs/navigation.md)."""
    user = person.user
    initial = {"name": person.name, "language": user.language, "theme": user.theme}
    form = ProfileForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(person=person, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("Saved your profile."))
            return redirect("profile")
    status = 400 if form.errors else 200
    context = {"form": form, "email": user.email}
    return render_page(request, person, "accounts/profile.html", context, status)


@require_POST
@member_required
def profile_theme(request: HttpRequest, person: Person) -> HttpResponse:
    """The user menu's quick theme switch: save the theme, go back to the page it was on."""
    form = ThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(gettext("theme: must be light, dark or system"), status=400)
    services.update_profile(person=person, theme=form.cleaned_data["theme"])
    back = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("profile")
    if getattr(request, "htmx", False):
        return HttpResponse(status=204)
    return redirect(back)
