"""Forms of the login pages. A form checks what the person typed; saving goes through the
services (``pmo.core.services``), which check permissions, validate and write history."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from pmo.core import clock
from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.services import TOKENS_ENDED_BY_ADMIN, api_tokens_end, user_password_set

OWN_ROLES_HELP = "You cannot change your own roles or deactivate yourself: another PMO head can."
ROLES_HELP = "PMO roles also open the administration site."
ACTIVE_HELP = "Clear this to stop the person signing in. Their history and records stay."
SUPERUSER_HELP = "A superuser may do everything, including manage other superusers."


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show every problem of a service's ValidationError on the form: beside the field it names
    where the form has that field, at the top otherwise. A field the form already found wrong
    keeps its own problem (the service judged what was left of it)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, [text for text in error.messages if text not in form.non_field_errors()])
        return
    for name, texts in error.message_dict.items():
        if name in form.fields and name in form.errors:
            continue
        form.add_error(name if name in form.fields else None, texts)


class UserForm(forms.Form):
    """A login's details and roles. ``is_active`` is shown when editing; ``is_superuser`` only
    to superusers. Editing oneself, the roles and ``is_active`` are shown but cannot be changed."""

    username = forms.CharField(
        max_length=150,
        help_text="What the person types to sign in: letters, digits and @ . + - _ only.",
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=ROLES_HELP
    )
    is_active = forms.BooleanField(label="Active (may sign in)", required=False, help_text=ACTIVE_HELP)
    is_superuser = forms.BooleanField(label="Superuser", required=False, help_text=SUPERUSER_HELP)

    def __init__(self, *args: Any, actor: User, account: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        if account is None:
            del self.fields["is_active"]
        if not actor.is_superuser:
            del self.fields["is_superuser"]
        if account is not None and account.pk == actor.pk:
            for name in ("roles", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = OWN_ROLES_HELP

    def values(self) -> dict[str, Any]:
        """The login's own fields as typed (roles apart)."""
        return {
            name: self.cleaned_data[name]
            for name in ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
            if name in self.fields and not self.fields[name].disabled
        }

    def chosen_roles(self) -> list[str] | None:
        """The roles ticked, or None when the form may not change them."""
        return None if self.fields["roles"].disabled else list(self.cleaned_data["roles"])


class PasswordSetForm(SetPasswordForm):
    """Choose a password through a set-password link; saved by ``user_password_set`` (history
    notes it as done by the person; their API tokens end)."""

    def save(self, commit: bool = True) -> Any:
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"])


class AdminPasswordForm(AdminPasswordChangeForm):
    """A superuser sets someone's password in the admin: their history says so, and their API
    tokens end, as after every password change, saying why; as they do when the admin turns
    password sign-in off (no password changes then, so nothing else ends them)."""

    def save(self, commit: bool = True) -> Any:
        self.user._change_reason = TOKENS_ENDED_BY_ADMIN  # type: ignore[attr-defined]
        user = super().save(commit=commit)
        if commit and not user.has_usable_password():
            api_tokens_end(user=user, reason=TOKENS_ENDED_BY_ADMIN)
        return user


# How long a new token works: choice -> (label, days; None for ever).
TOKEN_LIFETIMES = {
    "30": ("In 30 days", 30),
    "90": ("In 90 days", 90),
    "365": ("In a year", 365),
    "never": ("Never", None),
}
DEFAULT_TOKEN_LIFETIME = "90"


class ApiTokenForm(forms.Form):
    """A new personal API token: its name and how long it works."""

    name = forms.CharField(label="Token name", max_length=100, required=False)
    expires_in = forms.ChoiceField(
        label="Expires",
        choices=[(key, label) for key, (label, _) in TOKEN_LIFETIMES.items()],
        initial=DEFAULT_TOKEN_LIFETIME,
        required=False,
    )

    def expires_at(self) -> dt.datetime | None:
        """When the token stops working, counted from now (None: never)."""
        days = TOKEN_LIFETIMES[self.cleaned_data["expires_in"] or DEFAULT_TOKEN_LIFETIME][1]
        return None if days is None else clock.now() + dt.timedelta(days=days)
