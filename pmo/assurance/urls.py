"""Pages of assurance, named ``assurance:<page>``."""

from django.urls import path

from pmo.assurance import views

app_name = "assurance"
urlpatterns = [
    path("health-checks/", views.check_list, name="check_list"),
    path("health-checks/portfolio/", views.portfolio_health, name="portfolio"),
    path("health-checks/settings/", views.settings_page, name="settings"),
    path("health-checks/projects/<str:code>/", views.project_health, name="project"),
    path("health-checks/projects/<str:code>/new/", views.check_plan, name="check_plan"),
    path("health-checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("health-checks/<int:pk>/history/", views.check_history, name="check_history"),
    path("health-checks/<int:pk>/edit/", views.check_edit, name="check_edit"),
    path("health-checks/<int:pk>/start/", views.check_start, name="check_start"),
    path("health-checks/<int:pk>/answers/", views.check_answers, name="check_answers"),
    path("health-checks/<int:pk>/findings/new/", views.check_finding, name="check_finding"),
    path("health-checks/<int:pk>/submit/", views.check_submit, name="check_submit"),
    path("health-checks/<int:pk>/agree/", views.check_agree, name="check_agree"),
    path("health-checks/<int:pk>/close/", views.check_close, name="check_close"),
    path("compliance/", views.portfolio_compliance, name="compliance"),
    path("compliance/rules/", views.compliance_rules, name="compliance_rules"),
    path("compliance/rules/<int:pk>/edit/", views.compliance_rule_edit, name="compliance_rule_edit"),
    path("compliance/rules/<int:pk>/history/", views.compliance_rule_history, name="compliance_rule_history"),
    path("compliance/projects/<str:code>/", views.project_compliance, name="project_compliance"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/default/", views.questionnaire_default, name="questionnaire_default"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/areas/new/", views.questionnaire_area, name="questionnaire_area"),
    path(
        "questionnaires/<int:pk>/questions/new/", views.questionnaire_question, name="questionnaire_question"
    ),
    path("questionnaires/<int:pk>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path(
        "questionnaires/<int:pk>/new-version/",
        views.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
]
