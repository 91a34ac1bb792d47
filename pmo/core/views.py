"""Sign-in, sign-out and the user's profile page, where personal API tokens are made and revoked;
the PMO head's pages for logins and their roles; choosing a password through a set-password link."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from pmo.core import selectors
from pmo.core.choices import Role
from pmo.core.forms import ApiTokenForm, PasswordSetForm, UserForm, add_service_errors
from pmo.core.history import history_entries
from pmo.core.models import ApiToken, Notification, User
from pmo.core.permissions import ensure_can
from pmo.core.services import (
    api_token_create,
    api_token_revoke,
    ensure_can_change_user,
    notification_mark_read,
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
USERS_PAGE_SIZE = 50
NEW_LINK = "new_password_link"


def _ensure_manager(request: HttpRequest) -> None:
    ensure_can(request.user, "core.view_user", action=MANAGE_LOGINS)


def _account(request: HttpRequest, pk: int) -> User:
    """The login ``pk``, for someone who manages logins (others are refused first)."""
    _ensure_manager(request)
    return get_object_or_404(selectors.user_list(user=request.user), pk=pk)


def _remember_link(request: HttpRequest, account: User, path: str) -> None:
    """Keep the link to show once, on the login's page, after the redirect."""
    request.session[NEW_LINK] = {"user": account.pk, "url": request.build_absolute_uri(path)}


def _shown_once_link(request: HttpRequest, account: User) -> str | None:
    link = request.session.get(NEW_LINK)
    if not link or link.get("user") != account.pk:
        return None
    del request.session[NEW_LINK]
    return str(link["url"])


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Every login: username, name, e-mail, roles, whether it may sign in, its last sign-in."""
    _ensure_manager(request)
    raw_role = request.GET.get("role", "")
    role = Role(raw_role) if raw_role in Role.values else None
    search = request.GET.get("q", "")
    users = selectors.user_list(user=request.user, role=role, search=search)
    page = Paginator(users, USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(account, selectors.user_roles(account)) for account in page.object_list]
    return render(
        request,
        "core/user_list.html",
        {"page": page, "rows": rows, "roles": Role.choices, "role": role, "search": search},
    )


def _form_page(request: HttpRequest, form: UserForm, account: User | None, **extra: Any) -> HttpResponse:
    return render(request, "core/user_form.html", {"form": form, "account": account, "tab": "edit", **extra})


@login_required
def user_create_page(request: HttpRequest) -> HttpResponse:
    """A new login with its roles; the page after shows its set-password link once."""
    ensure_can(request.user, "core.add_user", action="add logins")
    actor: User = request.user  # type: ignore[assignment]
    form = UserForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            account, link = user_create(actor=actor, roles=form.chosen_roles() or [], **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if link:
                _remember_link(request, account, link)
            messages.success(request, USER_CREATED.format(user=account))
            return redirect("user_update", pk=account.pk)
    return _form_page(request, form, None)


@login_required
def user_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A login's details, roles and whether it may sign in."""
    account = _account(request, pk)
    actor: User = request.user  # type: ignore[assignment]
    ensure_can_change_user(actor, account)
    initial = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "roles": [role.value for role in selectors.user_roles(account)],
        "is_active": account.is_active,
        "is_superuser": account.is_superuser,
    }
    form = UserForm(request.POST or None, initial=initial, actor=actor, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            saved = user_update(actor=actor, user=account, fields=form.values(), roles=form.chosen_roles())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, USER_SAVED.format(user=saved))
            return redirect("user_list")
    new_link = _shown_once_link(request, account) if request.method == "GET" else None
    return _form_page(request, form, account, new_link=new_link)


@login_required
@require_POST
def user_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a new set-password link for a login (shown once on its page)."""
    account = _account(request, pk)
    path = user_password_link_create(actor=request.user, user=account)  # type: ignore[arg-type]
    _remember_link(request, account, path)
    messages.success(request, PASSWORD_LINK_CREATED.format(user=account))
    return redirect("user_update", pk=account.pk)


@login_required
def user_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to a login and its roles: when, who, and each field before → after."""
    account = _account(request, pk)
    return render(
        request,
        "core/user_history.html",
        {"account": account, "entries": history_entries(account, user=request.user), "tab": "history"},
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password through a set-password link made by the PMO head."""

    template_name = "core/password_set.html"
    form_class = PasswordSetForm
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_IS_SET)
        return response


NOTIFICATIONS_PAGE_SIZE = 50
NOTIFICATION_READ = "Marked read: “{subject}”."
NOTIFICATIONS_ALL_READ = "All your notifications are marked read ({count} changed)."


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notifications, newest first, unread ones marked."""
    notifications = Notification.objects.restrict(request.user, "view").order_by("-created_at", "-pk")
    page = Paginator(notifications, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


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
