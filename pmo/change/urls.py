"""Pages of change control, named ``change:<page>``."""

from django.urls import path

from pmo.change import views

app_name = "change"
urlpatterns = [
    path("changes/settings/", views.settings_page, name="settings"),
    path("changes/<int:pk>/", views.detail, name="detail"),
]
