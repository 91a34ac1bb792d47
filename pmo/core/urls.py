from django.contrib.auth import views as auth_views
from django.urls import path

from pmo.core import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/", views.token_create, name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/set-password/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("settings/users/", views.user_list, name="user_list"),
    path("settings/users/new/", views.user_create_page, name="user_create"),
    path("settings/users/<int:pk>/edit/", views.user_update_page, name="user_update"),
    path("settings/users/<int:pk>/history/", views.user_history, name="user_history"),
    path("settings/users/<int:pk>/password-link/", views.user_password_link, name="user_password_link"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
