"""Sign-in, sign-out and the user's profile page, where personal API tokens are made and revoked;
the PMO head's pages for logins and their roles; choosing a password through a set-password link."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from pmo.core import selectors
from pmo.core.choices import Role
from pmo.core.forms import ApiTokenForm, PasswordSetForm, UserForm
from pmo.core.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from pmo.core.models import ApiToken, Notification, User
from pmo.core.permissions import ensure_can
from pmo.core.services import (
    api_token_create,
    api_token_revoke,
    ensure_can_change_user,
    notification_mark_read,
    user_check,
    user_create,
    user_password_link_create,
    user_update,
)

TOKEN_CREATED = "Token “{name}” created. Copy it now: it will not be shown again."
TOKEN_REVOKED = "Token “{name}” revoked; it no longer works."


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


def _profile_page(request: HttpRequest, form: ApiTokenForm) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "core/profile.html",
        {"tokens": tokens, "form": form, "new_secret": request.session.pop("new_token_secret", None)},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's details and their API tokens: when each was made, last used, expires or ended."""
    return _profile_page(request, ApiTokenForm())


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form)
    token, secret = api_token_create(
        user=request.user,  # type: ignore[arg-type]
        name=form.cleaned_data["name"],
        expires_at=form.expires_at(),
    )
    request.session["new_token_secret"] = secret
    messages.success(request, TOKEN_CREATED.format(name=token.name))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, TOKEN_REVOKED.format(name=token.name))
    return redirect("profile")


USER_CREATED = "Login “{user}” created."
USER_SAVED = "Login “{user}” saved."
PASSWORD_LINK_CREATED = (
    "New set-password link for “{user}” made. Their password, earlier links and API tokens no "
    "longer work: they sign in again once they have chosen a password with this link."
)
PASSWORD_IS_SET = "Your password is set: sign in with it."
MANAGE_LOGINS = "manage logins and roles"
NEW_LINK = "new_password_link"


def _remember_link(request: HttpRequest, account: User, path: str) -> None:
    """Keep the link to show once, on the login's page, after the redirect."""
    request.session[NEW_LINK] = {"user": account.pk, "url": request.build_absolute_uri(path)}


def _shown_once_link(request: HttpRequest, account: User) -> str | None:
    link = request.session.get(NEW_LINK)
    if not link or link.get("user") != account.pk:
        return None
    del request.session[NEW_LINK]
    return str(link["url"])


class UserPage:
    """What the PMO head's pages about logins share: whoever does not manage logins is refused
    (saying so) before any login is looked up; a login is found among them (else a 404)."""

    model = User
    key = "pk"

    def get_queryset(self) -> QuerySet[User]:
        user = self.request.user  # type: ignore[attr-defined]
        ensure_can(user, "core.view_user", action=MANAGE_LOGINS)
        return selectors.user_list(user=user)

    def object_context(self, account: Any) -> dict[str, Any]:
        return {**super().object_context(account), "account": account}  # type: ignore[misc]


class UserListView(UserPage, ObjectListView):
    """Every login: username, name, e-mail, roles, whether it may sign in, its last sign-in;
    ``?role=`` keeps those holding a role, ``?q=`` matches each word against the username,
    names and e-mail."""

    search = ("username", "first_name", "last_name", "email")
    template_name = "core/user_list.html"

    def role(self) -> Role | None:
        raw = self.request.GET.get("role", "")
        return Role(raw) if raw in Role.values else None

    def records(self) -> QuerySet[User]:
        users = super().records()
        role = self.role()
        return users.filter(groups__name=role.label) if role is not None else users

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            "rows": [(account, selectors.user_roles(account)) for account in shown],
            "roles": Role.choices,
            "role": self.role(),
            "search": self.request.GET.get("q", ""),
        }


