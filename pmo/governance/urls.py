"""Pages of governance, named ``governance:<page>``."""

from django.urls import path

from pmo.governance import views

app_name = "governance"
urlpatterns = [
    path("gates/", views.gate_list, name="gate_list"),
    path("gates/<int:pk>/", views.gate_detail, name="gate_detail"),
    path("gates/<int:pk>/edit/", views.gate_update, name="gate_update"),
    path("gates/<int:pk>/history/", views.gate_history, name="gate_history"),
    path("gates/<int:gate>/evidence/new/", views.evidence_edit, name="evidence_create"),
    path("gates/evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_update"),
    path("gates/reviews/", views.review_list, name="review_list"),
    path("gates/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("gates/reviews/<int:pk>/history/", views.review_history, name="review_history"),
    path("gates/reviews/<int:pk>/evidence/<int:evidence>/", views.review_confirm, name="review_confirm"),
    path("gates/reviews/<int:pk>/submit/", views.review_submit, name="review_submit"),
    path("gates/reviews/<int:pk>/assess/", views.review_assess, name="review_assess"),
    path("gates/reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("gates/reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("gates/calendar/", views.calendar, name="calendar"),
    path("gates/projects/<str:code>/", views.project_gates, name="project_gates"),
    path("gates/projects/<str:code>/open/", views.review_open, name="review_open"),
    path("gates/projects/<str:code>/override/", views.override, name="override"),
]
