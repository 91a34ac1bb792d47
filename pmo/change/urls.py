"""Pages of change control, named ``change:<page>``."""

from django.urls import path

from pmo.change import views

app_name = "change"
urlpatterns = [
    path("changes/", views.change_list, name="list"),
    path("changes/settings/", views.settings_page, name="settings"),
    path("changes/projects/<str:code>/", views.project_changes, name="project"),
    path("changes/projects/<str:code>/new/", views.change_create, name="create"),
    path("changes/<int:pk>/", views.change_detail, name="detail"),
    path("changes/<int:pk>/edit/", views.change_update, name="update"),
    path("changes/<int:pk>/assess/", views.change_assess, name="assess"),
    path("changes/<int:pk>/decide/", views.change_decide, name="decide"),
    path("changes/<int:pk>/implement/", views.change_implement, name="implement"),
    path("changes/<int:pk>/history/", views.change_history, name="history"),
]
