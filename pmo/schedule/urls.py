"""Pages of project plans, named ``schedule:<page>``."""

from django.urls import path

from pmo.schedule import views, views_edit, views_milestones, views_roadmap

app_name = "schedule"
urlpatterns = [
    path("plans/roadmap/", views_roadmap.portfolio_roadmap, name="roadmap"),
    path("plans/projects/<str:code>/", views.project_plan, name="project"),
    path("plans/projects/<str:code>/tasks/add/", views_edit.task_add, name="task_add"),
    path("plans/projects/<str:code>/tasks/<int:uid>/", views_edit.task_edit, name="task_edit"),
    path("plans/projects/<str:code>/import/", views.plan_import, name="import"),
    path("plans/projects/<str:code>/export/", views.plan_export, name="export"),
    path("plans/projects/<str:code>/gantt/<str:fmt>/", views_roadmap.plan_chart, name="chart"),
    path("plans/projects/<str:code>/risk/", views.plan_risk, name="risk"),
    path(
        "plans/projects/<str:code>/key-milestones/",
        views_milestones.key_milestones,
        name="key_milestones",
    ),
]
