"""Pages of lessons, named ``lessons:<page>``."""

from django.urls import path

from pmo.lessons import views

app_name = "lessons"
urlpatterns = [
    path("lessons/", views.lesson_list, name="list"),
    path("lessons/new/", views.lesson_create, name="create"),
    path("lessons/themes/", views.themes, name="themes"),
    path("lessons/projects/<str:code>/", views.project_lessons, name="project"),
    path("lessons/projects/<str:code>/workshop/", views.closure_workshop, name="workshop"),
    path("lessons/<int:pk>/", views.lesson_detail, name="detail"),
    path("lessons/<int:pk>/edit/", views.lesson_update, name="update"),
    path("lessons/<int:pk>/publish/", views.lesson_publish, name="publish"),
    path("lessons/<int:pk>/retire/", views.lesson_retire, name="retire"),
    path("lessons/<int:pk>/history/", views.lesson_history, name="history"),
    path("lessons/<int:pk>/apply/<str:code>/", views.lesson_apply, name="apply"),
    path("lessons/<int:pk>/withdraw/<str:code>/", views.lesson_application_withdraw, name="withdraw"),
]
