"""Sign-in, sign-out and the user's profile page, where personal API tokens are made and revoked."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pmo.core.models import ApiToken
from pmo.core.services import api_token_create, api_token_revoke

TOKEN_CREATED = "Token “{name}” created. Copy it now: it will not be shown again."
TOKEN_REVOKED = "Token “{name}” revoked; it no longer works."


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "core/profile.html",
        {"tokens": tokens, "new_secret": request.session.pop("new_token_secret", None)},
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    token, secret = api_token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
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