class UserFormView(UserPage, ObjectEditView):
    """A new login with its roles (the page after shows its set-password link once), or a
    login's details, roles and whether it may sign in."""

    template_name = "core/user_form.html"

    def ensure_allowed(self, account: Any) -> None:
        if account is None:
            ensure_can(self.request.user, "core.add_user", action="add logins")
        else:
            ensure_can_change_user(self.request.user, account)

    def get_form(self, account: Any, data: Any = None) -> UserForm:
        actor: User = self.request.user  # type: ignore[assignment]
        if account is None:
            return UserForm(data, actor=actor)
        initial = {
            "username": account.username,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "roles": [role.value for role in selectors.user_roles(account)],
            "is_active": account.is_active,
            "is_superuser": account.is_superuser,
        }
        return UserForm(data, initial=initial, actor=actor, account=account)

    def check(self, form: Any, account: Any) -> None:
        given = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
        user_check(
            user=account,
            fields={name: form.cleaned_data[name] for name in given if name in form.cleaned_data},
        )

    def save(self, form: Any, account: Any) -> User:
        actor: User = self.request.user  # type: ignore[assignment]
        if account is not None:
            return user_update(actor=actor, user=account, fields=form.values(), roles=form.chosen_roles())
        created, link = user_create(actor=actor, roles=form.chosen_roles() or [], **form.values())
        if link:
            _remember_link(self.request, created, link)
        return created

    def success_message(self, saved: Any) -> str:
        return (USER_SAVED if self.key in self.kwargs else USER_CREATED).format(user=saved)

    def success_url(self, saved: Any) -> str:
        if self.key in self.kwargs:
            return reverse("user_list")
        return reverse("user_update", args=[saved.pk])

    def form_context(self, form: Any, account: Any, outcome: Any) -> dict[str, Any]:
        shows_link = account is not None and self.request.method == "GET"
        return {
            **super().form_context(form, account, outcome),
            "account": account,
            "tab": "edit",
            "new_link": _shown_once_link(self.request, account) if shows_link else None,
        }


class UserPasswordLinkView(UserPage, ObjectActionView):
    """Make a new set-password link for a login (shown once on its page)."""

    def ensure_allowed(self, account: Any) -> None:
        ensure_can_change_user(self.request.user, account)

    def act(self, account: Any, version: int | None) -> None:
        path = user_password_link_create(actor=self.request.user, user=account)  # type: ignore[arg-type]
        _remember_link(self.request, account, path)

    def success_message(self, account: Any) -> str:
        return PASSWORD_LINK_CREATED.format(user=account)

    def success_url(self, account: Any) -> str:
        return reverse("user_update", args=[account.pk])


class UserHistoryView(UserPage, ObjectHistoryView):
    """Every change to a login and its roles: when, who, and each field before → after."""

    template_name = "core/user_history.html"

    def object_context(self, account: Any) -> dict[str, Any]:
        return {**super().object_context(account), "tab": "history"}


user_list = UserListView.as_view()
user_create_page = UserFormView.as_view()
user_update_page = UserFormView.as_view()
user_password_link = UserPasswordLinkView.as_view()
user_history = UserHistoryView.as_view()


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password through a set-password link made by the PMO head."""

    template_name = "core/password_set.html"
    form_class = PasswordSetForm
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_IS_SET)
        return response


NOTIFICATION_READ = "Marked read: “{subject}”."
NOTIFICATIONS_ALL_READ = "All your notifications are marked read ({count} changed)."


class NotificationListView(ObjectListView):
    """The signed-in user's notifications, newest first, unread ones marked."""

    model = Notification
    template_name = "core/notification_list.html"


notification_list = NotificationListView.as_view()


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.restrict(request.user, "view"), pk=pk)
    notification_mark_read(user=request.user, notification=notification)  # type: ignore[arg-type]
    messages.success(request, NOTIFICATION_READ.format(subject=notification.subject))
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, NOTIFICATIONS_ALL_READ.format(count=count))
    return redirect("notification_list")
