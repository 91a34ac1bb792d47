"""The REST API, ``/api/v1/``: collections named as in the design (plural kebab-case nouns)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from pmo.assurance import api as assurance_api
from pmo.change import api as change_api
from pmo.core.api import TokenView
from pmo.core.api_notifications import NotificationViewSet
from pmo.core.api_users import UserViewSet
from pmo.core.api_work import MyWorkView
from pmo.finance import api as finance_api
from pmo.finance import api_cost_centres, api_reference
from pmo.governance import api as governance_api
from pmo.governance import api_boards as governance_boards_api
from pmo.insights.api import DashboardView
from pmo.insights.early_warning_api import EarlyWarningsView
from pmo.lessons import api as lessons_api
from pmo.portfolio import api as portfolio_api
from pmo.portfolio.api_saved_views import SavedViewViewSet
from pmo.raid import api as raid_api
from pmo.raid.models import REGISTERS
from pmo.reporting.api import baselines_tolerances, exceptions, periods_reports
from pmo.reporting.api import settings as reporting_settings_api
from pmo.schedule import api as schedule_api
from pmo.schedule import api_calendars
from pmo.schedule import api_edit as schedule_edit_api

app_name = "api"


class Router(DefaultRouter):
    """No ``.json`` suffixes: project codes may contain dots."""

    include_format_suffixes = False


router = Router()
router.register("portfolios", portfolio_api.PortfolioViewSet, basename="portfolio")
router.register("programmes", portfolio_api.ProgrammeViewSet, basename="programme")
router.register("projects", portfolio_api.ProjectViewSet, basename="project")
router.register("saved-views", SavedViewViewSet, basename="saved-view")
router.register("people", portfolio_api.PersonViewSet, basename="person")
router.register("org-units", portfolio_api.OrgUnitViewSet, basename="org-unit")
router.register(
    "strategic-objectives", portfolio_api.StrategicObjectiveViewSet, basename="strategic-objective"
)
router.register("lifecycle-stages", portfolio_api.LifecycleStageViewSet, basename="lifecycle-stage")
router.register("users", UserViewSet, basename="user")
router.register("reporting-periods", periods_reports.ReportingPeriodViewSet, basename="reporting-period")
router.register("highlight-reports", periods_reports.HighlightReportViewSet, basename="highlight-report")
router.register("baselines", baselines_tolerances.BaselineViewSet, basename="baseline")
router.register("tolerances", baselines_tolerances.ToleranceViewSet, basename="tolerance")
router.register(
    "tolerance-defaults", baselines_tolerances.ToleranceDefaultViewSet, basename="tolerance-default"
)
router.register("tolerance-checks", baselines_tolerances.ToleranceCheckViewSet, basename="tolerance-check")
router.register("exceptions", exceptions.ProjectExceptionViewSet, basename="exception")
router.register(
    "reporting-settings", reporting_settings_api.ReportingSettingsViewSet, basename="reporting-settings"
)
router.register("notifications", NotificationViewSet, basename="notification")
# The RAID registers (risks, assumptions, issues, dependencies, actions, decisions): routes
# named after the model, e.g. ``api:risk-detail``.
for kind, viewset in raid_api.VIEWSETS.items():
    router.register(kind, viewset, basename=REGISTERS[kind]._meta.model_name)
router.register("raid-settings", raid_api.RaidSettingsViewSet, basename="raid-settings")
router.register("change-requests", change_api.ChangeRequestViewSet, basename="change-request")
router.register("change-settings", change_api.ChangeSettingsViewSet, basename="change-settings")
router.register("gates", governance_api.GateViewSet, basename="gate")
router.register("gate-reviews", governance_api.GateReviewViewSet, basename="gate-review")
router.register("gate-evidence", governance_api.GateEvidenceViewSet, basename="gate-evidence")
router.register("boards", governance_boards_api.BoardViewSet, basename="board")
router.register("meetings", governance_boards_api.MeetingViewSet, basename="meeting")
router.register("agenda-items", governance_boards_api.AgendaItemViewSet, basename="agenda-item")
router.register("minutes", governance_boards_api.MinuteViewSet, basename="minute")
router.register("health-checks", assurance_api.HealthCheckViewSet, basename="health-check")
router.register("questionnaires", assurance_api.QuestionnaireViewSet, basename="questionnaire")
router.register("compliance", assurance_api.ComplianceViewSet, basename="compliance")
router.register("compliance-rules", assurance_api.ComplianceRuleViewSet, basename="compliance-rule")
router.register("schedules", schedule_api.PlanViewSet, basename="schedule")
router.register("tasks", schedule_edit_api.TaskViewSet, basename="task")
router.register("milestones", schedule_api.MilestoneViewSet, basename="milestone")
router.register("schedule-runs", schedule_api.ScheduleRunViewSet, basename="schedule-run")
router.register("calendars", api_calendars.PlanCalendarViewSet, basename="calendar")
router.register("plan-baselines", api_calendars.PlanBaselineViewSet, basename="plan-baseline")
router.register("cost-codes", finance_api.CostCodeViewSet, basename="cost-code")
router.register("cost-categories", api_reference.CostCategoryViewSet, basename="cost-category")
router.register("funding-sources", api_reference.FundingSourceViewSet, basename="funding-source")
router.register("cost-centres", api_cost_centres.CostCentreViewSet, basename="cost-centre")
router.register(
    "cost-centre-budgets", api_cost_centres.CostCentreBudgetViewSet, basename="cost-centre-budget"
)
router.register("budgets", finance_api.BudgetViewSet, basename="budget")
router.register("actuals", finance_api.ActualViewSet, basename="actual")
router.register("forecasts", finance_api.ForecastViewSet, basename="forecast")
router.register("financial-years", finance_api.FinancialYearViewSet, basename="financial-year")
router.register("closed-months", finance_api.MonthLockViewSet, basename="closed-month")
router.register("evm", finance_api.EvmViewSet, basename="evm")
router.register("lessons", lessons_api.LessonViewSet, basename="lesson")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/me/", portfolio_api.MeView.as_view(), name="auth-me"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("early-warnings/", EarlyWarningsView.as_view(), name="early-warnings"),
    path("my-work/", MyWorkView.as_view(), name="my-work"),
    *router.urls,
]
