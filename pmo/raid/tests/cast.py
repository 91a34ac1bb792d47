"""Everyone around one project in a programme, for the RAID and change-control tests."""

from collections.abc import Callable
from dataclasses import dataclass

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.portfolio.tests.factories import PersonFactory, PortfolioFactory, ProgrammeFactory, ProjectFactory


@dataclass
class Cast:
    project: Project
    other_project: Project
    programme: Programme
    portfolio: Portfolio
    pm: User
    sponsor: User
    programme_manager: User
    portfolio_owner: User
    head: User
    analyst: User
    officer: User
    executive: User
    other_pm: User

    def by_name(self, name: str) -> User:
        return getattr(self, name)


def make_cast(make_user: Callable[..., User]) -> Cast:
    pm = make_user(Role.PROJECT_MANAGER, username="pm", email="pm@council.example")
    sponsor = make_user(Role.SPONSOR, username="sponsor", email="sponsor@council.example")
    programme_manager = make_user(Role.PROJECT_MANAGER, username="progman", email="progman@council.example")
    portfolio_owner = make_user(Role.EXECUTIVE, username="owner", email="owner@council.example")
    other_pm = make_user(Role.PROJECT_MANAGER, username="other_pm", email="other.pm@council.example")
    portfolio = PortfolioFactory(
        name="IT Portfolio", owner=PersonFactory(user=portfolio_owner, name="Olive Owner")
    )
    programme = ProgrammeFactory(
        code="DIG",
        name="Digital",
        portfolio=portfolio,
        manager=PersonFactory(user=programme_manager, name="Greta Programme"),
    )
    project = ProjectFactory(
        code="WEB",
        name="Website",
        portfolio=portfolio,
        programme=programme,
        project_manager=PersonFactory(user=pm, name="Pat Manager"),
        sponsor=PersonFactory(user=sponsor, name="Sam Sponsor"),
    )
    other = ProjectFactory(
        code="HR", name="HR system", portfolio=portfolio, project_manager=PersonFactory(user=other_pm)
    )
    return Cast(
        project=project,
        other_project=other,
        programme=programme,
        portfolio=portfolio,
        pm=pm,
        sponsor=sponsor,
        programme_manager=programme_manager,
        portfolio_owner=portfolio_owner,
        head=make_user(Role.PMO_HEAD, username="head", email="head@council.example"),
        analyst=make_user(Role.PMO_ANALYST, username="analyst", email="analyst@council.example"),
        officer=make_user(Role.PMO_OFFICER, username="officer", email="officer@council.example"),
        executive=make_user(Role.EXECUTIVE, username="executive", email="cio@council.example"),
        other_pm=other_pm,
    )
