"""The REST API, ``/api/v1/``: collections named as in the design (plural kebab-case nouns)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from pmo.core.api import TokenView
from pmo.core.api_users import UserViewSet
from pmo.portfolio import api as portfolio_api

app_name = "api"


class Router(DefaultRouter):
    """No ``.json`` suffixes: project codes may contain dots."""

    include_format_suffixes = False


router = Router()
router.register("portfolios", portfolio_api.PortfolioViewSet, basename="portfolio")
router.register("programmes", portfolio_api.ProgrammeViewSet, basename="programme")
router.register("projects", portfolio_api.ProjectViewSet, basename="project")
router.register("people", portfolio_api.PersonViewSet, basename="person")
router.register("org-units", portfolio_api.OrgUnitViewSet, basename="org-unit")
router.register(
    "strategic-objectives", portfolio_api.StrategicObjectiveViewSet, basename="strategic-objective"
)
router.register("lifecycle-stages", portfolio_api.LifecycleStageViewSet, basename="lifecycle-stage")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/me/", portfolio_api.MeView.as_view(), name="auth-me"),
    *router.urls,
]
