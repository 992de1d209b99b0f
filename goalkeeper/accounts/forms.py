"""Forms of the accounts pages: login, invitations, people, teams and workspace settings.

Forms only parse and validate input; the writes happen in `services`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.dates import MONTHS as DJANGO_MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import (
    MAX_ALERT_HOLD_PERIODS,
    Language,
    Person,
    Role,
    Team,
    Theme,
    User,
    Workspace,
)
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.accounts.services import known_time_zones
from goalkeeper.pickers import PickerField, picker

INPUT = "field__input"


class LoginForm(AuthenticationForm):
    """Email and password. Emails are stored lower-case, so they are matched that way."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password do not match an account. Check both and "
            "try again (the password is case-sensitive)."
        ),
    }

    def clean_username(self) -> str:
        username: str = self.cleaned_data.get("username") or ""
        return username.strip().lower()


def _set_choices(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    """Set the options of a choice field made in the class body."""
    cast(forms.ChoiceField, field).choices = choices


def _style(form: forms.BaseForm) -> None:
    """Give every widget the design system's input class."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        widget.attrs.setdefault("class", INPUT)


class WorkspaceLoginForm(LoginForm):
    """The login form, refusing people who are active in no workspace."""

    error_messages = {
        **LoginForm.error_messages,
        "no_workspace": _(
            "Your account is not active in any workspace. If you think this is a "
            "mistake, ask an admin of your workspace to reactivate you."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not Person.objects.filter(user=user, is_active=True).exists():
            raise ValidationError(self.error_messages["no_workspace"], code="no_workspace")


def _plain_password_help(form: forms.BaseForm) -> None:
    """Django's password help is an HTML list; pages show help as (escaped) text."""
    form.fields["new_password1"].help_text = " ".join(
        password_validation.password_validators_help_texts()
    )


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)
        _style(self)


class StyledPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        )

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email") or ""
        return email.strip().lower()

    def get_users(self, email: str) -> Iterator[Any]:
        """Every active login of `email`, also one without a usable password.

        Django leaves those out; here a login made by the API, SCIM or single sign-on sets
        its first password this way: reading the reset email proves the mailbox.
        """
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """In the account's own language when it chose one, else the page's."""
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class StyledSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)
        _style(self)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True})
    )
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.EDITOR,
        help_text=_(
            "Admins manage people, teams and settings; editors write objectives, key "
            "results and KPIs; viewers read."
        ),
    )
    team = PickerField(
        noun="team", label=_("Team"), required=False, empty_label=cast(str, _("No team yet"))
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        _style(self)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()


class AcceptNewForm(forms.Form):
    """Join with a new login: a name and a password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        _style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", gettext("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("name") or "")
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptExistingForm(forms.Form):
    """Join with the login that already exists for the invited email: its password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TeamAddForm(forms.Form):
    """One more team for a person, found by searching (the org tree may hold thousands)."""

    add_team = PickerField(
        noun="team",
        required=False,
        empty_label=cast(str, _("No other team")),
        label=_("Add to a team"),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "add_team").use(teams_source(workspace))


class DeactivateForm(forms.Form):
    new_owner = PickerField(
        noun="person",
        label=_("Hand over to"),
        required=False,
        help_text=_("Their objectives, key results and KPIs get this owner; the history stays."),
    )

    def __init__(self, *args: Any, subject: Person, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = picker(self, "new_owner")
        field.use(people_source(subject.workspace, exclude=subject), params={"exclude": subject.pk})
        field.required = required
        _style(self)


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = PickerField(noun="team", label=_("Part of"))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "parent").use(teams_source(workspace))
        _style(self)


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = PickerField(noun="team", label=_("Part of"))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if team.parent_id is None:
            # The company root has no parent to move under.
            del self.fields["parent"]
        else:
            # The service refuses a move under the team itself or its sub-teams.
            picker(self, "parent").use(teams_source(team.workspace))
        _style(self)


MONTHS = sorted(DJANGO_MONTHS.items())


class WorkspaceSettingsForm(forms.Form):
    """A plain form (not a ModelForm, which would change the workspace before the service
    takes its before-snapshot for the audit entry)."""

    name = forms.CharField(label=_("Workspace name"), max_length=120)
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTHS, coerce=int
    )
    timezone = forms.ChoiceField(label=_("Time zone"))
    on_track_gap = forms.FloatField(
        label=_("On track down to"),
        help_text=_(
            "Gap between score and time elapsed, e.g. -0.10: ten points behind is still on track."
        ),
        max_value=0,
        min_value=-1,
    )
    at_risk_gap = forms.FloatField(
        label=_("At risk down to"),
        help_text=_("Below this gap a key result is off track, e.g. -0.25."),
        max_value=0,
        min_value=-1,
    )
    stale_days = forms.IntegerField(
        label=_("Stale after (days)"),
        min_value=1,
        max_value=365,
        help_text=_("A key result with no check-in for this long is stale."),
    )
    alert_hold_periods = forms.IntegerField(
        label=_("Alert after (periods)"),
        min_value=0,
        max_value=MAX_ALERT_HOLD_PERIODS,
        help_text=_(
            "In periods of each KPI's frequency (weeks for a weekly KPI); 0 alerts at once."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = known_time_zones()
        _set_choices(self.fields["timezone"], [(zone, zone.replace("_", " ")) for zone in zones])
        _style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on_track, at_risk = cleaned.get("on_track_gap"), cleaned.get("at_risk_gap")
        if on_track is not None and at_risk is not None and at_risk > on_track:
            self.add_error("at_risk_gap", gettext("Must not be above the on-track gap."))
        return cleaned


class ProfileForm(forms.Form):
    """A person's own name, language and theme (`services.update_profile` checks them)."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        required=False,
        help_text=_("The language of the pages and of the emails Goalkeeper sends you."),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=Theme.choices,
        widget=forms.RadioSelect,
        help_text=_("Light or dark pages; as my system follows your device's setting."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ThemeForm(forms.Form):
    """The menu's quick switch: one theme, and the page to go back to."""

    theme = forms.ChoiceField(choices=Theme.choices)
    next = forms.CharField(required=False, max_length=2000)
