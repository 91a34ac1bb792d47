from django.contrib.auth import views as auth_views
from django.urls import path

from pmo.core import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/", views.token_create, name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
